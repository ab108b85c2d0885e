"""A round's pages: overview, setup (officials, exemptions, summons, committee, schedule)
and status changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tinnhiem.web.actions import (
    ActionError,
    do_add_committee_member,
    do_add_official,
    do_close_round,
    do_create_round,
    do_ensure_account,
    do_open_round,
    do_remove_official,
    do_set_exemption,
    do_start_ceremony,
    do_summon,
    do_update_round,
)
from tinnhiem.web.forms import CommitteeForm, ExemptionForm, OfficialForm, RoundForm
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.lib.quorum import quorum_of
from tinnhiem.web.lib.rules import builtin_rule, rule_title
from tinnhiem.web.models import (
    CheckIn,
    CommitteeMember,
    Official,
    Person,
    Role,
    Round,
    SelfReport,
    Summons,
)
from tinnhiem.web.views.common import actor_for, add_action_error, scope_of

__all__ = [
    "official_exempt",
    "official_remove",
    "officials_add",
    "round_committee",
    "round_create",
    "round_detail",
    "round_edit",
    "round_status",
    "round_summon",
]

ALL_ROLES = tuple(Role)


def _round(request: HttpRequest) -> Round:
    round_ = scope_of(request).round
    assert round_ is not None
    return round_


@require_role(Role.ORGANISER)
def round_create(request: HttpRequest, body_id: int) -> HttpResponse:
    body = scope_of(request).body
    assert body is not None
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = do_create_round(actor_for(request, Role.ORGANISER), body, **form.cleaned_data)
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            return redirect("web:round", round_id=round_.pk)
    return render(
        request,
        "web/round_form.html",
        {"form": form, "body": body},
        status=400 if form.errors else 200,
    )


@require_role(Role.ORGANISER)
def round_edit(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(request)
    fields = [
        "title",
        "kind",
        "rule_id",
        "threshold",
        "committee_size",
        "report_deadline",
        "opens_at",
        "closes_at",
        "revote",
    ]
    form = RoundForm(request.POST or None, initial={f: getattr(round_, f) for f in fields})
    form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        try:
            do_update_round(actor_for(request, Role.ORGANISER), round_, **data)
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            return redirect("web:round", round_id=round_.pk)
    return render(
        request,
        "web/round_form.html",
        {"form": form, "round": round_, "body": round_.body},
        status=400 if form.errors else 200,
    )


@require_role(*ALL_ROLES)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's overview; organisers also see the setup forms."""
    round_ = _round(request)
    roles = scope_of(request).roles
    organiser = Role.ORGANISER in roles
    rule = builtin_rule(round_.rule_id)
    officials = Official.objects.filter(round=round_).select_related("person", "report")
    # Every voter lands here after the slip login: a hall of 500 must not each load 500
    # summons; only the organiser's forms need the list itself.
    summoned = Summons.objects.filter(round=round_).select_related("person")
    context: dict[str, Any] = {
        "round": round_,
        "roles": roles,
        "organiser": organiser,
        "rule": rule,
        "rule_title": rule_title(rule) if rule else round_.rule_id,
        "officials": officials,
        "reports": {r.official_id: r for r in SelfReport.objects.filter(official__round=round_)},
        "summoned_count": summoned.count(),
        "checked_in": CheckIn.objects.filter(round=round_).count(),
        "quorum": quorum_of(round_),
        "committee": CommitteeMember.objects.seated(round_).select_related("user"),
        # The rule's own exemption grounds, offered as suggestions for the reason field.
        "exemption_reasons": [
            e.reason_en if str(request.LANGUAGE_CODE).startswith("en") else e.reason_vi
            for e in (rule.exemptions if rule else ())
        ],
    }
    if organiser:
        summoned_ids = {s.person_id for s in summoned}
        people = Person.objects.filter(body=round_.body)
        on_ballot = {o.person_id for o in officials}
        in_committee = {m.user_id for m in context["committee"]}
        context.update(
            {
                "people": people,
                # a person is offered only where they are not yet
                "official_candidates": [p for p in people if p.pk not in on_ballot],
                "committee_candidates": [
                    p for p in people if p.user_id is None or p.user_id not in in_committee
                ],
                "committee_full": len(in_committee) >= round_.committee_size,
                "not_summoned": [p for p in people if p.pk not in summoned_ids],
                "summoned": summoned,
                "official_form": OfficialForm(),
                "committee_form": CommitteeForm(),
            }
        )
    return render(request, "web/round.html", context)


