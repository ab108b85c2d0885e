"""The browser verifier in Debian's Chromium (issue 15): served at /verify/ under its
Content-Security-Policy and opened from file:// with no server, it gives the corpus's
verdicts (exit class and location, as `tinnhiem verify`) and shows the results table."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tinnhiem.web.views.verify import PAGE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "docs" / "vectors" / "records"
SAMPLE = [
    "poll-nq96-band.json.gz",
    "formal-per-level.json.gz",
    "poll-qd96-two-thirds.json.gz",
    "results-band-resealed.json.gz",
    "ballot-proof-resealed.json.gz",
    "schema-sealed-share-length.json.gz",
    "read-bom.json.gz",
    "personnel-choose-linked.json.gz",
    "personnel-wrong-advancing.json.gz",
    "stream-poll-nq96-band.jsonl.gz",
    "stream-ballot-count.jsonl.gz",
]


def _verdict(page: Any, file: Path) -> dict[str, str]:
    page.evaluate("document.getElementById('verdict').hidden = true")
    page.set_input_files("#file", str(file))
    page.wait_for_selector("#verdict:not([hidden])", timeout=120_000)
    return page.evaluate("({...document.getElementById('verdict').dataset})")


def _expected() -> dict[str, dict[str, Any]]:
    index = json.loads((CORPUS / "index.json").read_text("utf-8"))["records"]
    return {e["file"]: e for e in index}


def _check(page: Any, name: str, want: dict[str, Any]) -> None:
    got = _verdict(page, CORPUS / name)
    assert int(got["exit"]) == want["exit"], (name, got)
    if want["exit"] == 1:
        assert (got["check"], got["where"]) == (want["check"], want["where"]), (name, got)


def test_served_page_gives_the_corpus_verdicts(
    live_server: Any, browser: Any, booth_bundle: Path, shots: Any
) -> None:
    assert PAGE.exists()
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/verify/")
    page.wait_for_selector("body[data-ready='1']")
    want = _expected()
    for name in SAMPLE:
        _check(page, name, want[name])
        if name == "poll-qd96-two-thirds.json.gz":
            record = json.loads(gzip.decompress((CORPUS / name).read_bytes()))
            rows = page.locator("#results tbody tr")
            assert rows.count() == len(record["results"])
            text = page.inner_text("#results")
            assert "resignation_closed" in text
            first = record["results"][0]["percentages"]["low"].replace(".", ",")
            assert first in text  # decimal comma
            assert "HỢP LỆ / VALID" in page.inner_text("#verdict")
            shots(page, "verifier-valid")
            tracker = record["ballots"][0]["tracker"]
            page.fill("#tracker", tracker.lower())
            page.click("#tracker-check")
            assert page.get_attribute("#tracker-result", "data-found") == "counted"
            page.fill("#tracker", "A" * 52)
            page.click("#tracker-check")
            assert page.get_attribute("#tracker-result", "data-found") == "absent"
        if name == "personnel-choose-linked.json.gz":
            record = json.loads(gzip.decompress((CORPUS / name).read_bytes()))
            rows = page.locator("#results tbody tr")
            assert rows.count() == len(record["manifest"]["officials"])
            summary = page.inner_text("#summary")
            assert "đạt / passed" in summary and "qd105-step2" in summary
            assert "not confirmed against the text" in summary
            # step 3 of the corpus: five ballots, one naming nobody (the blank column)
            assert "1 phiếu trống (không chọn ai) / blank" in summary
            shots(page, "verifier-personnel")
    shots(page, "verifier-last")
    assert not errors, errors


def test_saved_page_runs_offline_from_a_file(browser: Any, booth_bundle: Path, tmp_path: Path):
    saved = tmp_path / "tinnhiem-verifier.html"
    saved.write_bytes(PAGE.read_bytes())
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.goto(saved.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    want = _expected()
    for name in ["poll-per-level.json.gz", "dkg-proof-resealed.json.gz"]:
        _check(page, name, want[name])
    context.close()


def _python_link(record: Path, previous: Path) -> dict[str, Any]:
    """``tinnhiem verify RECORD --previous PREV``: its exit class, and where it fails."""
    from typer.testing import CliRunner

    from tinnhiem.cli import app
    from tinnhiem.record import read_record
    from tinnhiem.record.errors import RecordInvalid
    from tinnhiem.record.link import verify_link

    result = CliRunner().invoke(app, ["verify", str(record), "--previous", str(previous)])
    try:
        verify_link(read_record(record), read_record(previous))
    except RecordInvalid as exc:
        return {"exit": result.exit_code, "check": exc.check, "where": exc.where}
    return {"exit": result.exit_code, "check": "", "where": ""}


def test_the_step_link_agrees_with_python(
    live_server: Any, browser: Any, booth_bundle: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from tinnhiem.cli import app

    out = tmp_path / "demo"
    made = CliRunner().invoke(app, ["demo", "--kind", "appointment", "--out", str(out)])
    assert made.exit_code == 0, made.output
    step2, step3 = out / "1-appointment-b1-leadership.json", out / "2-appointment-b2-extended.json"
    other = out / "5-reappointment-b1-key-cadres.json"
    poll = tmp_path / "poll.json"
    poll.write_bytes(gzip.decompress((CORPUS / "poll-per-level.json.gz").read_bytes()))
    cases = [
        (step3, step2, {"exit": 0, "check": "", "where": ""}),
        (
            step3,
            other,
            {"exit": 1, "check": "previous", "where": "manifest.personnel.previous.round_id"},
        ),
        (step3, poll, {"exit": 1, "check": "previous", "where": "manifest.personnel.previous"}),
    ]
    for record, previous, want in cases:
        assert _python_link(record, previous) == want, (record.name, previous.name)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/verify/")
        page.wait_for_selector("body[data-ready='1']")
        page.set_input_files("#previous", str(previous))
        got = _verdict(page, record)
        assert int(got["exit"]) == want["exit"], (record.name, previous.name, got)
        assert (got["check"], got["where"]) == (want["check"], want["where"]), got
        link = page.get_attribute("#link", "data-link")
        assert link == ("checked" if want["exit"] == 0 else ""), link
        if want["exit"] == 0:
            assert json.loads(step2.read_text("utf-8"))["board"]["head"] in page.inner_text("#link")
        page.close()
        assert not errors, errors
