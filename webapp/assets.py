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

The files are few and small, so they are read once and served from memory (nothing to leave
open, and a strong ETag for free). The hashed names are public documents for the page cache
(:mod:`webapp.caching`): after the first request each is answered, gzipped once, before Flask.
In debug mode they are read again on each use, so edits show up without a restart.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import Flask, Response, abort, current_app, request, url_for
from flask.typing import ResponseReturnValue

from webapp.addresses import OUTER_ROOT_KEY
from webapp.caching import public

HASH_LENGTH = 12
ONE_YEAR = 365 * 24 * 60 * 60

# "name.<hash>.ext" (or "name.<hash>" for a file without an extension)
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[^./]+)?$")


def hashed_name(name: str, digest: str) -> str:
    """``css/site.css`` with digest ``abc…`` → ``css/site.abc….css``."""
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest[:HASH_LENGTH]}{path.suffix}"))


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file, held in memory: the folder holds a few small text files."""

    name: str  # "site.css"
    hashed: str  # "site.<hash>.css"
    digest: str  # the full SHA-256, also the ETag
    body: bytes
    mimetype: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """Each static file by its plain name and by its hashed name."""

    by_name: dict[str, Asset]
    by_hashed: dict[str, Asset]


def build_manifest(folder: Path) -> Manifest:
    """Read and hash every file under ``folder`` (dot files aside)."""
    assets: list[Asset] = []
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in name.split("/")):
            continue
        body = path.read_bytes()
        digest = hashlib.sha256(body).hexdigest()
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        assets.append(Asset(name, hashed_name(name, digest), digest, body, mimetype))
    return Manifest({a.name: a for a in assets}, {a.hashed: a for a in assets})


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
        asset = self.manifest.by_name.get(name)
        if asset is None:
            raise LookupError(f"No file {name!r} in the static folder {self.folder}.")
        # Outside any language prefix (webapp.i18n): one address per file, cached once.
        root = request.environ.get(OUTER_ROOT_KEY, request.script_root)
        return root + url_for("static", filename=asset.hashed)[len(request.script_root) :]

    def serve(self, filename: str) -> ResponseReturnValue:
        """The view for ``/static/<path:filename>``: only files of the manifest, from memory."""
        manifest = self.manifest
        asset = manifest.by_hashed.get(filename)
        immutable = asset is not None
        if asset is None:
            asset = manifest.by_name.get(filename)
        if asset is None and (match := _HASHED.match(filename)):
            asset = manifest.by_name.get(match["stem"] + (match["suffix"] or ""))
        if asset is None:
            abort(404)
        response = Response(asset.body, mimetype=asset.mimetype)
        response.set_etag(asset.digest)
        if immutable:
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        return response.make_conditional(request)


@public
def serve(filename: str) -> ResponseReturnValue:
    """The view for ``/static/<path:filename>``."""
    assets: Assets = current_app.extensions["assets"]
    return assets.serve(filename)


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
    app.view_functions["static"] = serve
    app.add_template_global(asset_url, "asset_url")
