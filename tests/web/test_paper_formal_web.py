"""A formal confidence vote (bỏ phiếu tín nhiệm, rule nq96-2023-formal) on paper through the
web pages: the paper round takes the two-option kind from the rule, two committee operators
enter sheets with formal marks, a poll mark is refused with a clear error and nothing
stored, a disagreement is resolved, and the minutes PDF shows the formal columns with exact
percentages; a hand-counted formal round takes its totals in the formal columns."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tinnhiem.rules import RoundKind
from tinnhiem.web.actions.paper_store import load_session
from tinnhiem.web.models import Membership, Role
from tinnhiem.web.models.paper import PaperEvent, PaperRound


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _operators(round_: Any) -> list[Any]:
    rows = Membership.objects.filter(round=round_, role=Role.COMMITTEE).select_related("user")
    return sorted((m.user for m in rows), key=lambda u: u.username)


def _keys(round_: Any) -> list[str]:
    return [f"cb{o.pk}" for o in round_.officials.order_by("order")]


def _enter(user: Any, round_: Any, serial: int, codes: list[str]) -> Any:
    data = {"serial": str(serial)}
    data.update({f"m_{k}": c for k, c in zip(_keys(round_), codes, strict=True)})
    return _client(user).post(reverse("web:paper_enter", args=[round_.pk]), data)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def formal_round(org_actor: Any, people: dict[str, Any]) -> Any:
    """A formal vote under NQ 96/2023: officials P1, P2; voters P1..P6; committee P4..P6."""
    from tinnhiem.web.actions import (
        do_add_committee_member,
        do_add_official,
        do_create_round,
        do_ensure_account,
        do_summon,
    )

    round_ = do_create_round(
        org_actor,
        people["P1"].body,
        title="Bỏ phiếu tín nhiệm thử",
        kind="formal_vote",
        rule_id="nq96-2023-formal",
        threshold=2,
        committee_size=3,
    )
    do_add_official(org_actor, round_, people["P1"], post="Chủ tịch")
    do_add_official(org_actor, round_, people["P2"], post="Phó Chủ tịch")
    do_summon(org_actor, round_, people.values())
    for code in ("P4", "P5", "P6"):
        account = do_ensure_account(org_actor, people[code])
        do_add_committee_member(org_actor, round_, account.user)
    round_.refresh_from_db()
    return round_


def _create(organiser: Any, round_: Any, mode: str, serials: int) -> None:
    response = _client(organiser).post(
        reverse("web:paper", args=[round_.pk]),
        {
            "mode": mode,
            "paper_serials": str(serials),
            "required_entries": "2",
            "present": "6",
            "members": "6",
        },
    )
    assert response.status_code == 302, response.content.decode()


def test_formal_paper_round_entered_resolved_and_minuted(formal_round: Any, organiser: Any) -> None:
    round_ = formal_round
    _create(organiser, round_, "ballots", 4)
    session = load_session(PaperRound.objects.get(round=round_))
    assert session.definition.kind is RoundKind.FORMAL_VOTE
    lan, minh, hong = _operators(round_)

    # the entry page offers the formal marks only, and its key says so
    page = _client(lan).get(reverse("web:paper_enter", args=[round_.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('type="radio"') == 2 * 4  # 1, 2, 0, x per official
    assert "1 = Tín nhiệm, 2 = Không tín nhiệm, 0 = Không đánh dấu, x = Không hợp lệ" in html
    assert "Tín nhiệm cao" not in html and "Tín nhiệm thấp" not in html
    assert "(1, 2, 0, x)" in html

    # sheets 1, 2 and 4 read alike by both operators; sheet 3 read differently by Lan
    sheets = {1: ["2", "1"], 2: ["2", "2"], 3: ["2", "2"], 4: ["1", "x"]}
    for serial, codes in sheets.items():
        assert _enter(lan, round_, serial, ["1", "2"] if serial == 3 else codes).status_code == 302
        assert _enter(minh, round_, serial, codes).status_code == 302

    # a poll mark is refused, with a clear error, and nothing is stored
    before = PaperEvent.objects.count()
    url = reverse("web:paper_enter", args=[round_.pk])
    refused = _client(hong).post(url, {"serial": "1", "quick": "high,1"})
    assert refused.status_code == 400
    error = refused.content.decode()
    assert "Tín nhiệm cao (high) is not on this ballot" in error
    assert "1 = Tín nhiệm, 2 = Không tín nhiệm" in error
    assert _client(hong).post(url, {"serial": "1", "quick": "31"}).status_code == 400
    assert _enter(hong, round_, 1, ["3", "1"]).status_code == 400
    assert PaperEvent.objects.count() == before

    # the disagreement is listed with the formal labels and its choices are the formal marks
    first = round_.officials.order_by("order").first()
    page = _client(hong).get(reverse("web:paper_disagreements", args=[round_.pk]))
    rows = page.context["rows"]
    assert [(r["item"], r["field"]) for r in rows] == [("3", f"cb{first.pk}")]
    assert rows[0]["entered"] == [(lan.username, "Tín nhiệm"), (minh.username, "Không tín nhiệm")]
    assert [code for code, _label in rows[0]["choices"]] == ["1", "2", "0", "x"]
    # resolving with a poll mark is refused and stores nothing; the formal mark is recorded
    resolve = reverse("web:paper_resolve", args=[round_.pk])
    bad = _client(hong).post(
        resolve, {"item": "3", "field": f"cb{first.pk}", "value": "3"}, follow=True
    )
    assert "is not a mark of" in bad.content.decode() or "unknown mark" in bad.content.decode()
    assert PaperEvent.objects.count() == before
    response = _client(hong).post(
        resolve, {"item": "3", "field": f"cb{first.pk}", "value": "2", "note": "phiếu gốc"}
    )
    assert response.status_code == 302
    last = PaperEvent.objects.filter(paper_round__round=round_).last()
    assert last is not None and last.action == "resolution"
    assert '"value":"no_confidence"' in last.line
    status = _client(hong).get(reverse("web:paper", args=[round_.pk])).context["status"]
    assert status.counted == 4 and status.disagreements == ()

    # the minutes: formal columns, exact percentages of all 6 members of the body (the
    # formal vote's base: Luật Tổ chức Quốc hội 2014, Điều 13 khoản 2)
    pdf = _client(organiser).get(reverse("web:paper_minutes", args=[round_.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "Không tín nhiệm" in text
    assert "Tín nhiệm cao" not in text and "Tín nhiệm thấp" not in text
    assert first.person.full_name in text
    # each official's row: confidence count and share, then no confidence count and share
    assert "Chủ tịch 4 4 4 0 1 16,67% 3 50,00%" in text
    assert "Phó Chủ tịch 4 4 3 1 1 16,67% 2 33,33%" in text
    # 3 of 6 deputies is not more than half (2K > N fails): no dismissal follows
    assert "Quá nửa số" not in text


def test_formal_marks_are_refused_on_a_poll_round(setup_round: Any, organiser: Any) -> None:
    """The poll's entry page keeps its three levels; the formal name is refused there."""
    _create(organiser, setup_round, "ballots", 2)
    lan = _operators(setup_round)[0]
    url = reverse("web:paper_enter", args=[setup_round.pk])
    html = _client(lan).get(url).content.decode()
    assert "1 = Tín nhiệm cao, 2 = Tín nhiệm, 3 = Tín nhiệm thấp" in html
    before = PaperEvent.objects.count()
    refused = _client(lan).post(url, {"serial": "1", "quick": "no_confidence,1"})
    assert refused.status_code == 400
    assert "Không tín nhiệm (no_confidence) is not on this ballot" in refused.content.decode()
    assert PaperEvent.objects.count() == before


