"""Voter slips (issue and print) and check-in at the door (scan or roll) with the quorum."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from tinnhiem.web.actions import (
    ActionError,
    IssuedSlip,
    do_check_in,
    do_issue_credentials,
    do_reissue_credential,
)
from tinnhiem.web.forms import CheckInForm
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.quorum import quorum_of
from tinnhiem.web.lib.slips import (
    CHECKIN_PREFIX,
    booth_entry_path,
    booth_fragment,
    group_code,
    qr_svg,
)
from tinnhiem.web.models import CheckIn, Role, RoundStatus, Summons, VoterCredential
from tinnhiem.web.views.common import actor_for, add_action_error, scope_of

__all__ = ["checkin", "checkin_quorum", "credentials"]


def _slip_views(request: HttpRequest, issued: list[IssuedSlip]) -> list[dict[str, Any]]:
    """What ``web/slips.html`` shows for each slip: name, code and the two QR codes."""
    login_url = request.build_absolute_uri(booth_entry_path())
    return [
        {
            "slip": slip,
            "person": slip.credential.summons.person,
            "typed_code": booth_fragment(slip.login_code, slip.seed),
            "checkin_code": group_code(slip.credential.checkin_token),
            "booth_qr": qr_svg(
                f"{login_url}#{booth_fragment(slip.login_code, slip.seed)}", title="Bỏ phiếu / Vote"
            ),
            "checkin_qr": qr_svg(
                CHECKIN_PREFIX + slip.credential.checkin_token, title="Điểm danh / Check-in"
            ),
        }
        for slip in issued
    ]


@never_cache
@require_role(Role.ORGANISER)
def credentials(request: HttpRequest, round_id: int) -> HttpResponse:
    """GET: who has a credential. POST: issue the missing ones (or, with ``reissue``, replace
    one lost slip) and show the slips to print now, one per page; the codes cannot be
    shown again."""
    round_ = scope_of(request).round
    assert round_ is not None
    error = None
    if request.method == "POST":
        actor = actor_for(request, Role.ORGANISER)
        try:
            if "reissue" in request.POST:
                credential = get_object_or_404(
                    VoterCredential, pk=request.POST["reissue"], round=round_
                )
                issued = [do_reissue_credential(actor, credential)]
            else:
                issued = do_issue_credentials(actor, round_)
        except ActionError as exc:
            error = exc.message
        else:
            if issued:
                return render(
                    request,
                    "web/slips.html",
                    {
                        "round": round_,
                        "slips": _slip_views(request, issued),
                        "login_url": request.build_absolute_uri(booth_entry_path()),
                    },
                )
    return render(
        request,
        "web/credentials.html",
        {
            "round": round_,
            "error": error,
            "can_reissue": round_.status in (RoundStatus.DRAFT, RoundStatus.CEREMONY),
            "issued": VoterCredential.objects.filter(round=round_).select_related(
                "summons__person"
            ),
            "waiting": Summons.objects.filter(round=round_, credential__isnull=True).select_related(
                "person"
            ),
        },
        status=400 if error else 200,
    )


@require_role(Role.ORGANISER, Role.COMMITTEE, Role.OBSERVER)
def checkin(request: HttpRequest, round_id: int) -> HttpResponse:
    """The door: a field a USB scanner types the slip's code into, and the roll to tick."""
    round_ = scope_of(request).round
    assert round_ is not None
    form = CheckInForm(request.POST if "code" in request.POST else None)
    done = None
    status = 200
    if request.method == "POST":
        actor = actor_for(request, Role.ORGANISER, Role.COMMITTEE)
        try:
            if "summons" in request.POST:
                summons = get_object_or_404(Summons, pk=request.POST["summons"], round=round_)
                done = do_check_in(actor, round_, summons=summons)
            elif form.is_valid():
                done = do_check_in(actor, round_, scanned=form.cleaned_data["code"])
                form = CheckInForm()
            else:
                status = 400
        except ActionError as exc:
            add_action_error(form, exc)
            status = 400
    checked = {c.summons_id: c for c in CheckIn.objects.filter(round=round_)}
    roll = [
        (s, checked.get(s.pk))
        for s in Summons.objects.filter(round=round_).select_related("person")
    ]
    return render(
        request,
        "web/checkin.html",
        {
            "round": round_,
            "form": form,
            "done": done,
            "roll": roll,
            "quorum": quorum_of(round_),
            "can_check_in": bool(scope_of(request).roles & {Role.ORGANISER, Role.COMMITTEE}),
        },
        status=status,
    )


@require_role(Role.ORGANISER, Role.COMMITTEE, Role.OBSERVER)
def checkin_quorum(request: HttpRequest, round_id: int) -> HttpResponse:
    """The quorum box alone, for the page to refresh in place."""
    round_ = scope_of(request).round
    assert round_ is not None
    return render(request, "web/_quorum.html", {"quorum": quorum_of(round_)})
