"""Content loading and checking: shipped content is valid; each kind of bad content is refused
with a message naming the file, the entry and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.content import ORIGINAL_ARTICLE_CODES, SHIPPED_CONTENT, write_content

from webapp import create_app
from webapp.cli import check_content
from webapp.content import ContentError, load_site


def problems_for(tmp_path: Path, **overrides: str) -> list[str]:
    root = write_content(tmp_path / "content", **overrides)
    with pytest.raises(ContentError) as caught:
        load_site(root)
    return [str(p) for p in caught.value.problems]


def test_shipped_content_has_every_code_of_the_original_article() -> None:
    content = load_site(SHIPPED_CONTENT).default
    codes = [entry.code for entry in content.codes]
    assert set(ORIGINAL_ARTICLE_CODES) <= set(codes)
    assert {page.slug for page in content.pages} >= {"faq", "references"}
    assert all(entry.steps for entry in content.codes)


def test_shipped_faq_answers_the_questions_around_sign_in() -> None:
    faq = load_site(SHIPPED_CONTENT).default.page_by_slug["faq"]
    assert {
        "why-cant-i-sign-in",
        "what-is-modern-authentication",
        "what-is-sso",
        "what-is-mfa",
    } <= faq.anchors


def test_small_content_loads_with_rendered_markdown(content_dir: Path) -> None:
    content = load_site(content_dir).default
    entry = content.code_by_id["0xCAA20003"]
    assert "<strong>date and time</strong>" in entry.summary
    assert entry.summary_text.startswith("Your device's date and time")
    faq = content.page_by_slug["faq"]
    assert [s.anchor for s in faq.sections] == ["", "why", "mfa"]


def test_duplicate_code_is_refused(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    duplicate = CODES_TOML + CODES_TOML.split("[[code]]")[1].join(["[[code]]", ""])
    problems = problems_for(tmp_path, **{"codes.toml": duplicate})
    assert any(
        "codes.toml" in p and "duplicate code 0xCAA20003" in p and "code #4" in p for p in problems
    )


def test_malformed_code_is_refused_with_the_expected_form(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    problems = problems_for(
        tmp_path, **{"codes.toml": CODES_TOML.replace('"0xCAA20003"', '"0xcaa2003"')}
    )
    assert any(
        "content/codes.toml: code #1 (0xcaa2003): code '0xcaa2003' is malformed" in p
        for p in problems
    )


def test_missing_field_is_named(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    problems = problems_for(
        tmp_path,
        **{"codes.toml": CODES_TOML.replace('title = "Check your clock"\n', "", 1)},
    )
    assert "content/codes.toml: code #1 (0xCAA20003): missing field 'title'" in problems


def test_mistyped_field_is_named(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    problems = problems_for(
        tmp_path, **{"codes.toml": CODES_TOML.replace('keywords = ["clock"]', "keyword = 1")}
    )
    assert any("unknown field 'keyword'" in p for p in problems)


def test_wrong_type_is_explained(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    problems = problems_for(
        tmp_path,
        **{"codes.toml": CODES_TOML.replace('steps = ["Set the time', 'steps = [1, "Set the time')},
    )
    assert any("field 'steps' must be a list of text strings" in p for p in problems)


def test_invalid_toml_reports_the_line(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, **{"codes.toml": '[[code]]\ncode = "0xCAA20003\n'})
    assert problems[0].startswith("content/codes.toml: not valid TOML")
    assert "line 2" in problems[0]


def test_page_without_title_is_refused(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, **{"pages/guide.md": '+++\ndescription = "x"\n+++\nText.\n'})
    assert "content/pages/guide.md: front matter: missing field 'title'" in problems


def test_page_without_front_matter_is_refused(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, **{"pages/guide.md": "# Guide\n\nText.\n"})
    assert any(
        "pages/guide.md: front matter: the file must start with a '+++'" in p for p in problems
    )


# Every first segment of the site's own routes; a page named so would never be reached.
@pytest.mark.parametrize("slug", ["codes", "search", "api", "static", "healthz", "feedback"])
def test_a_page_may_not_take_an_address_the_site_routes(tmp_path: Path, slug: str) -> None:
    from click.testing import CliRunner

    root = write_content(tmp_path / "content", **{f"pages/{slug}.md": '+++\ntitle = "x"\n+++\n'})
    result = CliRunner().invoke(check_content, ["--content-dir", str(root)])
    assert result.exit_code == 1
    assert f"pages/{slug}.md: '{slug}' is a reserved address of the site; rename the file" in (
        result.output
    )
    with pytest.raises(ContentError, match=f"'{slug}' is a reserved address"):
        create_app({"CONTENT_DIR": str(root), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("/codes/0xCAA99999", "no code 0xCAA99999 in the code table"),
        ("/nowhere", "no page at /nowhere"),
        ("/faq#nope", "page /faq has no heading with id 'nope'"),
        ("faq", "internal links must start with '/'"),
        ("/codes#code-0xdeadbeef", "the code table has no row"),
    ],
)
def test_broken_internal_link_is_refused(tmp_path: Path, link: str, reason: str) -> None:
    page = f'+++\ntitle = "Guide"\n+++\nSee [this]({link}).\n'
    problems = problems_for(tmp_path, **{"pages/guide.md": page})
    assert any(
        p.startswith("content/pages/guide.md: body: broken link") and reason in p for p in problems
    ), problems


def test_working_internal_and_external_links_pass(tmp_path: Path) -> None:
    page = (
        '+++\ntitle = "Guide"\n+++\n## Top {#top}\n\n[a](/codes/0xCAA20003) [b](/faq#mfa) '
        "[c](/codes#code-0xcaa20003) [d](#top) [e](https://example.com) [f](mailto:x@example.org)\n"
    )
    root = write_content(tmp_path / "content", **{"pages/guide.md": page})
    assert "guide" in load_site(root).default.page_by_slug


def test_broken_link_in_a_code_step_is_refused(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    problems = problems_for(tmp_path, **{"codes.toml": CODES_TOML.replace("/faq#why", "/faq#gone")})
    assert any("code #2 (0xCAA82EE2): broken link '/faq#gone'" in p for p in problems)


def test_bad_family_prefix_and_decoder_are_refused(tmp_path: Path) -> None:
    from support.content import FAMILIES_TOML

    families = FAMILIES_TOML.replace('"0xCAA8"', '"CAA8"').replace('"network"', '"morse"')
    problems = problems_for(tmp_path, **{"families.toml": families})
    assert any("prefix 'CAA8' is malformed" in p for p in problems)


def test_catalogue_duplicate_of_the_code_table_names_both_places(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    problems = problems_for(
        tmp_path,
        **{"catalogue__again.toml": CODES_TOML.split("[[code]]")[1].join(["[[code]]", ""])},
    )
    assert any(
        "catalogue/again.toml" in p
        and "duplicate code 0xCAA20003 (already in content/codes.toml" in p
        for p in problems
    )


@pytest.mark.parametrize("typed", ["aadsts50126", "AADSTS 50126", "50126", "AADSTS0126"])
def test_malformed_catalogue_code_is_refused(tmp_path: Path, typed: str) -> None:
    entry = (
        f'[[code]]\ncode = "{typed}"\nfixer = "you"\ntitle = "t"\nsummary = "s"\n'
        'steps = ["x"]\ncontact_it = "c"\n'
    )
    problems = problems_for(tmp_path, **{"catalogue__bad.toml": entry})
    assert any(f"code '{typed}' is malformed" in p and "AADSTS50126" in p for p in problems)


def test_unknown_fixer_is_refused_with_the_choices(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    problems = problems_for(
        tmp_path, **{"codes.toml": CODES_TOML.replace('fixer = "you"', 'fixer = "me"', 1)}
    )
    assert any("fixer 'me' is unknown: write one of you, it, wait" in p for p in problems)


def test_translation_may_not_change_microsofts_name_or_the_fixer(tmp_path: Path) -> None:
    entry = (
        '[[code]]\ncode = "AADSTS50126"\nname = "Other"\nfixer = "it"\ntitle = "t"\n'
        'summary = "s"\nsteps = ["x"]\ncontact_it = "c"\n'
    )
    root = write_content(tmp_path / "content", **{"de__catalogue__aadsts.toml": entry})
    with pytest.raises(ContentError) as caught:
        load_site(root)
    problems = [str(p) for p in caught.value.problems]
    assert any("de/catalogue/aadsts.toml" in p and "unknown field 'name'" in p for p in problems)
    assert any("unknown field 'fixer'" in p for p in problems)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    from support.content import CODES_TOML

    problems = problems_for(
        tmp_path,
        **{
            "codes.toml": CODES_TOML.replace('"0xCAA20003"', '"bad"'),
            "pages/guide.md": "no front matter",
            "home.md": None,
        },
    )
    joined = "\n".join(problems)
    assert "malformed" in joined
    assert "pages/guide.md" in joined
    assert "home.md: file is missing" in joined


def test_missing_content_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="content folder not found"):
        load_site(tmp_path / "nowhere")


def test_site_refuses_to_start_with_broken_content(tmp_path: Path) -> None:
    root = write_content(tmp_path / "content", **{"pages/guide.md": "no front matter"})
    with pytest.raises(ContentError, match=r"guide\.md"):
        create_app({"CONTENT_DIR": str(root), "SECRET_KEY": "x" * 40})


def test_check_content_command_passes_on_good_content(content_dir: Path) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(check_content, ["--content-dir", str(content_dir)])
    assert result.exit_code == 0
    assert "content is valid: 6 codes" in result.output


def test_check_content_command_lists_each_problem_and_fails(tmp_path: Path) -> None:
    from click.testing import CliRunner
    from support.content import CODES_TOML

    root = write_content(
        tmp_path / "content",
        **{
            "codes.toml": CODES_TOML.replace('"0xCAA20003"', '"0xCAA82EE2"'),
            "pages/guide.md": '+++\ndescription = "x"\n+++\n',
        },
    )
    result = CliRunner().invoke(check_content, ["--content-dir", str(root)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert any("content/codes.toml: code #2 (0xCAA82EE2): duplicate code" in line for line in lines)
    assert "content/pages/guide.md: front matter: missing field 'title'" in lines


def test_check_content_command_reads_content_dir_from_the_environment(
    content_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    monkeypatch.setenv("CONTENT_DIR", str(content_dir))
    result = CliRunner().invoke(check_content, [])
    assert result.exit_code == 0, result.output
    assert str(content_dir) in result.output


@pytest.mark.slow
def test_check_content_is_a_flask_command() -> None:
    """The IT team runs exactly `flask --app webapp check-content`."""
    import subprocess
    import sys

    flask = Path(sys.executable).with_name("flask")
    done = subprocess.run(
        [str(flask), "--app", "webapp", "check-content"],
        capture_output=True,
        text=True,
        cwd=SHIPPED_CONTENT.parent,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "content is valid" in done.stdout


def test_page_may_stay_out_of_the_navigation(tmp_path: Path) -> None:
    page = '+++\ntitle = "Reset the app"\nnav = false\n+++\n## Steps {#steps}\n\nQuit it.\n'
    content = load_site(write_content(tmp_path / "content", **{"pages/reset.md": page})).default
    assert not content.page_by_slug["reset"].in_nav
    assert [p.slug for p in content.nav_pages] == ["faq"]


@pytest.mark.parametrize("value", ['"no"', "0"])
def test_nav_must_be_true_or_false(tmp_path: Path, value: str) -> None:
    page = f'+++\ntitle = "Reset the app"\nnav = {value}\n+++\nQuit it.\n'
    problems = problems_for(tmp_path, **{"pages/reset.md": page})
    assert problems == ["content/pages/reset.md: front matter: field 'nav' must be true or false"]
