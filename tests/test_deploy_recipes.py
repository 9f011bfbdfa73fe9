"""The deploy recipes under deploy/, checked without a container engine: the Containerfile and
the compose file are read and their references followed; the systemd unit is checked by
``systemd-analyze verify`` (Debian's systemd; .ci/run installs it) and read.

The reverse-proxy example is run for real in test_reverse_proxy.py.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.environment import in_ci

from webapp.config import PROJECT_ROOT, variables

DEPLOY = PROJECT_ROOT / "deploy"
CONTAINERFILE = DEPLOY / "Containerfile"
COMPOSE = DEPLOY / "compose.yaml"
UNIT = DEPLOY / "signin-help.service"
ENV_EXAMPLE = DEPLOY / "site.env.example"
LOCK = PROJECT_ROOT / "requirements.lock"


def instructions(path: Path) -> list[tuple[str, str]]:
    """A Containerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    joined, current = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    assert not current, "the file ends inside a continued line"
    parsed = []
    for text in joined:
        keyword, _, arguments = text.strip().partition(" ")
        parsed.append((keyword.upper(), arguments.strip()))
    return parsed


def exec_form(arguments: str) -> list[str]:
    """The JSON array of a CMD, ENTRYPOINT or HEALTHCHECK CMD (the shell-free form)."""
    import json

    assert arguments.startswith("["), f"not the exec form: {arguments}"
    return json.loads(arguments)


# --- Containerfile ---------------------------------------------------------------------------


def test_every_file_the_image_copies_is_in_the_project() -> None:
    copies = [args for keyword, args in instructions(CONTAINERFILE) if keyword == "COPY"]
    assert copies
    for arguments in copies:
        parts = [part for part in shlex.split(arguments) if not part.startswith("--")]
        for source in parts[:-1]:
            assert (PROJECT_ROOT / source).exists(), f"COPY {source}: not in the project"


def test_the_image_installs_exactly_the_lock_file() -> None:
    steps = instructions(CONTAINERFILE)
    copied = {
        shlex.split(args)[-1]
        for keyword, args in steps
        if keyword == "COPY" and shlex.split(args)[0] == LOCK.name
    }
    assert copied, "requirements.lock is not copied into the image"
    installs = [args for keyword, args in steps if keyword == "RUN" and "pip install" in args]
    from_lock = [args for args in installs if any(f"-r {path}" in args for path in copied)]
    assert from_lock and all("--require-hashes" in args for args in from_lock)
    # Nothing else is resolved at build time: the project itself goes in without dependencies.
    for args in installs:
        for command in args.split("&&"):
            if "pip install" in command:
                assert "--no-deps" in command, command


def test_the_image_runs_gunicorn_with_the_project_settings_as_a_plain_user() -> None:
    steps = instructions(CONTAINERFILE)
    users = [args for keyword, args in steps if keyword == "USER"]
    assert users, "no USER: the site would run as root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    command = exec_form(next(args for keyword, args in reversed(steps) if keyword == "CMD"))
    assert not [keyword for keyword, _ in steps if keyword == "ENTRYPOINT"]
    assert command[0] == "gunicorn" and command[-1] == "webapp:create_app()"
    config = command[command.index("--config") + 1]
    workdir = [args for keyword, args in steps if keyword == "WORKDIR"][-1]
    copied_to_workdir = [
        shlex.split(args)
        for keyword, args in steps
        if keyword == "COPY" and shlex.split(args)[-1] in {"./", ".", workdir, workdir + "/"}
    ]
    assert any(config in parts[:-1] for parts in copied_to_workdir), f"{config} is not copied"
    assert (PROJECT_ROOT / config).is_file()


def test_the_image_checks_its_health_on_healthz() -> None:
    health = [args for keyword, args in instructions(CONTAINERFILE) if keyword == "HEALTHCHECK"]
    assert len(health) == 1
    command = exec_form(health[0][health[0].index("CMD") + len("CMD") :].strip())
    assert "/healthz" in " ".join(command)
    # The probe's Python is valid, and uses the site's host name (TRUSTED_HOSTS).
    assert command[:2] == ["python", "-c"]
    compile(command[2], "HEALTHCHECK", "exec")
    assert "TRUSTED_HOSTS" in command[2]


