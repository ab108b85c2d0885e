"""The tally minutes (biên bản kiểm phiếu) downloaded from the web: a paper round entered
twice, a hand-counted round whose totals were entered twice (one disagreement resolved),
and an electronic round (minutes from its election record)."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tinnhiem.ballots import Mark as BallotMark
from tinnhiem.ballots import cast_ballot
from tinnhiem.crypto import Ciphertext, Context, CredentialKey, Point
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.paper import LevelCounts, Mark, TotalsSheet
from tinnhiem.web.actions import (
    ActionError,
    do_check_in,
    do_close_round,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
)
from tinnhiem.web.actions.paper_entry import (
    do_paper_enter_ballot,
    do_paper_enter_totals,
    do_paper_resolve_totals,
)
from tinnhiem.web.actions.paper_rounds import do_create_paper_round
from tinnhiem.web.actions.poll import do_post_decryption_share
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of
from tinnhiem.web.models import BoardEntry, CommitteeMember, Membership, Role, Summons
from tinnhiem.web.models.paper import PaperRound
from web.ceremony_helpers import run_web_ceremony


def _committee(round_: Any) -> list[Actor]:
    rows = Membership.objects.filter(round=round_, role=Role.COMMITTEE).select_related("user")
    return [Actor(m.user, Role.COMMITTEE) for m in sorted(rows, key=lambda m: m.user.username)]


def _get(user: Any, url: str) -> Any:
    client = Client()
    client.force_login(user)
    return client.get(url)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_paper_minutes_pdf_xlsx_csv(setup_round: Any, org_actor: Any) -> None:
    round_ = setup_round
    do_create_paper_round(org_actor, round_, paper_serials=3, present=6, place="Hội trường A")
    lan, minh, _hong = _committee(round_)
    sheets = {1: [Mark.HIGH, Mark.LOW], 2: [Mark.LOW, Mark.CONFIDENT], 3: [Mark.LOW, Mark.BLANK]}
    for serial, marks in sheets.items():
        for actor in (lan, minh):
            do_paper_enter_ballot(actor, round_, serial=serial, marks=marks)
    first, second = round_.officials.order_by("order")
    url = reverse("web:paper_minutes", args=[round_.pk, "pdf"])
    response = _get(org_actor.user, url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "BIÊN BẢN KIỂM PHIẾU" in text
    assert first.person.full_name in text and second.person.full_name in text
    assert "66,67%" in text  # 2 of 3 returned ballots rate the first official low
    assert "BẢN NHÁP" not in text
    # the entry log is appended: both operators appear
    assert lan.user.username in text and minh.user.username in text

    book = openpyxl.load_workbook(
        io.BytesIO(_get(org_actor.user, url.replace(".pdf", ".xlsx")).content)
    )
    assert len(book.sheetnames) >= 2
    raw = _get(org_actor.user, url.replace(".pdf", ".csv")).content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    line = next(r for r in rows if first.person.full_name in r)
    assert "66.67" in line


def test_minutes_hidden_from_voters_of_a_paper_round(
    setup_round: Any, org_actor: Any, make_user: Any, grant_role: Any
) -> None:
    do_create_paper_round(org_actor, setup_round, paper_serials=2, present=6)
    voter = make_user("cu-tri-1")
    grant_role(voter, Role.VOTER, round=setup_round)
    url = reverse("web:paper_minutes", args=[setup_round.pk, "pdf"])
    assert _get(voter, url).status_code == 404
    assert _get(org_actor.user, url).status_code == 404  # nothing counted yet


def test_paper_round_needs_the_rules_numbers(setup_round: Any, org_actor: Any) -> None:
    """QĐ 96 has a quorum: without the number present the round is refused, not stored."""
    with pytest.raises(ActionError) as caught:
        do_create_paper_round(org_actor, setup_round, paper_serials=2)
    assert caught.value.field == "present"
    assert not PaperRound.objects.exists()


def test_totals_entered_twice_with_a_disagreement(setup_round: Any, org_actor: Any) -> None:
    round_ = setup_round
    do_create_paper_round(org_actor, round_, mode="totals", paper_serials=0, present=6)
    lan, minh, hong = _committee(round_)
    keys = [f"cb{o.pk}" for o in round_.officials.order_by("order")]

    def sheet(low: int) -> TotalsSheet:
        return TotalsSheet(
            issued=6,
            returned=6,
            counts={
                keys[0]: LevelCounts(high=6 - low, low=low),
                keys[1]: LevelCounts(high=2, confident=2, low=1, invalid=1),
            },
        )

    do_paper_enter_totals(lan, round_, sheet=sheet(4))
    do_paper_enter_totals(minh, round_, sheet=sheet(3))
    page = _get(hong.user, reverse("web:paper_disagreements", args=[round_.pk]))
    fields = sorted(r["field"] for r in page.context["rows"])
    assert fields == [f"{keys[0]}.high", f"{keys[0]}.low"]
    url = reverse("web:paper_minutes", args=[round_.pk, "pdf"])
    assert _get(hong.user, url).status_code == 404
    do_paper_resolve_totals(hong, round_, key=f"{keys[0]}.low", value=4, note="đếm lại")
    do_paper_resolve_totals(hong, round_, key=f"{keys[0]}.high", value=2)
    text = _pdf_text(_get(hong.user, url).content)
    assert "66,67%" in text  # 4 of 6 low
    # the totals page shows the operator's own sheet only
    page = _get(minh.user, reverse("web:paper_totals", args=[round_.pk]))
    assert len(page.context["mine"]) == 1
    assert lan.user.username not in page.content.decode()


def _tallied(round_: Any, org_actor: Any, votes: list[dict[int, BallotMark]]) -> list[Any]:
    """Run the electronic round: ceremony, slips, 5 present, ``votes`` cast by the first
    voters (official index -> mark), decrypted by members 1 and 2. Returns the slips."""
    do_start_ceremony(org_actor, round_)
    shares = run_web_ceremony(round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_)[:5]:
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    manifest = engine_of(round_).manifest
    fingerprint = bytes.fromhex(round_.fingerprint)
    ids = manifest.official_ids
    client = Client()
    for slip, marks in zip(slips, votes, strict=False):
        ballot = cast_ballot(
            manifest,
            fingerprint,
            Point.from_hex(round_.public_key),
            CredentialKey.from_seed(slip.seed),
            {ids[i]: m for i, m in marks.items()},
        )
        client.force_login(slip.credential.user)
        answer = client.post(
            f"/api/rounds/{round_.pk}/cast",
            {"ballot": ballot.to_json()},
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
    do_close_round(org_actor, round_)
    round_.refresh_from_db()
    items = BoardEntry.objects.get(round=round_, kind="aggregates").payload["items"]
    cts = [Ciphertext.from_hex(a, allow_identity=True) for a in items]
    for index in (1, 2):
        seat = CommitteeMember.objects.get(round=round_, index=index)
        share = partial_decrypt(Context(fingerprint), shares[index], cts)
        do_post_decryption_share(Actor(seat.user, "committee"), round_, share.to_dict())
    return slips


def test_electronic_round_minutes_from_its_record(setup_round: Any, org_actor: Any) -> None:
    round_ = setup_round
    slips = _tallied(
        round_,
        org_actor,
        [{0: BallotMark.LOW, 1: BallotMark.HIGH}, {0: BallotMark.HIGH, 1: BallotMark.HIGH}],
    )
    minutes_url = reverse("web:paper_minutes", args=[round_.pk, "pdf"])
    results_page = _get(org_actor.user, reverse("web:results", args=[round_.pk]))
    assert minutes_url in results_page.content.decode()  # the results page links the minutes
    response = _get(org_actor.user, minutes_url)
    assert response.status_code == 200, response.content[:500]
    text = _pdf_text(response.content)
    assert "BIÊN BẢN KIỂM PHIẾU" in text
    assert "50,00%" in text  # one of two returned ballots rates the first official low
    # a voter waits for the published result
    voter = slips[0].credential.user
    assert _get(voter, reverse("web:paper_minutes", args=[round_.pk, "csv"])).status_code == 404


def test_mixed_round_counts_each_voter_once(setup_round: Any, org_actor: Any) -> None:
    """Voter of slip 1 cast online and was also handed paper; a third voter votes on paper.
    The sheets are identical and unnumbered (issue 10): the form's number is not recorded,
    no sheet can be set aside for the voter who voted twice, and the minutes report the
    conflict without naming anyone."""
    round_ = setup_round
    do_create_paper_round(org_actor, round_, paper_serials=4, mixed=True, present=6)
    slips = _tallied(
        round_,
        org_actor,
        [{0: BallotMark.LOW, 1: BallotMark.HIGH}, {0: BallotMark.HIGH, 1: BallotMark.HIGH}],
    )
    online = slips[0].credential.summons.person
    cast = {slips[0].credential.summons_id, slips[1].credential.summons_id}
    on_paper = next(s.person for s in Summons.objects.filter(round=round_) if s.pk not in cast)
    organiser = Client()
    organiser.force_login(org_actor.user)
    for serial, person in ((1, on_paper), (2, online)):
        answer = organiser.post(
            reverse("web:paper_issue", args=[round_.pk]), {"serial": serial, "voter": person.pk}
        )
        assert answer.status_code == 302
    assert organiser.post(reverse("web:paper_electronic", args=[round_.pk])).status_code == 302
    lan, minh, _hong = _committee(round_)
    for serial in (1, 2):
        for actor in (lan, minh):
            do_paper_enter_ballot(actor, round_, serial=serial, marks=[Mark.LOW, Mark.LOW])
    status = organiser.get(reverse("web:paper", args=[round_.pk])).context["status"]
    rec = status.reconciliation
    assert rec.void_serials == () and rec.electronic_cast == 2
    assert rec.returned == 4
    assert [c.kind for c in rec.conflicts][:1] == ["paper_and_electronic"]
    text = _pdf_text(organiser.get(reverse("web:paper_minutes", args=[round_.pk, "pdf"])).content)
    assert "75,00%" in text  # first official: low on both sheets and online once: 3 of 4
    # the reconciliation is in the minutes; who received paper is not printed
    flat = " ".join(text.split())
    assert "không ghi người nhận" in flat and "Một người đã nhận phiếu giấy" in flat
    assert on_paper.external_id not in text and online.external_id not in text
