"""The JSON API of rounds: the list, one round, and the OpenAPI document that describes
every endpoint (``tinnhiem.web.openapi``). A round's board, results, booth and committee
endpoints live with their feature (``views/board.py``, ``results.py``, ``booth.py``,
``committee.py``), all under ``/api/rounds/<id>/``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse

from tinnhiem.web.lib.access import require_role, visible_rounds
from tinnhiem.web.lib.api import api_get
from tinnhiem.web.lib.quorum import quorum_of
from tinnhiem.web.models import Official, Role, Round, VoterCredential
from tinnhiem.web.openapi import openapi_document
from tinnhiem.web.views.common import scope_of

__all__ = ["iso", "openapi", "round_detail", "round_list", "round_summary"]


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def round_summary(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.pk,
        "body": {"id": round_.body_id, "code": round_.body.code, "name": round_.body.name},
        "title": round_.title,
        "kind": round_.kind,
        "rule_id": round_.rule_id,
        "status": round_.status,
        "schedule": {
            "report_deadline": iso(round_.report_deadline),
            "opens_at": iso(round_.opens_at),
            "closes_at": iso(round_.closes_at),
        },
        "threshold": round_.threshold,
        "committee_size": round_.committee_size,
    }


def _round(request: HttpRequest) -> Round:
    round_ = scope_of(request).round
    assert round_ is not None
    return round_


@api_get
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(request.build_absolute_uri("/")))


@api_get
def round_list(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": "forbidden", "detail": "login required"}, status=403)
    rounds = visible_rounds(request.user).order_by("id")
    return JsonResponse({"rounds": [round_summary(r) for r in rounds]})


@api_get
@require_role(*Role)
def round_detail(request: HttpRequest, round_id: int) -> JsonResponse:
    round_ = _round(request)
    quorum = quorum_of(round_)
    officials = Official.objects.filter(round=round_).select_related("person", "report")
    data = round_summary(round_) | {
        "officials": [
            {
                "id": o.pk,
                "name": o.person.full_name,
                "post": o.post,
                "order": o.order,
                "exempt": o.exempt,
                "exempt_reason": o.exempt_reason,
                "report_published": bool(getattr(o, "report", None) and o.report.published_at),
            }
            for o in officials
        ],
        "quorum": {
            "present": quorum.present,
            "summoned": quorum.summoned,
            "required": str(quorum.required) if quorum.required is not None else None,
            "inclusive": quorum.inclusive,
            "met": quorum.met,
        },
        "credentials_issued": VoterCredential.objects.filter(round=round_).count(),
        "public_key": round_.public_key,
    }
    return JsonResponse(data)
