"""Creating a paper (or mixed, or hand-counted) round from a web round, and the round-level
paper actions: the count of sheets found in the box, and (mixed rounds) issuing a serial
to a summoned voter."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinnhiem.errors import InputError
from tinnhiem.paper import CommitteeMember as PaperMember
from tinnhiem.paper import (
    ElectronicPart,
    LevelCounts,
    PaperError,
    PaperSession,
    RoundDefinition,
    count_fields,
)
from tinnhiem.paper import Official as PaperOfficial
from tinnhiem.rules import (
    FormalCounts,
    PollCounts,
    RoundKind,
    evaluate_formal,
    evaluate_poll,
    load_rule,
)
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.actions.paper_personnel import paper_step_candidates, paper_step_section
from tinnhiem.web.actions.paper_store import (
    create_log,
    operator_name,
    paper_round_of,
    session_for_update,
)
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.models import (
    Ballot,
    CheckIn,
    CommitteeMember,
    Official,
    Person,
    Result,
    Role,
    Round,
    Summons,
    VoterCredential,
)
from tinnhiem.web.models.paper import PaperRound

__all__ = [
    "MODES",
    "PAPER_DEACTIVATION",
    "do_create_paper_round",
    "do_paper_declare_returned",
    "do_paper_import_electronic",
    "do_paper_issue",
    "official_key",
    "require_paper_round",
]

MODES = ("ballots", "totals")
PAPER_DEACTIVATION = "credential.deactivate_paper"
"""The audit action of a credential turned off because its voter received paper."""


def official_key(official: Official) -> str:
    """The id of a web official on the paper ballot and in the entry log."""
    return f"cb{official.pk}"


def require_paper_round(round: Round) -> PaperRound:
    paper_round = paper_round_of(round)
    if paper_round is None:
        raise ActionError(_("Đợt này chưa có phiếu giấy."))
    return paper_round


def _member_name(member: CommitteeMember) -> str:
    person = Person.objects.filter(user=member.user).first()
    if person is not None:
        return person.full_name
    return member.user.get_full_name() or member.user.get_username()


def _check_rule_numbers(
    rule_id: str, *, members: int | None, present: int | None, summoned: int | None
) -> None:
    """Refuse now, not at the minutes, a round that lacks a number its rule needs (the
    members of the body for a rule counted over all members, present and summoned for a
    rule with a quorum), whatever the rule's kind (a poll or a formal vote)."""
    try:
        rule = load_rule(rule_id)
        if rule.kind is RoundKind.FORMAL_VOTE:
            evaluate_formal(
                rule,
                FormalCounts(issued=1, returned=1, confidence=1, no_confidence=0),
                members=members,
                present=present,
                summoned=summoned,
            )
        else:
            evaluate_poll(
                rule,
                PollCounts(issued=1, returned=1, high=1, confident=0, low=0),
                members=members,
                present=present,
                summoned=summoned,
            )
    except InputError as exc:
        field = "members" if "member" in str(exc) else "present"
        raise ActionError(
            _("Quy định của đợt cần thêm số liệu: %(reason)s") % {"reason": str(exc)},
            field=field,
        ) from exc


