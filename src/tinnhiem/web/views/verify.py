"""The browser verifier (/verify/, no login): one self-contained HTML page built from
frontend/ (frontend/build.mjs: its script, its Web Worker's script and libsodium's
WebAssembly inline), so that the very file served here, saved, runs offline from file://.

The page is the observer's own tool: it reads a record file the observer opens and sends
nothing anywhere. Its Content-Security-Policy allows exactly its own inline script and style
(by hash), WebAssembly compilation ('wasm-unsafe-eval') and workers from blob: URLs (the
worker's script is inlined in the page), and no network at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

__all__ = ["verifier_csp", "verifier_page", "verify_download", "verify_page"]

PAGE = Path(__file__).resolve().parents[1] / "static" / "tinnhiem" / "verify" / "verifier.html"


@cache
def _built(mtime: float) -> tuple[bytes, str]:
    html = PAGE.read_bytes()
    return html, verifier_csp(html.decode("utf-8"))


def verifier_page() -> tuple[bytes, str]:
    """The built page's bytes and its Content-Security-Policy (Http404 if not built)."""
    try:
        mtime = PAGE.stat().st_mtime
    except OSError as exc:
        raise Http404("the verifier page is not built (cd frontend && npm run build)") from exc
    return _built(mtime)


def _hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def verifier_csp(html: str) -> str:
    """The page's policy: its inline script and style by hash, wasm, blob: workers."""
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    policy = {
        "default-src": ["'none'"],
        "script-src": [*map(_hash, scripts), "'wasm-unsafe-eval'"],
        "worker-src": ["blob:"],
        "style-src": list(map(_hash, styles)),
        "img-src": ["data:"],
        "connect-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{k} {' '.join(v)}" for k, v in policy.items())


@require_safe
def verify_page(request: HttpRequest) -> HttpResponse:
    """Kiểm chứng hồ sơ / verify a record, in the browser."""
    html, csp = verifier_page()
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = csp
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def verify_download(request: HttpRequest) -> HttpResponse:
    """The same page as a file to keep (tinnhiem-verifier.html), for offline use."""
    response = verify_page(request)
    response["Content-Disposition"] = 'attachment; filename="tinnhiem-verifier.html"'
    return response
