"""Comment threads (results and reports): list, post, hide."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tinnhiem.web.actions import ActionError, do_hide_comment, do_post_comment, thread_open
from tinnhiem.web.actions.comments import COMMENTER_ROLES
from tinnhiem.web.forms import CommentForm, HideForm
from tinnhiem.web.lib.access import require_role
from tinnhiem.web.models import MAX_COMMENT_CHARS, Comment, Official, Role, Round
from tinnhiem.web.views.common import actor_for, add_action_error, scope_of

__all__ = ["comment_hide", "comment_post", "thread_context"]


def thread_context(
    request: HttpRequest, round_: Round, official: Official | None, form: CommentForm | None = None
) -> dict[str, Any]:
    """What ``web/_comments.html`` needs to show a thread and its form."""
    roles = scope_of(request).roles
    organiser = Role.ORGANISER in roles
    comments = Comment.objects.filter(round=round_, official=official).select_related("author")
    if not organiser:
        comments = comments.filter(hidden=False)
    return {
        "comments": comments,
        "comment_form": form or CommentForm(),
        "can_comment": bool(roles & set(COMMENTER_ROLES)) and thread_open(round_, official),
        "can_hide": organiser,
        "thread_round": round_,
        "thread_official": official,
        "max_chars": MAX_COMMENT_CHARS,
    }


@require_POST
@require_role(*COMMENTER_ROLES)
def comment_post(
    request: HttpRequest, round_id: int, official_id: int | None = None
) -> HttpResponse:
    round_ = scope_of(request).round
    assert round_ is not None
    official = get_object_or_404(Official, pk=official_id, round=round_) if official_id else None
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            do_post_comment(
                actor_for(request, *COMMENTER_ROLES),
                round_,
                form.cleaned_data["text"],
                official=official,
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            if official:
                return redirect("web:report", round_id=round_.pk, official_id=official.pk)
            return redirect("web:results", round_id=round_.pk)
    context: dict[str, Any] = {"round": round_, "official": official}
    context.update(thread_context(request, round_, official, form))
    return render(request, "web/comment_error.html", context, status=400)


@require_POST
@require_role(Role.ORGANISER)
def comment_hide(request: HttpRequest, round_id: int, comment_id: int) -> HttpResponse:
    round_ = scope_of(request).round
    comment = get_object_or_404(Comment, pk=comment_id, round=round_)
    form = HideForm(request.POST)
    form.is_valid()
    do_hide_comment(
        actor_for(request, Role.ORGANISER), comment, reason=form.cleaned_data.get("reason", "")
    )
    if comment.official_id:
        return redirect("web:report", round_id=comment.round_id, official_id=comment.official_id)
    return redirect("web:results", round_id=comment.round_id)
