"""The WSGI application, with the static files served by ``StaticFiles`` so that one
waitress process is the whole server (``tinnhiem serve``)."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.core.wsgi import get_wsgi_application

__all__ = ["StaticFiles", "application", "build_application"]

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class StaticFiles:
    """Serve files under ``prefix`` from ``roots`` (first match wins); pass everything else
    to ``app``. Paths are resolved and must stay inside a root; only GET and HEAD."""

    def __init__(self, app: WSGIApp, prefix: str, roots: list[Path]) -> None:
        self.app = app
        self.prefix = prefix
        self.roots = [root.resolve() for root in roots]

    def _find(self, relative: str) -> Path | None:
        for root in self.roots:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix) or environ.get("REQUEST_METHOD") not in {"GET", "HEAD"}:
            return self.app(environ, start_response)
        found = self._find(path[len(self.prefix) :])
        if found is None:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"not found"]
        kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in {"application/javascript", "image/svg+xml"}:
            kind += "; charset=utf-8"
        stat = found.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        headers = [
            ("Content-Type", kind),
            ("ETag", etag),
            ("Cache-Control", "public, max-age=3600"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        if environ.get("HTTP_IF_NONE_MATCH") == etag:
            start_response("304 Not Modified", headers)
            return [b""]
        headers.append(("Content-Length", str(stat.st_size)))
        start_response("200 OK", headers)
        if environ.get("REQUEST_METHOD") == "HEAD":
            return [b""]
        return [found.read_bytes()]


def build_application() -> WSGIApp:
    """Django plus its static files (the app's own folder, then STATIC_ROOT)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinnhiem.web.settings")
    django_app = get_wsgi_application()
    from django.conf import settings

    roots = [Path(__file__).resolve().parent / "static", Path(settings.STATIC_ROOT)]
    return StaticFiles(django_app, settings.STATIC_URL, roots)


application = build_application()
