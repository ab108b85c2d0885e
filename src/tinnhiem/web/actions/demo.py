"""The demo body, rounds and logins that ``tinnhiem serve`` seeds (idempotent).

Two rounds of a provincial People's Council: one waiting for its key ceremony (to try
each role), and one FINISHED, driven through the real actions from the ceremony to the
published results: 25 posts the Council elects (NQ 96/2023/QH15, Điều 2), 75 delegates
summoned, 72 present and voting, two officials not polled with their reasons, a counting
committee of three (threshold two) whose members post their DKG messages and partial
decryptions, sealed ballots cast by each voter, the results published (minutes and
record to download) and the year's work programme imported (evaluation, flags, scatter
plot). The ballots add up to the counts of the evaluation demo (tinnhiem.evaluation.demo),
so its built cases ("popular but idle", "unpopular achiever") show on the evaluation page.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tinnhiem.demo_data import HDND_POSTS, vietnamese_names
from tinnhiem.evaluation import demo_body, write_programme
from tinnhiem.poll import Trustees
from tinnhiem.poll.demo import demo_ballot_json, marks_for_counts
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.bodies import (
    do_create_body,
    do_ensure_account,
    do_grant_role,
    do_import_roster,
)
from tinnhiem.web.actions.credentials import IssuedSlip, do_check_in, do_issue_credentials
from tinnhiem.web.actions.evaluation_import import do_import_programme
from tinnhiem.web.actions.poll import (
    do_cast_ballot,
    do_post_ceremony_message,
    do_post_decryption_share,
    do_sign_head,
)
from tinnhiem.web.actions.poll_results import do_publish_results
from tinnhiem.web.actions.rounds import (
    do_add_committee_member,
    do_add_official,
    do_close_round,
    do_create_round,
    do_open_round,
    do_publish_report,
    do_set_exemption,
    do_start_ceremony,
    do_submit_report,
    do_summon,
)
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of
from tinnhiem.web.lib.roster import RosterRow
from tinnhiem.web.lib.rules import rule_choices
from tinnhiem.web.models import Body, CommitteeMember, Membership, Person, Role, Round, Summons

__all__ = [
    "DEMO_BODY",
    "DEMO_PASSWORD",
    "DemoLogin",
    "DemoSeed",
    "do_seed_demo",
    "run_hosted_ceremony",
]

DEMO_BODY = "demo"
DEMO_PASSWORD = "tinnhiem-demo"  # noqa: S105 - a demo on loopback, printed on purpose

# (roster code, name, unit, position)
_ROSTER = [
    ("CB01", "Nguyễn Văn An", "Thường trực HĐND", "Chủ tịch HĐND"),
    ("CB02", "Trần Thị Bình", "UBND tỉnh", "Chủ tịch UBND"),
    ("CB03", "Lê Hoàng Cường", "UBND tỉnh", "Phó Chủ tịch UBND"),
    ("KP01", "Phạm Thị Dung", "Ban Pháp chế", "Đại biểu"),
    ("KP02", "Hoàng Văn Em", "Ban Kinh tế - Ngân sách", "Đại biểu"),
    ("KP03", "Vũ Thị Giang", "Ban Văn hóa - Xã hội", "Đại biểu"),
    ("DB01", "Đặng Văn Hải", "Tổ đại biểu số 1", "Đại biểu"),
    ("DB02", "Bùi Thị Hạnh", "Tổ đại biểu số 1", "Đại biểu"),
    ("DB03", "Đỗ Minh Khoa", "Tổ đại biểu số 2", "Đại biểu"),
    ("DB04", "Ngô Thị Lan", "Tổ đại biểu số 2", "Đại biểu"),
    ("DB05", "Dương Văn Minh", "Tổ đại biểu số 3", "Đại biểu"),
    ("DB06", "Lý Thị Ngọc", "Tổ đại biểu số 3", "Đại biểu"),
    ("QS01", "Mai Văn Phúc", "Ủy ban Kiểm tra", "Kiểm tra viên"),
]
_OFFICIALS = ["CB01", "CB02", "CB03"]
_COMMITTEE = ["KP01", "KP02", "KP03"]
_OBSERVER = "QS01"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    name: str


@dataclass
class DemoSeed:
    """What was seeded. ``slips`` is filled only on the run that issued the credentials."""

    created: bool
    body: Body
    round: Round
    logins: list[DemoLogin] = field(default_factory=list)
    slips: list[IssuedSlip] = field(default_factory=list)
    finished: Round | None = None


def _with_password(username: str, *, first_name: str = "") -> Any:
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        user = users.create_user(username=username, password=DEMO_PASSWORD, first_name=first_name)
    return user


def _logins(body: Body, round: Round) -> list[DemoLogin]:
    out = [DemoLogin(Role.ORGANISER, "bantochuc", DEMO_PASSWORD, "Ban Tổ chức (demo)")]
    people: dict[str, Any] = {
        p.external_id: p for p in Person.objects.filter(body=body).select_related("user")
    }
    for code in _COMMITTEE:
        out.append(
            DemoLogin(
                Role.COMMITTEE, people[code].user.username, DEMO_PASSWORD, people[code].full_name
            )
        )
    for code in _OFFICIALS:
        out.append(
            DemoLogin(
                Role.OFFICIAL, people[code].user.username, DEMO_PASSWORD, people[code].full_name
            )
        )
    out.append(
        DemoLogin(
            Role.OBSERVER,
            people[_OBSERVER].user.username,
            DEMO_PASSWORD,
            people[_OBSERVER].full_name,
        )
    )
    return out


@transaction.atomic
def do_seed_demo() -> DemoSeed:
    """Create the demo body, roster, round (in the key-ceremony stage, reports published,
    credentials issued) and logins for each role; a second call changes nothing."""
    existing = Body.objects.filter(code=DEMO_BODY).first()
    if existing is not None:
        rounds = list(Round.objects.filter(body=existing).order_by("id"))
        assert rounds
        finished = rounds[1] if len(rounds) > 1 else None
        return DemoSeed(False, existing, rounds[0], _logins(existing, rounds[0]), [], finished)

    organiser = _with_password("bantochuc", first_name="Ban Tổ chức")
    Membership.objects.get_or_create(user=organiser, role=Role.ORGANISER, body=None, round=None)
    actor = Actor(organiser, Role.ORGANISER)
    audit(actor, "demo.seed")
    body = do_create_body(
        actor,
        code=DEMO_BODY,
        name="Hội đồng nhân dân tỉnh Mẫu (demo)",
        description="Dữ liệu mẫu để thử / demo data",
    )
    rows = [RosterRow(i + 2, c, n, u, p) for i, (c, n, u, p) in enumerate(_ROSTER)]
    do_import_roster(actor, body, rows, source="demo")
    people = {p.external_id: p for p in Person.objects.filter(body=body)}
    for code in [*_OFFICIALS, *_COMMITTEE, _OBSERVER]:
        account = do_ensure_account(actor, people[code])
        account.user.set_password(DEMO_PASSWORD)
        account.user.save(update_fields=["password"])
        people[code].refresh_from_db()

    rule_ids = [rid for rid, _label in rule_choices("poll")]
    rule_id = "nq96-2023" if "nq96-2023" in rule_ids else rule_ids[0]
    now = timezone.now()
    round = do_create_round(
        actor,
        body,
        title="Lấy phiếu tín nhiệm giữa nhiệm kỳ (demo)",
        kind="poll",
        rule_id=rule_id,
        threshold=2,
        committee_size=3,
        report_deadline=now + dt.timedelta(days=1),
        opens_at=now + dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=2, hours=2),
    )
    for code in _OFFICIALS:
        person = people[code]
        official = do_add_official(actor, round, person, post=person.position)
        report = do_submit_report(
            actor,
            official,
            text=f"Báo cáo tự đánh giá của {person.full_name} (dữ liệu mẫu).\n"
            "Kết quả thực hiện nhiệm vụ được giao; ưu điểm; hạn chế; hướng khắc phục.",
        )
        do_publish_report(actor, report)
    voters = [p for code, p in people.items() if code.startswith(("DB", "KP", "CB"))]
    do_summon(actor, round, voters)
    for code in _COMMITTEE:
        do_add_committee_member(actor, round, people[code].user)
    do_grant_role(actor, people[_OBSERVER].user, Role.OBSERVER, body=body)
    slips = do_issue_credentials(actor, round)
    do_start_ceremony(actor, round)
    finished = _seed_finished_round(actor, body, [people[code] for code in _COMMITTEE])
    return DemoSeed(True, body, round, _logins(body, round), slips, finished)


_FINISHED_TITLE = "Lấy phiếu tín nhiệm tại Kỳ họp thứ mười chín (demo, đã công bố)"
_DELEGATES = 75  # tinnhiem.poll.demo.BODIES["hdnd"]: 75 delegates, 72 present and voting
_PRESENT = 72


def run_hosted_ceremony(round: Round) -> Trustees:
    """Play every seated member's side of the key ceremony through the real action
    (demo seed, load bench, tests); returns the members, who keep their key shares."""
    trustees = Trustees(engine_of(round).manifest)
    seats = {
        m.index: Actor(m.user, Role.COMMITTEE)
        for m in CommitteeMember.objects.seated(round).select_related("user")
    }
    for kind, messages in trustees.steps():
        for index, payload in messages.items():
            do_post_ceremony_message(seats[index], round, kind, payload)
    return trustees


def _seed_finished_round(actor: Actor, body: Body, committee: list[Person]) -> Round:
    """A People's Council round driven to its published results by the real actions."""
    evaluation = demo_body()
    officials = [(name, post) for name, post, _counts in evaluation.polls]
    extra = vietnamese_names_after(officials, _DELEGATES + 2)
    exempt_posts = HDND_POSTS[len(officials) : len(officials) + 2]
    rows = [
        RosterRow(i + 2, f"TN{i + 1:02d}", name, "HĐND tỉnh", post)
        for i, (name, post) in enumerate(officials)
    ]
    rows += [
        RosterRow(len(rows) + i + 2, f"MT{i + 1:02d}", extra[i], "HĐND tỉnh", post)
        for i, post in enumerate(exempt_posts)
    ]
    delegates = _DELEGATES - len(officials) - len(committee)
    rows += [
        RosterRow(len(rows) + i + 2, f"DB{i + 101}", extra[2 + i], "Tổ đại biểu", "Đại biểu")
        for i in range(delegates)
    ]
    do_import_roster(actor, body, rows, source="demo")
    people = {p.external_id: p for p in Person.objects.filter(body=body)}
    now = timezone.now()
    round = do_create_round(
        actor,
        body,
        title=_FINISHED_TITLE,
        kind="poll",
        rule_id=evaluation.rule,
        threshold=2,
        committee_size=3,
        opens_at=now - dt.timedelta(hours=3),
        closes_at=now - dt.timedelta(hours=1),
    )
    placed = {}
    for i, (_name, post) in enumerate(officials):
        placed[i] = do_add_official(actor, round, people[f"TN{i + 1:02d}"], post=post)
    reasons = ("Đã có thông báo nghỉ công tác chờ nghỉ hưu", "Được bầu trong năm lấy phiếu")
    for i, reason in enumerate(reasons):
        person = people[f"MT{i + 1:02d}"]
        official = do_add_official(actor, round, person, post=person.position)
        do_set_exemption(actor, official, exempt=True, reason=reason)
    voters = [people[f"TN{i + 1:02d}"] for i in range(len(officials))]
    voters += committee + [people[f"DB{i + 101}"] for i in range(delegates)]
    do_summon(actor, round, voters)
    for person in committee:
        do_add_committee_member(actor, round, person.user)
    do_start_ceremony(actor, round)
    trustees = run_hosted_ceremony(round)
    round.refresh_from_db()
    slips = do_issue_credentials(actor, round)
    present = slips[:_PRESENT]
    for slip in present:
        do_check_in(actor, round, summons=Summons.objects.get(pk=slip.credential.summons_id))
    do_open_round(actor, round)
    round.refresh_from_db()
    engine = engine_of(round)
    ids = {o.name: o.id for o in engine.manifest.officials}
    counts = [
        (ids[name], {"high": c.high, "confident": c.confident, "low": c.low})
        for name, _post, c in evaluation.polls
    ]
    for slip, marks in zip(present, marks_for_counts(counts, len(present), seed=19), strict=True):
        ballot = demo_ballot_json(engine, slip.seed, marks)
        do_cast_ballot(Actor(slip.credential.user, Role.VOTER), round, ballot)
    do_close_round(actor, round)
    round.refresh_from_db()
    engine = engine_of(round)
    seats = {m.index: Actor(m.user, Role.COMMITTEE) for m in CommitteeMember.objects.seated(round)}
    for index in (1, 3):  # member 2 is absent at the decryption: threshold two of three
        do_post_decryption_share(seats[index], round, trustees.decryption(index, engine))
    round.refresh_from_db()
    engine = engine_of(round)
    for index in (1, 3):  # those who decrypted sign the final board head
        do_sign_head(seats[index], round, trustees.head_signature(index, engine))
    do_publish_results(actor, round)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_programme(evaluation.programme, Path(tmp) / "chuong-trinh-cong-tac.csv")
        do_import_programme(actor, round, data=path.read_bytes(), filename=path.name)
    round.refresh_from_db()
    return round


def vietnamese_names_after(taken: list[tuple[str, str]], count: int) -> list[str]:
    """``count`` more names for the demo roster, none equal to a name already taken."""
    used = {name for name, _post in taken} | {n for _c, n, _u, _p in _ROSTER}
    pool = vietnamese_names(random.Random(96), count + len(used) + 10)
    return [n for n in pool if n not in used][:count]
