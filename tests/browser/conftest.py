"""Fixtures of the browser tests: Django against a live server, and Debian's Chromium driven
by Playwright (never a downloaded browser). Screenshots go to artifacts/screenshots/."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinnhiem.web.settings")
os.environ.setdefault("TINNHIEM_DATA", tempfile.mkdtemp(prefix="tinnhiem-browser-"))
# Playwright's sync API keeps an event loop in the test's thread; the ORM calls the test
# makes between browser steps are plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django

django.setup()

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUNDLE = ROOT / "src/tinnhiem/web/static/tinnhiem/booth/booth.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def booth_bundle() -> Path:
    """The built front end (scripts/setup.sh runs `npm run build`; built here if missing)."""
    if not BUNDLE.exists():
        subprocess.run(
            ["npm", "run", "--silent", "build"], cwd=ROOT / "frontend", check=True, timeout=300
        )
    assert BUNDLE.exists(), "the booth bundle is missing: cd frontend && npm ci && npm run build"
    return BUNDLE


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's Chromium is needed: apt-get install chromium"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shots() -> Any:
    """shots(page, name): a full-page screenshot kept as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Any, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
