"""``tinnhiem verify`` on a paper round's entry log: the chain, every event replayed, and the
risk-limiting audit re-derived from the chair's seed (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from paper_helpers import new_session
from typer.testing import CliRunner

from tinnhiem.cli import app
from tinnhiem.paper import LogEvent, Mark
from tinnhiem.paper.verify import PaperLogInvalid, is_paper_log, verify_paper_log

SEED = "31415926535897932384626"
MARKS = [Mark.HIGH, Mark.CONFIDENT, Mark.LOW]


def _audited_round(tmp_path: Path) -> tuple[Path, list[str]]:
    """Ten sheets entered twice, the count, then an audit of five draws, concluded."""
    session = new_session()
    truth = {}
    for serial in range(1, 11):
        marks = [MARKS[(serial + i) % 3] for i in range(3)]
        truth[serial] = marks
        session.enter_ballot(serial, "Lan", "may-1", marks)
        session.enter_ballot(serial, "Minh", "may-2", marks)
    session.declare_returned(10, actor="Phạm Thị Hồng")
    session.start_audit(SEED, 0.1, actor="Chủ tọa")
    audit = session.audit
    assert audit is not None
    drawn = []
    for _ in range(5):
        place = audit.next_draw()
        drawn.append(place.label)
        session.record_audit_reading(truth[place.serial], actor="Phạm Thị Hồng")
    session.conclude_audit(actor="Chủ tọa", escalate=not audit.confirmed())
    path = tmp_path / "round.jsonl"
    path.write_text("".join(e.to_json() + "\n" for e in session.events), encoding="utf-8")
    return path, drawn


def test_the_log_verifies_and_the_draws_come_from_the_seed(tmp_path) -> None:
    path, drawn = _audited_round(tmp_path)
    assert is_paper_log(path)
    checked = verify_paper_log(path)
    assert checked.counted == 10 and checked.complete
    assert checked.audit is not None
    assert checked.audit.seed == SEED and checked.audit.differing == 0
    assert [p.label for p in checked.audit.drawn] == drawn
    assert checked.audit.outcome in {"confirmed", "full_hand_count"}

    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "HỢP LỆ / VALID" in text and "phiếu giấy / paper" in text
    assert SEED in text and "10,0 %" in text  # the risk limit, decimal comma
    for label in drawn:
        assert label in text


def _rewrite(path: Path, change) -> None:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    change(lines)
    # Re-seal every line after the change, so the chain itself is intact: only the replay
    # (the seed's draws, the recomputed conclusion) can catch the forgery.
    prev = lines[0]["prev"]
    out = []
    for line in lines:
        event = LogEvent.seal(
            line["seq"], line["ts"], line["actor"], line["action"], line["data"], prev
        )
        prev = event.hash
        out.append(event.to_json() + "\n")
    path.write_text("".join(out), encoding="utf-8")


def test_a_reading_of_a_sheet_the_seed_did_not_draw_is_invalid(tmp_path) -> None:
    path, _drawn = _audited_round(tmp_path)

    def swap_draw(lines: list[dict]) -> None:
        reading = next(line for line in lines if line["action"] == "audit_reading")
        reading["data"]["item"] = str(int(reading["data"]["item"]) % 10 + 1)

    _rewrite(path, swap_draw)
    with pytest.raises(PaperLogInvalid):
        verify_paper_log(path)
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 1 and "KHÔNG HỢP LỆ / INVALID" in result.output


def test_a_forged_conclusion_is_invalid(tmp_path) -> None:
    path, _drawn = _audited_round(tmp_path)

    def flip(lines: list[dict]) -> None:
        last = lines[-1]
        assert last["action"] == "audit_concluded"
        flipped = {"confirmed": "full_hand_count", "full_hand_count": "confirmed"}
        last["data"]["outcome"] = flipped[last["data"]["outcome"]]

    _rewrite(path, flip)
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 1, result.output


def test_an_edited_line_breaks_the_chain(tmp_path) -> None:
    path, _drawn = _audited_round(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"Lan"', '"Lân"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 1 and "dòng / line 4" in " ".join(result.output.split())


def test_an_interrupted_write_is_named_and_not_a_file_is_unreadable(tmp_path) -> None:
    path, _drawn = _audited_round(tmp_path)
    lines = len(path.read_text(encoding="utf-8").splitlines())
    path.write_bytes(path.read_bytes()[:-1])  # the last line loses its newline
    result = CliRunner().invoke(app, ["verify", str(path)])
    assert result.exit_code == 1
    assert f"dòng / line {lines}" in " ".join(result.output.split())
    assert not is_paper_log(tmp_path / "missing.jsonl")
