"""Issuing voter credentials (slips) and checking voters in at the door."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from tinnhiem.ballots import issue_credentials
from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.auth import hash_login_code
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.lib.access import Actor, ensure_role
from tinnhiem.web.lib.slips import new_checkin_token, new_login_code, parse_checkin_code
from tinnhiem.web.models import (
    CheckIn,
    CheckInMethod,
    Membership,
    Role,
    Round,
    RoundStatus,
    Summons,
    VoterCredential,
)

__all__ = ["IssuedSlip", "do_check_in", "do_issue_credentials", "do_reissue_credential"]


@dataclass(frozen=True)
class IssuedSlip:
    """What one printed slip shows. ``login_code`` and ``seed`` exist only here: the
    database keeps the code's hash and the public key."""

    credential: VoterCredential
    login_code: str
    seed: bytes

    @property
    def person(self) -> object:
        return self.credential.summons.person


@transaction.atomic
def do_issue_credentials(actor: Actor, round: Round) -> list[IssuedSlip]:
    """Issue a credential to every summoned voter of ``round`` who has none yet (before the
    poll opens). Each gets a login code, an Ed25519 seed (``issue_credentials``) and a door
    token; returns the slips to print now: they cannot be shown again."""
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = Round.objects.select_for_update().select_related("body").get(pk=round.pk)
    if round.status not in (RoundStatus.DRAFT, RoundStatus.CEREMONY):
        raise ActionError(_("Chỉ cấp phiếu đăng nhập trước khi mở bỏ phiếu."))
    waiting = list(
        Summons.objects.filter(round=round, credential__isnull=True).select_related("person")
    )
    serial = VoterCredential.objects.filter(round=round).aggregate(m=Max("serial"))["m"] or 0
    users = get_user_model().objects
    slips: list[IssuedSlip] = []
    for summons in waiting:
        serial += 1
        (key,) = issue_credentials(1)
        user = users.create_user(username=f"voter-{round.pk}-{serial}", password=None)
        credential = VoterCredential.objects.create(
            round=round,
            summons=summons,
            serial=serial,
            public_key=key.public.hex(),
            # a placeholder nobody can type: the code starts with the row's id
            login_code_hash=hash_login_code(new_login_code()),
            checkin_token=new_checkin_token(),
            user=user,
        )
        code = new_login_code(credential.pk)
        credential.login_code_hash = hash_login_code(code)
        credential.save(update_fields=["login_code_hash"])
        Membership.objects.create(user=user, role=Role.VOTER, round=round)
        slips.append(IssuedSlip(credential, code, key.seed))
    audit(
        Actor(actor.user, role),
        "credentials.issue",
        round,
        round=round,
        detail={"issued": len(slips), "serials": [s.credential.serial for s in slips][:500]},
    )
    return slips


@transaction.atomic
def do_reissue_credential(actor: Actor, credential: VoterCredential) -> IssuedSlip:
    """Replace a lost or exposed slip before the poll opens: new seed, public key, login code
    and door token for the same voter (same serial); the old slip stops working at once
    and any session opened with it ends. After opening, the public credentials are fixed
    on the board and a slip can no longer be replaced."""
    round = credential.round
    role = ensure_role(actor, [Role.ORGANISER], round=round)
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status not in (RoundStatus.DRAFT, RoundStatus.CEREMONY):
        raise ActionError(_("Chỉ cấp lại phiếu trước khi mở bỏ phiếu."))
    credential = (
        VoterCredential.objects.select_for_update()
        .select_related("summons__person", "user")
        .get(pk=credential.pk)
    )
    old_key = credential.public_key
    (key,) = issue_credentials(1)
    code = new_login_code(credential.pk)
    credential.public_key = key.public.hex()
    credential.login_code_hash = hash_login_code(code)
    credential.checkin_token = new_checkin_token()
    credential.save(update_fields=["public_key", "login_code_hash", "checkin_token"])
    # A new unusable password changes the session hash: sessions of the old slip end.
    credential.user.set_unusable_password()
    credential.user.save(update_fields=["password"])
    audit(
        Actor(actor.user, role),
        "credential.reissue",
        credential,
        round=round,
        detail={
            "serial": credential.serial,
            "old_public_key": old_key,
            "public_key": credential.public_key,
        },
    )
    return IssuedSlip(credential, code, key.seed)


@transaction.atomic
def do_check_in(
    actor: Actor,
    round: Round,
    *,
    scanned: str | None = None,
    summons: Summons | None = None,
) -> CheckIn:
    """Record a summoned voter as present, from the slip's scanned door code or ticked on the
    roll. A second check-in of the same voter is refused with the time of the first."""
    role = ensure_role(actor, [Role.ORGANISER, Role.COMMITTEE], round=round)
    if round.status not in (RoundStatus.DRAFT, RoundStatus.CEREMONY, RoundStatus.OPEN):
        raise ActionError(_("Đợt đã đóng, không điểm danh được nữa."))
    if scanned is not None:
        token = parse_checkin_code(scanned)
        credential = (
            VoterCredential.objects.select_related("summons__person")
            .filter(round=round, checkin_token=token)
            .first()
        )
        if not token or credential is None:
            raise ActionError(_("Mã không hợp lệ hoặc không thuộc đợt này."), field="code")
        summons = credential.summons
        method = CheckInMethod.SCAN
    elif summons is not None:
        if summons.round_id != round.pk:
            raise ActionError(_("Người này không được triệu tập cho đợt này."))
        method = CheckInMethod.ROLL
    else:
        raise ActionError(_("Hãy quét mã hoặc chọn một người."), field="code")
    earlier = CheckIn.objects.filter(summons=summons).first()
    if earlier is not None:
        raise ActionError(
            _("%(name)s đã điểm danh lúc %(time)s.")
            % {
                "name": summons.person.full_name,
                "time": earlier.at.astimezone().strftime("%H:%M:%S"),
            },
            field="code",
        )
    checkin = CheckIn.objects.create(round=round, summons=summons, method=method, by=actor.user)
    audit(
        Actor(actor.user, role),
        "checkin",
        checkin,
        round=round,
        detail={"person": summons.person.external_id, "method": method},
    )
    return checkin
