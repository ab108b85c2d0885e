"""The demo body, round and logins that ``tinnhiem serve`` seeds (idempotent)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.bodies import (
    do_create_body,
    do_ensure_account,
    do_grant_role,
    do_import_roster,
)
from tinnhiem.web.actions.credentials import IssuedSlip, do_issue_credentials
from tinnhiem.web.actions.rounds import (
    do_add_committee_member,
    do_add_official,
    do_create_round,
    do_publish_report,
    do_start_ceremony,
    do_submit_report,
    do_summon,
)
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.roster import RosterRow
from tinnhiem.web.lib.rules import rule_choices
from tinnhiem.web.models import Body, Membership, Person, Role, Round

__all__ = ["DEMO_BODY", "DEMO_PASSWORD", "DemoLogin", "DemoSeed", "do_seed_demo"]

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
        round = Round.objects.filter(body=existing).order_by("id").first()
        assert round is not None
        return DemoSeed(False, existing, round, _logins(existing, round))

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
    return DemoSeed(True, body, round, _logins(body, round), slips)
