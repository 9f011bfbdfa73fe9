"""Static files under names that change with their content, so browsers may keep them a year.

At start-up every file in the static folder is hashed, and templates link to it through
``asset_url('site.css')``, which gives ``/static/site.3f2a9c1b7d4e.css``. What that address
serves can never change (new content means a new name), so it is sent with
``Cache-Control: public, max-age=31536000, immutable``: a returning visitor's browser does not
even ask for it again, and a deploy that changes the file changes the name in every page.

Other requests under ``/static/`` never fail with a 500:

- the plain name (``/static/site.css``) is served as it is, revalidated on every use
  (``no-cache`` with an ETag, so usually a 304);
- a hashed name whose hash is stale, from a page cached before a deploy or served by an older
  server during a rolling deploy, gets the current file, also ``no-cache``: a page with today's
  styles is better than a page with none;
- anything else is a 404.

In debug mode the files are hashed again on each use, so edits show up without a restart.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import Flask, current_app, send_from_directory, url_for
from flask.typing import ResponseReturnValue

HASH_LENGTH = 12
ONE_YEAR = 365 * 24 * 60 * 60

# "name.<hash>.ext" (or "name.<hash>" for a file without an extension)
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[^./]+)?$")


def hashed_name(name: str, digest: str) -> str:
    """``css/site.css`` with digest ``abc…`` → ``css/site.abc….css``."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest[:HASH_LENGTH]}{path.suffix}"))


@dataclass(frozen=True, slots=True)
class Manifest:
    """Each static file's hashed name, and the way back."""

    hashed: dict[str, str]  # "site.css" -> "site.<hash>.css"
    original: dict[str, str]  # "site.<hash>.css" -> "site.css"


def build_manifest(folder: Path) -> Manifest:
    """Hash every file under ``folder`` (dot files aside)."""
    hashed: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in name.split("/")):
            continue
        hashed[name] = hashed_name(name, hashlib.sha256(path.read_bytes()).hexdigest())
    return Manifest(hashed, {v: k for k, v in hashed.items()})


class Assets:
    """The manifest of one application's static folder (``app.extensions["assets"]``)."""

    def __init__(self, app: Flask) -> None:
        self.folder = Path(app.static_folder or "")
        self.debug = app.debug
        self._manifest = build_manifest(self.folder)

    @property
    def manifest(self) -> Manifest:
        if self.debug:
            return build_manifest(self.folder)
        return self._manifest

    def url(self, name: str) -> str:
        """The content-hashed address of static file ``name``, e.g. ``site.css``."""
        hashed = self.manifest.hashed.get(name)
        if hashed is None:
            raise LookupError(f"No file {name!r} in the static folder {self.folder}.")
        return url_for("static", filename=hashed)

    def serve(self, filename: str) -> ResponseReturnValue:
        """The view for ``/static/<path:filename>``."""
        manifest = self.manifest
        original = manifest.original.get(filename)
        if original is not None:
            response = send_from_directory(self.folder, original, max_age=ONE_YEAR)
            response.cache_control.public = True
            response.cache_control.immutable = True
            return response
        match = _HASHED.match(filename)
        if match:
            current = match["stem"] + (match["suffix"] or "")
            if current in manifest.hashed:
                filename = current
        # send_from_directory answers 404 for a missing file or a path outside the folder.
        response = send_from_directory(self.folder, filename, max_age=0)
        response.cache_control.no_cache = True
        response.cache_control.max_age = None
        return response


def asset_url(name: str) -> str:
    """The content-hashed address of static file ``name`` (also a template global)."""
    assets: Assets = current_app.extensions["assets"]
    return assets.url(name)


def init_app(app: Flask) -> None:
    """Hash the static folder, serve hashed names, and give templates ``asset_url``."""
    if app.static_folder is None:
        return
    assets = Assets(app)
    app.extensions["assets"] = assets
    # Flask's own /static/<path:filename> rule stays; only its view changes.
    app.view_functions["static"] = assets.serve
    app.add_template_global(asset_url, "asset_url")