def test_formal_totals_round(formal_round: Any, organiser: Any) -> None:
    round_ = formal_round
    _create(organiser, round_, "totals", 6)
    lan, minh, _hong = _operators(round_)
    url = reverse("web:paper_totals", args=[round_.pk])
    page = _client(lan).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tín nhiệm + Không tín nhiệm + Không hợp lệ / không đánh dấu" in html
    assert "Tín nhiệm cao" not in html
    first, second = _keys(round_)
    data = {
        "issued": "6",
        "returned": "5",
        f"{first}.confidence": "2",
        f"{first}.no_confidence": "3",
        f"{first}.invalid": "0",
        f"{second}.confidence": "4",
        f"{second}.no_confidence": "0",
        f"{second}.invalid": "1",
    }
    assert _client(lan).post(url, data).status_code == 302
    assert _client(minh).post(url, data).status_code == 302
    tally = load_session(PaperRound.objects.get(round=round_)).tally()
    assert tally.counts[first].no_confidence == 3 and tally.counts[first].confidence == 2
    assert tally.counts[second].invalid == 1 and tally.counts[second].confidence == 4


def test_formal_entry_page_speaks_english(formal_round: Any, organiser: Any, settings: Any) -> None:
    _create(organiser, formal_round, "ballots", 2)
    client = _client(_operators(formal_round)[0])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("web:paper_enter", args=[formal_round.pk])).content.decode()
    assert "1 = Confidence, 2 = No confidence, 0 = No mark, x = Invalid" in html
    assert "Quick entry: one character per row (1, 2, 0, x)" in html
    assert "1 · Confidence" in html and "2 · No confidence" in html
