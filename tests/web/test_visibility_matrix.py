"""Who sees results, minutes, the record, the board's decrypted sums, drafts and reports:
every URL that serves any of them, asked by every role at every stage of an electronic
round (draft → published) and of a paper round (counting, counted), checked against the
tables written below (docs/web.md, "Who sees results, minutes and reports", has the same
tables; ``tinnhiem.web.lib.visibility`` is the one module that decides).

Letters: O organiser, C committee, V voter, F official, B observer; "-" nobody."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tinnhiem.ballots import Mark as BallotMark
from tinnhiem.ballots import cast_ballot
from tinnhiem.crypto import Ciphertext, Context, CredentialKey, Point
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.paper import Mark
from tinnhiem.web.actions import (
    do_check_in,
    do_close_round,
    do_ensure_account,
    do_issue_credentials,
    do_open_round,
    do_publish_report,
    do_start_ceremony,
    do_submit_report,
)
from tinnhiem.web.actions.paper_entry import do_paper_enter_ballot
from tinnhiem.web.actions.paper_rounds import do_create_paper_round
from tinnhiem.web.actions.poll import do_post_decryption_share
from tinnhiem.web.actions.poll_results import do_publish_results
from tinnhiem.web.lib.access import Actor, roles_of
from tinnhiem.web.lib.poll_round import engine_of
from tinnhiem.web.lib.visibility import (
    DRAFTS_SEEN_BY,
    RESULTS_SEEN_BY,
    Stage,
    stage_of,
)
from tinnhiem.web.models import (
    BoardEntry,
    CommitteeMember,
    Membership,
    Official,
    Role,
    SelfReport,
    Summons,
)
from web.ceremony_helpers import run_web_ceremony

LETTER = {
    Role.ORGANISER: "O",
    Role.COMMITTEE: "C",
    Role.VOTER: "V",
    Role.OFFICIAL: "F",
    Role.OBSERVER: "B",
}

# Who may open the route at all (the others get 403 from ``require_role``).
OPENS = {
    "results": "OCVFB",
    "api_results": "OCVFB",
    "record": "OCVFB",
    "minutes": "OCVFB",
    "minutes_draft": "OCVFB",
    "board_sums": "OCVFB",
    "eval": "OFB",
    "eval_export": "OB",
    "paper": "OCB",
    "paper_disagreements": "OCB",
    "paper_queue": "OCB",
    "paper_crop": "OCB",
}

# Who gets the sealed content of each route at each stage.
TABLE = """
route                draft ceremony open closed tallied published counting counted
results              -     -        -    -      OC      OCVFB     -        OCVFB
api_results          -     -        -    -      OC      OCVFB     -        -
record               -     -        -    -      OC      OCVFB     -        -
minutes              -     -        -    -      OC      OCVFB     -        OCVFB
minutes_draft        -     -        -    -      OC      OCVFB     OCB      OCB
board_sums           -     -        -    -      OC      OCVFB     -        -
eval                 -     -        -    -      O       OFB       OB       OFB
eval_export          -     -        -    -      O       OB        OB       OB
paper                -     -        -    -      -       -         OCB      OCB
paper_disagreements  -     -        -    -      -       -         OCB      OCB
paper_queue          -     -        -    -      -       -         OCB      OCB
paper_crop           -     -        -    -      -       -         OCB      OCB
"""

# Whom the module's own tables let see the counts and the drafts at each stage.
MODULE_TABLE = """
what     draft ceremony open closed tallied published counting counted
results  -     -        -    -      OC      OCVFB     OCB      OCVFB
drafts   -     -        -    -      -       -         OCB      OCB
"""

# A self-report, by its state: who gets 200 (the others: the status given).
REPORT_TABLE = """
route        report       organiser committee voter own other observer
report       unpublished  200       404       404   200 404   404
report       published    200       200       200   200 200   200
report_pdf   unpublished  200       404       404   200 404   404
report_pdf   published    200       200       200   200 200   200
report_edit  unpublished  200       403       403   200 404   403
report_edit  published    200       403       403   200 404   403
"""

#: Every URL name that serves something sealed (checked here) ...
SEALED = {
    "results": "the results page (table, record link, minutes links)",
    "api_results": "the result as JSON",
    "poll_record": "the election record",
    "paper_minutes": "the tally minutes, every format, and ?draft=1",
    "api_board": "the board; ?payload=1 carries the decrypted sums",
    "eval": "the evaluation beside the tally",
    "eval_export": "the evaluation's PDF/XLSX with the tally",
    "paper": "the paper count's status (drafts)",
    "paper_disagreements": "who entered what, before the count is final",
    "paper_queue": "the scanner's flagged rows and the readings, before the count is final",
    "paper_crop": "the scanned image of one row of one sheet",
    "paper_log": "a paper round's entry log (every sheet's marks), sealed as its results "
    "(asserted for personnel steps in test_paper_personnel_web, test_procedures_visibility)",
    "step_settlement": "the competent person's decision on a pending step (who goes on), "
    "readable as the step's result (may_see RESULTS)",
    "report": "a self-report",
    "report_pdf": "a self-report's PDF",
    "report_edit": "a self-report's edit form (pre-filled)",
}
#: ... and every other one, with why it serves nothing sealed.
NOT_SEALED = {
    "home": "lists rounds and next steps",
    "login": "login",
    "slip_login": "login",
    "logout": "logout",
    "password": "password change",
    "poll_entry": "the booth's slip login",
    "audit_site": "the audit log: actions, never counts",
    "audit_body": "the audit log",
    "audit_round": "the audit log",
    "bodies": "bodies",
    "body": "a body's rounds",
    "roster_import": "the roster",
    "body_roles": "accounts and roles",
    "round_create": "a new round",
    "round": "the round overview (status, officials, whether reports are published)",
    "round_edit": "setup (draft only)",
    "officials_add": "setup (POST)",
    "official_remove": "setup (POST)",
    "official_exempt": "setup (POST)",
    "round_summon": "setup (POST)",
    "round_committee": "setup (POST)",
    "round_status": "moves the status (POST)",
    "credentials": "slips (organiser)",
    "checkin": "check-in roll",
    "checkin_quorum": "quorum count",
    "poll_booth": "the ballot form",
    "poll_committee": "the ceremony and which seats decrypted (no counts)",
    "poll_ceremony_file": "the ceremony transcript (public keys)",
    "poll_aggregates_file": "the encrypted sums (public)",
    "poll_head_file": "the final board head to sign (public, on the board)",
    "poll_upload": "trustee files in (POST)",
    "poll_restart": "restarts a key ceremony after a complaint (POST, organiser)",
    "poll_board": "the board page: hashes, trackers, counts of ballots (never payloads)",
    "poll_publish": "publishes (POST, organiser)",
    "results_comment": "posts a comment (POST; the thread opens at publication)",
    "comment_hide": "hides a comment (POST)",
    "report_publish": "publishes a report (POST)",
    "report_comment": "posts a comment (POST; the thread opens at publication)",
    "paper_ballots": "the blank sheets to print",
    "paper_enter": "the operator's own entries only",
    "paper_totals": "the operator's own totals only",
    "paper_resolve": "resolves a disagreement (POST)",
    "paper_returned": "declares the sheets returned (POST)",
    "paper_issue": "issues a serial (POST)",
    "paper_electronic": "imports the electronic part (POST)",
    "paper_post_step": "posts a paper personnel step's result (POST, organiser or committee)",
    "paper_scan": "uploads a batch of scans (committee); says how many sheets and flags",
    "paper_queue_resolve": "records the committee's decision on a flagged row (POST)",
    "paper_audit": "the audit of the finished count: the dice, the draws and the re-readings, "
    "witnessed in the hall (organiser, committee, observers)",
    "eval_import": "uploads a work programme",
    "api_openapi": "the API description",
    "api_rounds": "the rounds list",
    "api_round": "one round's setup and quorum",
    "poll_api_cast": "casts (POST)",
    "poll_api_audit": "audits a ballot (POST)",
    "poll_api_ceremony": "the ceremony's public state",
    "poll_api_aggregates": "the encrypted sums (public)",
    "poll_api_decryption": "posts a share (POST)",
    "poll_api_head_signature": "posts a head signature (POST)",
    "set_language": "the language switcher",
    "verify": "the browser verifier: the page holds no record, a reader opens their own copy",
    "verify_download": "the browser verifier as one file to keep (no record in it)",
    "procedures": "a body's personnel procedures, planning list and leadership (organiser)",
    "procedure": "a procedure's steps and rounds (organiser, who sees every tallied step)",
    "procedure_step": "creates the next step's round (POST, organiser)",
    "procedure_settle": "records the competent person's decision (POST, organiser)",
}

STAGES = ["draft", "ceremony", "open", "closed", "tallied", "published", "counting", "counted"]


def _table(text: str) -> dict[tuple[str, str], str]:
    lines = [line.split() for line in text.strip().splitlines()]
    columns = lines[0][1:]
    return {
        (row[0], column): ("" if cell == "-" else cell)
        for row in lines[1:]
        for column, cell in zip(columns, row[1:], strict=True)
    }


def _url_names() -> Iterator[str]:
    def walk(patterns: list[Any]) -> Iterator[str]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield entry.name

    yield from walk(get_resolver().url_patterns)


def test_every_url_is_classified() -> None:
    """A new URL must say whether it serves something sealed (and then join the matrix)."""
    names = set(_url_names())
    assert not set(SEALED) & set(NOT_SEALED)
    assert names == set(SEALED) | set(NOT_SEALED), names ^ (set(SEALED) | set(NOT_SEALED))


def test_the_module_table_is_the_documented_one() -> None:
    expected = _table(MODULE_TABLE)
    for stage in Stage:
        for what, table in (("results", RESULTS_SEEN_BY), ("drafts", DRAFTS_SEEN_BY)):
            letters = "".join(LETTER[r] for r in LETTER if r in table[stage])
            assert letters == expected[(what, stage.value)], (what, stage)


# -- the actors ------------------------------------------------------------------------


def _cast(round_: Any, marks: list[dict[int, BallotMark]], slips: list[Any]) -> None:
    manifest = engine_of(round_).manifest
    ids = manifest.official_ids
    client = Client()
    for slip, choice in zip(slips, marks, strict=False):
        ballot = cast_ballot(
            manifest,
            bytes.fromhex(round_.fingerprint),
            Point.from_hex(round_.public_key),
            CredentialKey.from_seed(slip.seed),
            {ids[i]: m for i, m in choice.items()},
        )
        client.force_login(slip.credential.user)
        answer = client.post(
            reverse("web:poll_api_cast", args=[round_.pk]),
            {"ballot": ballot.to_json()},
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content


@pytest.fixture
def clients(
    setup_round: Any, org_actor: Any, people: dict[str, Any], make_user: Any, grant_role: Any
) -> dict[str, Client]:
    """One logged-in client per role, each holding exactly that role in the round."""
    body = setup_round.body
    organiser = make_user("matrix-org")
    grant_role(organiser, Role.ORGANISER, body=body)
    observer = make_user("matrix-observer")
    grant_role(observer, Role.OBSERVER, body=body)
    voter = make_user("matrix-voter")
    grant_role(voter, Role.VOTER, round=setup_round)
    official = do_ensure_account(org_actor, people["P1"]).user
    member = CommitteeMember.objects.get(round=setup_round, index=1).user
    users = {
        Role.ORGANISER: organiser,
        Role.COMMITTEE: member,
        Role.VOTER: voter,
        Role.OFFICIAL: official,
        Role.OBSERVER: observer,
    }
    out = {}
    for role, user in users.items():
        assert roles_of(user, round=setup_round) == {role}, (role, user)
        client = Client()
        client.force_login(user)
        out[LETTER[role]] = client
    return out


# -- the probes: what each role gets from each route ----------------------------------


def _with_tally(monkeypatch: Any) -> list[bool]:
    """Record the ``with_tally`` each evaluation view asks for (the programme itself is
    beside the point here)."""
    seen: list[bool] = []

    def fake(round_: Any, *, at: Any = None, with_tally: bool = True) -> None:
        seen.append(with_tally)

    monkeypatch.setattr("tinnhiem.web.views.evaluation.evaluate_round", fake)
    return seen


def _probe(route: str, client: Client, round_: Any, tallies: list[bool]) -> int | bool:
    """403 when the role may not open the route, else whether it got the sealed thing."""
    pk = round_.pk
    if route == "results":
        answer = client.get(reverse("web:results", args=[pk]))
        if answer.status_code != 200:
            return answer.status_code
        shown = answer.context["result"] is not None or bool(answer.context["minutes"])
        assert shown == (reverse("web:paper_minutes", args=[pk, "csv"]) in answer.text)
        return shown
    if route == "api_results":
        return _found(client.get(reverse("web:api_results", args=[pk])))
    if route == "record":
        return _found(client.get(reverse("web:poll_record", args=[pk])))
    if route == "minutes":
        answers = {
            fmt: _found(client.get(reverse("web:paper_minutes", args=[pk, fmt])))
            for fmt in ("pdf", "xlsx", "csv")
        }
        assert len(set(answers.values())) == 1, answers  # every format agrees
        return answers["csv"]
    if route == "minutes_draft":
        return _found(client.get(reverse("web:paper_minutes", args=[pk, "csv"]) + "?draft=1"))
    if route == "board_sums":
        answer = client.get(reverse("web:api_board", args=[pk]) + "?payload=1")
        if answer.status_code != 200:
            return answer.status_code
        sealed = [e for e in answer.json()["entries"] if e["kind"] in ("decryption", "results")]
        assert all(("payload" in e) != e.get("sealed", False) for e in sealed)
        return any("payload" in e for e in sealed)
    if route in ("eval", "eval_export"):
        tallies.clear()
        args = [pk] if route == "eval" else [pk, "xlsx"]
        answer = client.get(reverse(f"web:{route}", args=args))
        if answer.status_code == 403:
            return 403
        return tallies == [True]
    if route == "paper":
        answer = client.get(reverse("web:paper", args=[pk]))
        if answer.status_code != 200:
            return answer.status_code
        return "status" in answer.context
    if route in ("paper_disagreements", "paper_queue"):
        answer = client.get(reverse(f"web:{route}", args=[pk]))
        if answer.status_code == 403:
            return 403
        return answer.status_code == 200
    if route == "paper_crop":
        # No sheet was scanned here: a role allowed to see the images gets 404 (no image),
        # the others 403 before any lookup.
        answer = client.get(reverse("web:paper_crop", args=[pk, 1, "P1"]))
        if answer.status_code == 403:
            return 403
        return answer.status_code == 404 and stage_of(round_).value in ("counting", "counted")
    raise AssertionError(route)


def _found(answer: Any) -> int | bool:
    if answer.status_code == 403:
        return 403
    assert answer.status_code in (200, 404), (answer.status_code, answer.content[:300])
    return answer.status_code == 200


def _check_stage(
    stage: str, round_: Any, clients: dict[str, Client], tallies: list[bool]
) -> list[str]:
    table = _table(TABLE)
    wrong = []
    for route in OPENS:
        for letter, client in clients.items():
            expected: int | bool = (
                (letter in table[(route, stage)]) if letter in OPENS[route] else 403
            )
            got = _probe(route, client, round_, tallies)
            if got != expected:
                wrong.append(f"{stage} {route} {letter}: expected {expected}, got {got}")
    return wrong


# -- the walks ------------------------------------------------------------------------


def test_electronic_round_at_every_stage(
    setup_round: Any, org_actor: Any, clients: dict[str, Client], monkeypatch: Any
) -> None:
    round_ = setup_round
    tallies = _with_tally(monkeypatch)
    wrong: list[str] = []

    def check(stage: str) -> None:
        round_.refresh_from_db()
        assert stage_of(round_).value == stage
        wrong.extend(_check_stage(stage, round_, clients, tallies))

    check("draft")
    do_start_ceremony(org_actor, round_)
    check("ceremony")
    shares = run_web_ceremony(round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_)[:5]:
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    _cast(round_, [{0: BallotMark.LOW, 1: BallotMark.HIGH}, {0: BallotMark.HIGH}], slips)
    check("open")
    do_close_round(org_actor, round_)
    check("closed")
    items = BoardEntry.objects.get(round=round_, kind="aggregates").payload["items"]
    cts = [Ciphertext.from_hex(a, allow_identity=True) for a in items]
    context = Context(bytes.fromhex(round_.fingerprint))
    for index in (1, 2):
        seat = CommitteeMember.objects.get(round=round_, index=index)
        share = partial_decrypt(context, shares[index], cts)
        do_post_decryption_share(Actor(seat.user, Role.COMMITTEE), round_, share.to_dict())
    check("tallied")
    do_publish_results(org_actor, round_)
    check("published")
    assert not wrong, "\n".join(wrong)


def test_paper_round_counting_and_counted(
    setup_round: Any, org_actor: Any, clients: dict[str, Client], monkeypatch: Any
) -> None:
    round_ = setup_round
    tallies = _with_tally(monkeypatch)
    do_create_paper_round(org_actor, round_, paper_serials=2, present=6)
    seats = CommitteeMember.objects.filter(round=round_).order_by("index")
    first, second = (Actor(m.user, Role.COMMITTEE) for m in seats[:2])
    for actor in (first, second):
        do_paper_enter_ballot(actor, round_, serial=1, marks=[Mark.HIGH, Mark.LOW])
    do_paper_enter_ballot(first, round_, serial=2, marks=[Mark.LOW, Mark.LOW])
    assert stage_of(round_) is Stage.COUNTING
    wrong = _check_stage("counting", round_, clients, tallies)
    do_paper_enter_ballot(second, round_, serial=2, marks=[Mark.LOW, Mark.LOW])
    assert stage_of(round_) is Stage.COUNTED
    wrong += _check_stage("counted", round_, clients, tallies)
    assert not wrong, "\n".join(wrong)


def test_reports_for_every_role(
    setup_round: Any, org_actor: Any, clients: dict[str, Client], people: dict[str, Any]
) -> None:
    round_ = setup_round
    own = Official.objects.get(round=round_, person=people["P1"])
    other = Official.objects.get(round=round_, person=people["P2"])
    for official in (own, other):
        pdf = SimpleUploadedFile("r.pdf", b"%PDF-1.4 bao cao", content_type="application/pdf")
        do_submit_report(org_actor, official, text=f"Báo cáo {official.pk}", pdf=pdf)
    viewers = {"organiser": "O", "committee": "C", "voter": "V", "observer": "B"}
    wrong = []
    for state in ("unpublished", "published"):
        if state == "published":
            for report in SelfReport.objects.filter(official__round=round_):
                do_publish_report(org_actor, report)
        for route in ("report", "report_pdf", "report_edit"):
            row = dict(
                zip(
                    ["organiser", "committee", "voter", "own", "other", "observer"],
                    _table_row(REPORT_TABLE, route, state),
                    strict=True,
                )
            )
            for viewer, expected in row.items():
                letter = viewers.get(viewer, "F")
                target = other if viewer == "other" else own
                answer = clients[letter].get(reverse(f"web:{route}", args=[round_.pk, target.pk]))
                if answer.status_code != int(expected):
                    wrong.append(f"{route} {state} {viewer}: {answer.status_code} != {expected}")
                if route == "report_edit" and answer.status_code == 200:
                    assert f"Báo cáo {target.pk}" in answer.text
    assert not wrong, "\n".join(wrong)


def _table_row(text: str, route: str, state: str) -> list[str]:
    for line in text.strip().splitlines()[1:]:
        cells = line.split()
        if cells[:2] == [route, state]:
            return cells[2:]
    raise AssertionError((route, state))


def test_the_observer_of_a_tallied_round_is_told_the_same_everywhere(
    setup_round: Any, org_actor: Any, clients: dict[str, Client]
) -> None:
    """The reproduction of issue 11: an observer of the body, a round tallied and not
    published: the results page says not published, and the minutes (every format), the
    record and the API all refuse, rather than hand over the counts."""
    from web.test_paper_minutes import _tallied

    _tallied(setup_round, org_actor, [{0: BallotMark.LOW, 1: BallotMark.HIGH}])
    observer = clients["B"]
    page = observer.get(reverse("web:results", args=[setup_round.pk]))
    assert page.context["result"] is None and 'id="results-waiting"' in page.text
    for fmt in ("pdf", "xlsx", "csv"):
        url = reverse("web:paper_minutes", args=[setup_round.pk, fmt])
        assert observer.get(url).status_code == 404
    assert observer.get(reverse("web:poll_record", args=[setup_round.pk])).status_code == 404
    assert observer.get(reverse("web:api_results", args=[setup_round.pk])).status_code == 404
    assert Membership.objects.filter(role=Role.OBSERVER, round__isnull=True).exists()


def test_mixed_round_waits_for_its_electronic_part(
    setup_round: Any, org_actor: Any, clients: dict[str, Client]
) -> None:
    """A mixed round's final minutes carry the electronic counts: voters get them once
    the paper count is final *and* the electronic part is published; the witnesses (and
    the observer among them) see them as soon as they exist."""
    from web.test_paper_minutes import _tallied

    round_ = setup_round
    do_create_paper_round(org_actor, round_, paper_serials=1, mixed=True, present=6)
    _tallied(round_, org_actor, [{0: BallotMark.LOW, 1: BallotMark.HIGH}])
    organiser = clients["O"]
    assert organiser.post(reverse("web:paper_electronic", args=[round_.pk])).status_code == 302
    seats = CommitteeMember.objects.filter(round=round_).order_by("index")
    for seat in seats[:2]:
        actor = Actor(seat.user, Role.COMMITTEE)
        do_paper_enter_ballot(actor, round_, serial=1, marks=[Mark.LOW, Mark.LOW])
    minutes = reverse("web:paper_minutes", args=[round_.pk, "csv"])
    assert stage_of(round_) is Stage.COUNTING
    assert clients["B"].get(minutes).status_code == 200
    assert clients["V"].get(minutes).status_code == 404
    do_publish_results(org_actor, round_)
    assert stage_of(round_) is Stage.COUNTED
    assert clients["V"].get(minutes).status_code == 200
    assert clients["F"].get(reverse("web:api_results", args=[round_.pk])).status_code == 200
