"""/verify/: the browser verifier page, served to anyone (no login), self-contained, with
a policy that allows its own inline code (by hash), WebAssembly and blob: workers only."""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from tinnhiem.web.views.verify import PAGE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def built() -> None:
    if not PAGE.exists():
        subprocess.run(
            ["npm", "run", "--silent", "build"], cwd=ROOT / "frontend", check=True, timeout=300
        )
    assert PAGE.exists(), "cd frontend && npm ci && npm run build"


def test_the_page_is_public_and_self_contained(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    html = response.content.decode("utf-8")
    assert "Kiểm chứng hồ sơ cuộc bỏ phiếu" in html and "Verify an election record" in html
    # no external resource: everything is inline (the file works offline)
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import", html)
    csp = response["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in csp and "worker-src blob:" in csp
    assert "connect-src 'none'" in csp and "'unsafe-inline'" not in csp
    script = re.search(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_the_download_is_the_same_page(client):
    page = client.get("/verify/")
    saved = client.get("/verify/tinnhiem-verifier.html")
    assert saved.status_code == 200
    assert saved.content == page.content
    assert "attachment" in saved["Content-Disposition"]


def test_post_is_refused(client):
    assert client.post("/verify/").status_code == 405


def test_the_page_has_a_tracker_field_and_reads_the_streaming_form(client):
    html = client.get("/verify/").content.decode("utf-8")
    assert 'id="tracker"' in html and "my tracker" in html
    assert ".jsonl" in html


@pytest.mark.django_db
def test_the_site_navigation_links_to_the_verifier(client):
    html = client.get("/login/").content.decode("utf-8")
    assert 'href="/verify/"' in html