def test_the_base_image_is_pinned_to_a_release() -> None:
    bases = [args for keyword, args in instructions(CONTAINERFILE) if keyword == "FROM"]
    assert bases
    for base in bases:
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", base) and not base.endswith(":latest"), base
        # The lock was made for this Python (pip-compile's header says which).
        python = re.search(r"python:(\d+\.\d+)", base)
        assert python and f"with Python {python.group(1)}" in LOCK.read_text(encoding="utf-8")


# --- compose ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_builds_the_image_from_the_project(compose: dict) -> None:
    build = compose["services"]["site"]["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert context == PROJECT_ROOT.resolve()
    assert (context / build["dockerfile"]).resolve() == CONTAINERFILE.resolve()


def test_compose_runs_the_site_on_postgresql_with_several_workers(compose: dict) -> None:
    site, db = compose["services"]["site"], compose["services"]["db"]
    env = site["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert "@db:" in env["DATABASE_URL"]
    assert int(re.sub(r"\$\{\w+:-(\d+)\}", r"\1", str(env["WEB_CONCURRENCY"]))) > 1
    assert db["image"].split("/")[-1].startswith("postgres:")
    assert site["depends_on"]["db"]["condition"] == "service_healthy"
    assert db["healthcheck"]["test"]
    assert env["HTTPS"] == "1" and env["PROXY_COUNT"] == "1" and "TRUSTED_HOSTS" in env
    # Every variable given to the site is one it reads.
    assert set(env) <= variables(), set(env) - variables()


def test_compose_keeps_secrets_out_of_the_repository(compose: dict) -> None:
    env = compose["services"]["site"]["environment"]
    # Required values from deploy/.env: compose stops with the message when one is missing.
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", env["SECRET_KEY"])
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    db_env = compose["services"]["db"]["environment"]
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", db_env["POSTGRES_PASSWORD"])
    ignored = subprocess.run(
        ["git", "check-ignore", "--quiet", "--no-index", str(DEPLOY / ".env")],
        cwd=PROJECT_ROOT,
        check=False,
    )
    assert ignored.returncode == 0, "deploy/.env, which holds the secrets, is not git-ignored"


def test_compose_references_exist(compose: dict) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            assert source in compose["volumes"], f"{name}: volume {source} is not declared"
        for network in service.get("networks", []):
            assert network in compose["networks"], f"{name}: network {network} is not declared"
        for dependency in service.get("depends_on", {}):
            assert dependency in compose["services"]
    # Only this machine reaches the site: the reverse proxy in front of it.
    ports = compose["services"]["site"]["ports"]
    assert ports and all(port.startswith("127.0.0.1:") for port in ports)
    assert "ports" not in compose["services"]["db"]
    # The proxy's connections come from the site's network: the one Gunicorn trusts.
    subnet = compose["networks"]["site"]["ipam"]["config"][0]["subnet"]
    assert compose["services"]["site"]["environment"]["FORWARDED_ALLOW_IPS"] == subnet


def test_the_settings_example_names_only_real_settings_and_no_secret() -> None:
    names = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = line.lstrip("# ").strip()
        match = re.fullmatch(r"([A-Z_]+)=(.*)", line)
        if match:
            names[match.group(1)] = match.group(2)
    assert set(names) <= variables() | {"POSTGRES_PASSWORD"}
    assert names["SECRET_KEY"] == "" and names["POSTGRES_PASSWORD"] == ""
    assert names["HTTPS"] == "1" and names["PROXY_COUNT"] == "1"


# --- systemd ---------------------------------------------------------------------------------


def unit_settings() -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_service_reloads_with_hup_and_runs_the_site_as_its_own_user() -> None:
    unit = unit_settings()
    assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    command = shlex.split(unit["ExecStart"][0])
    assert command[0].endswith("/.venv/bin/gunicorn") and command[1:] == ["webapp:create_app()"]
    # Started in the project folder, so Gunicorn reads gunicorn.conf.py.
    assert command[0].startswith(unit["WorkingDirectory"][0] + "/")
    assert unit["Type"] == ["notify"]
    assert unit["User"][0] not in {"root", "0"}
    assert unit["EnvironmentFile"]


def test_the_service_is_sandboxed() -> None:
    unit = unit_settings()
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "CapabilityBoundingSet": "",
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
        "SystemCallFilter": "@system-service",
    }.items():
        assert value in unit.get(key, []), f"{key}={value}"
    assert unit["ReadWritePaths"] == [unit["WorkingDirectory"][0] + "/instance"]


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found:
        return found
    if in_ci():
        pytest.fail("systemd-analyze is not installed (.ci/run installs Debian's systemd).")
    pytest.skip("systemd-analyze is not installed (apt-get install systemd)")


def test_systemd_accepts_the_service_unit(tmp_path: Path) -> None:
    """``systemd-analyze verify`` on the unit as installed in this project folder: every key
    known, every value valid, the commands there."""
    analyze = systemd_analyze()
    settings = tmp_path / "site.env"
    settings.write_text("APP_ENV=production\n")
    text = UNIT.read_text(encoding="utf-8")
    for old, new in {
        "/srv/signin-help/.venv/bin/gunicorn": str(Path(sys.executable).with_name("gunicorn")),
        "/srv/signin-help": str(PROJECT_ROOT),
        "/etc/signin-help/site.env": str(settings),
    }.items():
        assert old in text
        text = text.replace(old, new)
    unit = tmp_path / UNIT.name
    unit.write_text(text)
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert unit.name not in result.stdout + result.stderr, result.stdout + result.stderr


# --- Lock files ------------------------------------------------------------------------------


def pins(lock: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) for each package a pip-compile lock file pins."""
    found: dict[str, tuple[str, int]] = {}
    name = ""
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9._-]+)==([^ ;\\]+)", line)
        if match:
            name = canonical_name(match.group(1))
            found[name] = (match.group(2), 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = found[name]
            found[name] = (version, hashes + 1)
    return found


def canonical_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements.lock", ()), ("requirements-test.lock", ("test",))]
)
def test_the_lock_files_pin_every_dependency_within_its_range(
    lock: str, extras: tuple[str, ...]
) -> None:
    """pyproject.toml keeps the ranges; the lock pins a version inside each, with hashes.
    Fails when a dependency was added or narrowed without refreshing the locks (README)."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = list(project["project"]["dependencies"])
    for extra in extras:
        wanted += project["project"]["optional-dependencies"][extra]
    pinned = pins(PROJECT_ROOT / lock)
    for text in wanted:
        requirement = Requirement(text)
        name = canonical_name(requirement.name)
        assert name in pinned, f"{lock} lacks {name}"
        version, hashes = pinned[name]
        assert requirement.specifier.contains(version, prereleases=True), f"{name} {version}"
        assert hashes, f"{lock}: {name} has no hash"
    assert all(hashes for _, hashes in pinned.values()), "every pin needs its hashes"


def test_the_test_lock_keeps_the_deploy_lock_s_versions() -> None:
    """CI tests exactly what the image installs."""
    deploy, test = pins(LOCK), pins(PROJECT_ROOT / "requirements-test.lock")
    assert {name: deploy[name][0] for name in deploy} == {name: test[name][0] for name in deploy}


def test_the_prometheus_examples_read_metrics_the_site_exposes(app) -> None:
    scrape = yaml.safe_load((DEPLOY / "prometheus" / "scrape.yml").read_text())
    (job,) = scrape["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert scrape["rule_files"] == ["signin-help-rules.yml"]
    rules = yaml.safe_load((DEPLOY / "prometheus" / "signin-help-rules.yml").read_text())
    (rising,) = [r for r in rules["groups"][0]["rules"] if r["alert"] == "SignInCodeRising"]
    exposed = app.test_client().get("/metrics").get_data(as_text=True)
    assert "# TYPE signin_help_rising_code_lookups gauge" in exposed
    assert "signin_help_rising_code_lookups" in rising["expr"]


def test_nginx_never_forwards_metrics() -> None:
    conf = (DEPLOY / "nginx" / "signin-help.conf").read_text()
    assert re.search(r"location = /metrics \{\s*return 404;\s*\}", conf)
