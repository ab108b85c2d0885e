"""Casting under pressure: a ballot sent twice gets its receipt again, a busy database
gets a short retry and then a JSON 503 with Retry-After, never a 500 or an HTML page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import OperationalError
from django.urls import reverse

from tinnhiem.ballots import Mark
from tinnhiem.crypto import CredentialKey, Point
from tinnhiem.web.actions import poll as poll_actions
from tinnhiem.web.lib.poll_round import engine_of
from tinnhiem.web.models import Ballot as BallotModel
from tinnhiem.web.models import BoardEntry
from web.poll_drive import sealed_ballot
from web.test_poll_regressions import _opened

pytestmark = pytest.mark.django_db


def _ballot(opened: dict[str, Any], slip: Any) -> Any:
    round_ = opened["round"]
    return sealed_ballot(
        engine_of(round_).manifest,
        bytes.fromhex(round_.fingerprint),
        Point.from_hex(round_.public_key),
        CredentialKey.from_seed(slip.seed),
        {"P1": Mark.HIGH},
    )[0]


def _post(client: Any, round_: Any, ballot: Any) -> Any:
    return client.post(
        reverse("web:poll_api_cast", args=[round_.pk]),
        data=json.dumps({"ballot": ballot.to_json()}),
        content_type="application/json",
    )


def test_a_ballot_sent_twice_gets_the_same_receipt(setup_round, org_actor, client) -> None:
    opened = _opened(org_actor, setup_round)
    slip = opened["slips"][0]
    client.force_login(slip.credential.user)
    ballot = _ballot(opened, slip)
    first = _post(client, setup_round, ballot)
    assert first.status_code == 201 and first.json()["repeated"] is False
    entries = BoardEntry.objects.filter(round=setup_round).count()
    again = _post(client, setup_round, ballot)
    assert again.status_code == 200 and again.json()["repeated"] is True
    assert again.json()["tracker"] == first.json()["tracker"]
    assert again.json()["board_index"] == first.json()["board_index"]
    assert BoardEntry.objects.filter(round=setup_round).count() == entries
    assert BallotModel.objects.filter(round=setup_round).count() == 1


def test_a_busy_database_is_retried_then_answered_503(
    setup_round, org_actor, client, monkeypatch
) -> None:
    opened = _opened(org_actor, setup_round)
    monkeypatch.setattr(poll_actions.time, "sleep", lambda seconds: None)
    real_accept = poll_actions._accept
    calls = {"n": 0}

    def locked_twice(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= 2:
            raise OperationalError("database is locked")
        return real_accept(*args, **kwargs)

    monkeypatch.setattr(poll_actions, "_accept", locked_twice)
    slip = opened["slips"][0]
    client.force_login(slip.credential.user)
    answer = _post(client, setup_round, _ballot(opened, slip))
    assert answer.status_code == 201 and calls["n"] == 3

    def always_locked(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(poll_actions, "_accept", always_locked)
    slip = opened["slips"][1]
    client.force_login(slip.credential.user)
    before = BallotModel.objects.filter(round=setup_round).count()
    answer = _post(client, setup_round, _ballot(opened, slip))
    assert answer.status_code == 503
    assert answer["Content-Type"] == "application/json" and answer["Retry-After"] == "2"
    assert answer.json()["error"] == "busy"
    assert BallotModel.objects.filter(round=setup_round).count() == before
