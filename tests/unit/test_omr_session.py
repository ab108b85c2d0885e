"""A scanned paper round end to end in the core: sheets read by the scanner and recorded by
batch and position with their hashes, the flagged rows resolved by the committee, the count,
then the risk-limiting audit from the chair's dice, replayed from the log."""

from __future__ import annotations

import hashlib
import json

import pytest

from tinnhiem.paper import EntryLog, EntryRejected, LogEvent, Mark, PaperSession
from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.omr import SheetImage
from tinnhiem.paper.omr_synth import synthetic_sheets
from tinnhiem.paper.scan import scan_images

SEED = "16180339887498948482045"


@pytest.fixture(scope="module")
def scanned() -> tuple[list[LogEvent], list[tuple[Mark, ...]]]:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "paper"))
    from paper_helpers import make_clock, make_definition

    log = EntryLog(clock=make_clock())
    session = PaperSession.create(
        log, make_definition(scan=True, paper_serials=20), actor="Ban tổ chức"
    )
    sheets = list(synthetic_sheets(session.definition, 8, seed=21, trap_rate=0.15))
    images = [
        SheetImage(f"s{i}", hashlib.sha256(s.image).hexdigest(), s.image)
        for i, s in enumerate(sheets)
    ]
    outcomes = scan_images(session, images[:5], batch="1", actor="Phạm Thị Hồng")
    outcomes += scan_images(session, images[5:], batch="2", actor="Phạm Thị Hồng")
    assert [o.serial for o in outcomes] == list(range(1, 9))
    assert [(o.batch, o.position) for o in outcomes][4:6] == [("1", 5), ("2", 1)]
    # the same image again is refused, nothing logged
    again = scan_images(session, images[:1], batch="3", actor="Phạm Thị Hồng")
    assert again[0].serial is None and "already sheet 1" in again[0].refused
    # every flagged row is a disagreement for the committee; resolve each from the truth
    flagged = session.status().disagreements
    assert flagged, "the traps are flagged"
    for d in flagged:
        truth = sheets[int(d.item) - 1].rows
        row = next(r for r in truth if r.official_id == d.field)
        session.resolve(
            int(d.item),
            d.field,
            row.mark.code,
            resolved_by="Phạm Thị Hồng",
            note="đọc lại phiếu gốc",
        )
    assert session.status().complete
    truths = [tuple(r.mark for r in s.rows) for s in sheets]
    for serial, truth in enumerate(truths, start=1):
        for official, mark in zip(session.definition.officials, truth, strict=True):
            counted = session._book.final_value(str(serial), official.id)
            assert counted == mark.value
    return list(session.events), truths


def test_scans_are_in_the_log_by_batch_position_and_hash(scanned) -> None:
    events, _truths = scanned
    scans = [e for e in events if e.action == "sheet_scanned"]
    assert len(scans) == 8
    first = scans[0].data
    assert first["batch"] == "1" and first["position"] == 1 and len(first["sha256"]) == 64
    assert first["reader"] == "tinnhiem-omr/1"
    assert set(first["confidence"]) == {"chair", "vice", "head"}
    resolutions = [e for e in events if e.action == "resolution"]
    assert all(e.actor == "Phạm Thị Hồng" and e.data["note"] for e in resolutions)


def _replay(events: list[LogEvent]) -> PaperSession:
    return PaperSession(EntryLog([LogEvent.from_json(e.to_json(), where="t") for e in events]))


def test_the_audit_confirms_a_correct_count_and_replays(scanned) -> None:
    events, truths = scanned
    session = _replay(events)
    with pytest.raises(PaperInputError):
        session.start_audit("1234", 0.05, actor="Chủ tọa")
    session.start_audit(SEED, 0.2, actor="Chủ tọa")
    audit = session.audit
    assert audit is not None and len(audit.plan.manifest) == 8
    assert audit.plan.manifest[5].batch == "2" and audit.plan.manifest[5].position == 1
    # the count may not change under audit
    with pytest.raises(EntryRejected):
        session.declare_returned(8, actor="x")
    with pytest.raises(EntryRejected):
        session.conclude_audit(actor="Chủ tọa")  # nothing read yet
    for _ in range(8):
        place = audit.next_draw()
        session.record_audit_reading(truths[place.serial - 1], actor="Phạm Thị Hồng")
    p_values = audit.p_values()
    # 8 sheets with 3 officials: the bands' margins are wide only where the shares are far
    # from 1/2 and 2/3; escalate when not met, confirm when met
    escalate = not audit.confirmed()
    session.conclude_audit(actor="Chủ tọa", escalate=escalate)
    assert audit.conclusion is not None and audit.conclusion.draws == 8
    assert set(p_values) == {a.key for a, _o, _m in audit.plan.assertions}
    replayed = _replay(list(session.events))
    assert replayed.audit is not None
    assert replayed.audit.conclusion == audit.conclusion
    assert [c.serial for c in replayed.audit.comparisons] == [c.serial for c in audit.comparisons]


def test_a_forged_conclusion_is_refused_on_replay(scanned) -> None:
    events, truths = scanned
    session = _replay(events)
    session.start_audit(SEED, 0.05, actor="Chủ tọa")
    audit = session.audit
    assert audit is not None
    place = audit.next_draw()
    wrong = tuple(Mark.LOW for _ in truths[place.serial - 1])
    session.record_audit_reading(wrong, actor="Phạm Thị Hồng")
    assert audit.comparisons[0].differences
    session.conclude_audit(actor="Chủ tọa", escalate=True)
    lines = [json.loads(e.to_json()) for e in session.events]
    last = lines[-1]
    last["data"]["outcome"] = "confirmed"
    forged = LogEvent.seal(
        last["seq"], last["ts"], last["actor"], last["action"], last["data"], last["prev"]
    )
    with pytest.raises(PaperInputError, match=r"conclusion|risk limit"):
        PaperSession(EntryLog([*session.events[:-1], forged]))