def _run(request: HttpRequest, round_: Round, action: Callable[[], Any], done: str) -> HttpResponse:
    """Run one action; its refusal becomes an error message on the round page."""
    try:
        action()
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("web:round", round_id=round_.pk)


@require_POST
@require_role(Role.ORGANISER)
def officials_add(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(request)
    form = OfficialForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn người và nhập chức vụ."))
        return redirect("web:round", round_id=round_.pk)
    person = get_object_or_404(Person, pk=form.cleaned_data["person"], body=round_.body)
    # an empty post takes the one on the roster
    post = form.cleaned_data["post"] or person.position
    if not post:
        messages.error(request, _("Hãy nhập chức vụ."))
        return redirect("web:round", round_id=round_.pk)
    return _run(
        request,
        round_,
        lambda: do_add_official(
            actor_for(request, Role.ORGANISER),
            round_,
            person,
            post=post,
            order=form.cleaned_data["order"],
        ),
        _("Đã thêm người được lấy phiếu."),
    )


def _official(round_: Round, official_id: int) -> Official:
    return get_object_or_404(Official, pk=official_id, round=round_)


@require_POST
@require_role(Role.ORGANISER)
def official_remove(request: HttpRequest, round_id: int, official_id: int) -> HttpResponse:
    round_ = _round(request)
    official = _official(round_, official_id)
    return _run(
        request,
        round_,
        lambda: do_remove_official(actor_for(request, Role.ORGANISER), official),
        _("Đã bỏ khỏi danh sách."),
    )


@require_POST
@require_role(Role.ORGANISER)
def official_exempt(request: HttpRequest, round_id: int, official_id: int) -> HttpResponse:
    round_ = _round(request)
    official = _official(round_, official_id)
    form = ExemptionForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    return _run(
        request,
        round_,
        lambda: do_set_exemption(
            actor_for(request, Role.ORGANISER),
            official,
            exempt=bool(data.get("exempt")),
            reason=data.get("reason", ""),
        ),
        _("Đã cập nhật miễn lấy phiếu."),
    )


@require_POST
@require_role(Role.ORGANISER)
def round_summon(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = _round(request)
    people = Person.objects.filter(body=round_.body)
    if request.POST.get("all") != "1":
        ids = [int(x) for x in request.POST.getlist("people") if x.isdigit()]
        people = people.filter(pk__in=ids)
    return _run(
        request,
        round_,
        lambda: do_summon(actor_for(request, Role.ORGANISER), round_, people),
        _("Đã cập nhật danh sách triệu tập."),
    )


@require_POST
@require_role(Role.ORGANISER)
def round_committee(request: HttpRequest, round_id: int) -> HttpResponse:
    """Seat a roster person on the committee, making them a login when they have none (its
    one-time password is shown once)."""
    round_ = _round(request)
    form = CommitteeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một người."))
        return redirect("web:round", round_id=round_.pk)
    person = get_object_or_404(Person, pk=form.cleaned_data["person"], body=round_.body)
    actor = actor_for(request, Role.ORGANISER)

    def seat() -> None:
        account = do_ensure_account(actor, person)
        do_add_committee_member(actor, round_, account.user)
        if account.password:
            messages.warning(
                request,
                _(
                    "Tài khoản mới: %(user)s / mật khẩu: %(pw)s — chỉ hiện một lần, hãy trao "
                    "tận tay."
                )
                % {"user": account.user.username, "pw": account.password},
            )

    return _run(request, round_, seat, _("Đã thêm thành viên Ban kiểm phiếu."))


_STATUS_ACTIONS = {
    "ceremony": (do_start_ceremony, gettext_lazy("Đã chuyển sang bước tạo khóa.")),
    "open": (do_open_round, gettext_lazy("Đã mở bỏ phiếu.")),
    "close": (do_close_round, gettext_lazy("Đã đóng bỏ phiếu.")),
}


@require_POST
@require_role(Role.ORGANISER)
def round_status(request: HttpRequest, round_id: int, change: str) -> HttpResponse:
    round_ = _round(request)
    if change not in _STATUS_ACTIONS:
        raise Http404(change)
    action, done = _STATUS_ACTIONS[change]
    return _run(
        request, round_, lambda: action(actor_for(request, Role.ORGANISER), round_), str(done)
    )