@transaction.atomic
def do_create_paper_round(
    actor: Actor,
    round: Round,
    *,
    mode: str = "ballots",
    mixed: bool = False,
    paper_serials: int,
    required_entries: int = 2,
    members: int | None = None,
    summoned: int | None = None,
    present: int | None = None,
    date: dt.date | None = None,
    place: str = "",
    scan: bool = False,
) -> PaperRound:
    """Make ``round`` a paper round (phiếu giấy): its rated officials, in ballot order, go on
    the sheets, its counting committee signs the minutes. Once only. A poll (lấy phiếu tín
    nhiệm, three levels) or a formal vote (bỏ phiếu tín nhiệm, two options): the paper
    session takes the kind from the round's rule. A personnel step's round (``round.procedure``
    set) becomes that step on paper: its candidates on choose or agree/disagree sheets (or
    the committee's totals), the link to the step its list came from checked by the core."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = Round.objects.select_for_update().select_related("body").get(pk=round.pk)
    if PaperRound.objects.filter(round=round).exists():
        raise ActionError(_("Đợt này đã có phiếu giấy."))
    if mode not in MODES:
        raise ActionError(_("Cách kiểm phiếu không hợp lệ."), field="mode")
    officials = list(Official.objects.filter(round=round, exempt=False).select_related("person"))
    if not officials:
        raise ActionError(_("Đợt này chưa có người được lấy phiếu."))
    if summoned is None:
        summoned = Summons.objects.filter(round=round).count() or None
    if present is None:
        present = CheckIn.objects.filter(round=round).count() or None
    personnel = None
    if round.personnel:
        # A personnel step: the sheet lists the step's candidates by roster code, its
        # procedure's step decides (the core checks the step, k and the previous link).
        if summoned is None or present is None:
            raise ActionError(
                _("Bước nhân sự cần số người được triệu tập và số người có mặt."),
                field="present",
            )
        candidates = paper_step_candidates(round)
        personnel = paper_step_section(round, candidates)
        if mode == "ballots" and not paper_serials:
            paper_serials = present
    else:
        candidates = tuple(
            PaperOfficial(official_key(o), o.person.full_name, o.post) for o in officials
        )
        _check_rule_numbers(round.rule_id, members=members, present=present, summoned=summoned)
    committee = CommitteeMember.objects.seated(round).select_related("user")
    try:
        definition = RoundDefinition(
            round_id=f"web-{round.pk}",
            title=round.title,
            body=round.body.name,
            date=(date or timezone.localdate()).isoformat(),
            rule_id=round.rule_id,
            officials=candidates,
            personnel=personnel,
            paper_serials=paper_serials,
            members=members,
            mode=mode,
            required_entries=required_entries,
            mixed=mixed,
            committee=tuple(PaperMember(_member_name(m), "Thành viên") for m in committee),
            place=place,
            summoned=summoned,
            present=present,
            scan=scan,
        )
    except PaperError as exc:
        raise ActionError(_("Không tạo được: %(reason)s") % {"reason": str(exc)}) from exc
    paper_round = PaperRound.objects.create(round=round, mode=mode, mixed=mixed)
    create_log(
        paper_round,
        lambda log: PaperSession.create(log, definition, actor=operator_name(actor.user)),
        actor.user,
    )
    audit(
        Actor(actor.user, role),
        "paper.create",
        paper_round,
        round=round,
        detail={
            "mode": mode,
            "mixed": mixed,
            "serials": paper_serials,
            "required_entries": required_entries,
            "officials": len(officials),
        },
    )
    return paper_round


@transaction.atomic
def do_paper_declare_returned(actor: Actor, round: Round, *, count: int) -> None:
    """The number of paper sheets the committee found in the box (số phiếu thu về)."""
    role = ensure_role(actor, [Role.COMMITTEE, Role.ORGANISER], round=round)
    paper_round = require_paper_round(round)
    with session_for_update(paper_round, actor.user) as session:
        session.declare_returned(count, actor=operator_name(actor.user))
    audit(
        Actor(actor.user, role), "paper.returned", paper_round, round=round, detail={"count": count}
    )


@transaction.atomic
def do_paper_issue(
    actor: Actor, round: Round, *, person: Person, serial: int | None = None
) -> None:
    """Record that a summoned voter received a paper ballot (mixed rounds: each voter
    counts once). The sheets are identical and unnumbered, so only the fact is kept
    (``serial``, from old callers, is ignored). The voter's electronic login for this round
    is turned off (their credential's user made inactive, audited), so they cannot also
    vote online; their slip login then says why."""
    del serial
    role = ensure_role(actor, [Role.COMMITTEE, Role.ORGANISER], round=round)
    paper_round = require_paper_round(round)
    if not Summons.objects.filter(round=round, person=person).exists():
        raise ActionError(_("Người này không có trong danh sách triệu tập."), field="voter")
    with session_for_update(paper_round, actor.user) as session:
        session.issue_paper(person.external_id, actor=operator_name(actor.user))
    who = Actor(actor.user, role)
    audit(who, "paper.issue", paper_round, round=round)
    credential = (
        VoterCredential.objects.filter(round=round, summons__person=person)
        .select_related("user")
        .first()
    )
    if credential is not None and credential.user.is_active:
        credential.user.is_active = False
        credential.user.save(update_fields=["is_active"])
        audit(
            who,
            PAPER_DEACTIVATION,
            credential,
            round=round,
            detail={"serial": credential.serial, "reason": "paper"},
        )


def electronic_part(round: Round) -> ElectronicPart:
    """The electronic side of a mixed round, from the web round's own rows: voters (by
    roster code) holding a credential, those whose credential cast a ballot, and the
    decrypted counts per official (rows with no valid mark: returned less the marks), of
    the round's kind (a poll's three levels or a formal vote's two options)."""
    result = Result.objects.filter(round=round).first()
    if result is None:
        raise ActionError(_("Phần điện tử chưa được kiểm phiếu."))
    credentials = VoterCredential.objects.filter(round=round).select_related("summons__person")
    cast_ids = set(Ballot.objects.filter(round=round).values_list("credential_id", flat=True))
    by_code = {
        o.person.external_id: official_key(o)
        for o in Official.objects.filter(round=round, exempt=False).select_related("person")
    }
    kind = RoundKind(round.kind)
    levels = count_fields(kind)[:-1]  # the valid levels; "invalid" is what is left
    returned = int(result.payload["returned"])
    counts = {}
    for row in result.payload["results"]:
        missing = [level for level in levels if level not in row["counts"]]
        if missing:
            raise ActionError(
                _("Kết quả điện tử thiếu số phiếu %(levels)s của loại đợt này.")
                % {"levels": ", ".join(missing)}
            )
        marked = [int(row["counts"][level]) for level in levels]
        counts[by_code[str(row["official"])]] = LevelCounts.of(
            kind, [*marked, returned - sum(marked)]
        )
    return ElectronicPart(
        credentials=frozenset(c.summons.person.external_id for c in credentials),
        cast=frozenset(c.summons.person.external_id for c in credentials if c.pk in cast_ids),
        counts=counts,
        source=f"web round {round.pk}",
        kind=kind,
    )


@transaction.atomic
def do_paper_import_electronic(actor: Actor, round: Round) -> ElectronicPart:
    """Bring the tallied electronic side into a mixed round (replaces an earlier import);
    the reconciliation then counts each voter once (the electronic ballot wins)."""
    role = ensure_role(actor, [Role.COMMITTEE, Role.ORGANISER], round=round)
    paper_round = require_paper_round(round)
    if not paper_round.mixed:
        raise ActionError(_("Đợt phiếu giấy này không kết hợp phiếu điện tử."))
    part = electronic_part(round)
    with session_for_update(paper_round, actor.user) as session:
        session.import_electronic(part, actor=operator_name(actor.user))
    audit(
        Actor(actor.user, role),
        "paper.electronic",
        paper_round,
        round=round,
        detail={"credentials": len(part.credentials), "cast": len(part.cast)},
    )
    return part
