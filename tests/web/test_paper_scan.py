"""Scanned paper sheets through the web (issue 13): the organiser makes a scanned round, a
committee member uploads a scanner PDF of a batch, the flagged rows wait in the queue with
their images, the committee decides with a reason, then the audit runs from the dice."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinnhiem.web.actions.paper_store import load_session
from tinnhiem.web.models import Membership, Role
from tinnhiem.web.models.paper import PaperEvent, PaperRound, PaperScanCrop


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scanned_round(setup_round: Any, organiser: Any) -> Any:
    response = _client(organiser).post(
        reverse("web:paper", args=[setup_round.pk]),
        {"mode": "ballots", "scan": "on", "paper_serials": "20", "present": "5"},
    )
    assert response.status_code == 302, response.content.decode()
    return setup_round


def _member(round_: Any) -> Any:
    return (
        Membership.objects.filter(round=round_, role=Role.COMMITTEE)
        .select_related("user")
        .order_by("user__username")
        .first()
        .user
    )


def test_upload_queue_resolve_audit(scanned_round: Any, organiser: Any) -> None:
    from tinnhiem.paper.omr_synth import images_to_pdf, synthetic_sheets

    paper_round = PaperRound.objects.get(round=scanned_round)
    definition = load_session(paper_round).definition
    assert definition.scan
    sheets = list(synthetic_sheets(definition, 6, seed=5, trap_rate=0.2))
    pdf = images_to_pdf([s.image for s in sheets])
    member = _client(_member(scanned_round))
    # the scannable sheet prints
    assert (
        member.get(reverse("web:paper_ballots", args=[scanned_round.pk]) + "?to=2")["Content-Type"]
        == "application/pdf"
    )
    upload = io.BytesIO(pdf)
    upload.name = "tap-1.pdf"
    response = member.post(
        reverse("web:paper_scan", args=[scanned_round.pk]), {"batch": "1", "sheets": upload}
    )
    assert response.status_code == 200, response.content.decode()
    text = response.content.decode()
    assert "Đã đọc 6 phiếu" in text
    session = load_session(paper_round)
    assert len(session.scans) == 6
    assert {(s.batch, s.position) for s in session.scans.values()} == {
        ("1", i) for i in range(1, 7)
    }
    # the queue: every flagged row, with its image
    queue = member.get(reverse("web:paper_queue", args=[scanned_round.pk]))
    assert queue.status_code == 200
    flagged = [d for d in session.status().disagreements]
    assert flagged, "the traps are flagged"
    assert PaperScanCrop.objects.filter(paper_round=paper_round).count() >= len(flagged)
    first = flagged[0]
    crop = member.get(
        reverse("web:paper_crop", args=[scanned_round.pk, int(first.item), first.field])
    )
    assert crop["Content-Type"] == "image/png" and crop.content[:4] == b"\x89PNG"
    # a decision needs a reason
    resolve = reverse("web:paper_queue_resolve", args=[scanned_round.pk])
    member.post(resolve, {"serial": first.item, "field": first.field, "value": "0", "note": ""})
    assert len(load_session(paper_round).status().disagreements) == len(flagged)
    for d in flagged:
        truth = next(r for r in sheets[int(d.item) - 1].rows if r.official_id == d.field)
        response = member.post(
            resolve,
            {
                "serial": d.item,
                "field": d.field,
                "value": truth.mark.code,
                "note": "đã xem phiếu gốc",
            },
        )
        assert response.status_code == 302
    session = load_session(paper_round)
    assert session.status().complete
    resolutions = [e for e in session.events if e.action == "resolution"]
    assert all(e.data["note"] == "đã xem phiếu gốc" for e in resolutions)
    # the audit: a seed too short is refused; then the dice; read each drawn sheet
    audit_url = reverse("web:paper_audit", args=[scanned_round.pk])
    assert (
        member.post(audit_url, {"start": "1", "seed": "123", "risk_limit": "5%"}).status_code == 400
    )
    response = member.post(
        audit_url, {"start": "1", "seed": "3141592653 5897932384 626", "risk_limit": "10%"}
    )
    assert response.status_code == 302
    page = member.get(audit_url).content.decode()
    assert "Phiếu cần lấy ra" in page and "tập 1, vị trí" in page
    session = load_session(paper_round)
    state = session.audit
    assert state is not None
    for _ in range(3):
        place = load_session(paper_round).audit.next_draw()
        codes = "".join(r.mark.code for r in sheets[place.serial - 1].rows)
        assert member.post(audit_url, {"read": "1", "quick": codes}).status_code == 302
    response = member.post(audit_url, {"escalate": "1"})
    assert response.status_code == 302
    state = load_session(paper_round).audit
    assert state is not None and state.conclusion is not None
    assert state.conclusion.draws == 3 and state.conclusion.outcome == "full_hand_count"
    assert PaperEvent.objects.filter(paper_round=paper_round, action="audit_concluded").count() == 1
    # the minutes carry the audit: the PDF's section V, the workbook's own sheet
    minutes = member.get(reverse("web:paper_minutes", args=[scanned_round.pk, "pdf"]))
    assert minutes.status_code == 200
    workbook = member.get(reverse("web:paper_minutes", args=[scanned_round.pk, "xlsx"]))
    assert workbook.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(workbook.content))["Kiểm tra xác suất"]
    rows = {r[1]: r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Public seed (dice, entered by the chair)"] == "31415926535897932384626"
    assert rows["Draws read again"] == "3"


def test_an_upload_too_large_is_refused_before_reading(scanned_round: Any) -> None:
    from tinnhiem.web.forms import paper_scan as forms

    member = _client(_member(scanned_round))
    big = io.BytesIO(b"%PDF-" + b"0" * 64)
    big.name = "big.pdf"
    old = forms.MAX_SCAN_BYTES
    forms.MAX_SCAN_BYTES = 10
    try:
        response = member.post(
            reverse("web:paper_scan", args=[scanned_round.pk]), {"batch": "1", "sheets": big}
        )
    finally:
        forms.MAX_SCAN_BYTES = old
    assert response.status_code == 400
    assert not load_session(PaperRound.objects.get(round=scanned_round)).scans
