"""The JSON API: role checks, content, the OpenAPI description, the board's chain."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from tinnhiem.ballots import BoardError
from tinnhiem.web.lib.poll_store import verify_chain
from tinnhiem.web.models import AppendOnlyError, BoardEntry, Result, Role
from tinnhiem.web.openapi import openapi_document
from web.board_helpers import post_entries

pytestmark = pytest.mark.django_db


def test_openapi_is_valid_3_1(client):
    validate(openapi_document("http://testserver/"))
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"] == "3.1.0"
    validate(doc)
    for path in (
        "/api/rounds",
        "/api/rounds/{round_id}",
        "/api/rounds/{round_id}/board",
        "/api/rounds/{round_id}/results",
    ):
        assert path in doc["paths"]


def test_api_needs_a_role(client, make_user, setup_round):
    assert client.get("/api/rounds").status_code == 403
    response = client.get(f"/api/rounds/{setup_round.pk}")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    stranger = make_user("stranger")
    client.force_login(stranger)
    assert client.get("/api/rounds").json() == {"rounds": []}
    assert client.get(f"/api/rounds/{setup_round.pk}").status_code == 403
    # The board's chain is public; its payloads need a role in the round.
    board = client.get(f"/api/rounds/{setup_round.pk}/board")
    assert board.status_code == 200 and "payload" not in str(board.json()["entries"])
    assert client.get(f"/api/rounds/{setup_round.pk}/board?payload=1").status_code == 403
    assert Client().get(f"/api/rounds/{setup_round.pk}/board?payload=1").status_code == 403


def test_round_detail_for_voter(client, make_user, grant_role, setup_round):
    voter = make_user("voter")
    grant_role(voter, Role.VOTER, round=setup_round)
    client.force_login(voter)
    listing = client.get("/api/rounds").json()
    assert [r["id"] for r in listing["rounds"]] == [setup_round.pk]
    data = client.get(reverse("web:api_round", args=[setup_round.pk])).json()
    assert data["rule_id"] == "qd96-2023"
    assert [o["order"] for o in data["officials"]] == [1, 2]
    assert data["quorum"] == {
        "present": 0,
        "summoned": 6,
        "required": "2/3",
        "inclusive": True,
        "met": False,
    }
    assert client.post(f"/api/rounds/{setup_round.pk}").status_code == 405


def test_board_chain_and_results(client, organiser, setup_round):
    post_entries(
        setup_round,
        [("note", {"n": i}, hashlib.sha256(str(i).encode()).digest()) for i in range(3)],
    )
    entries = list(BoardEntry.objects.filter(round=setup_round).order_by("seq"))
    head = verify_chain(entries)
    client.force_login(organiser)
    board = client.get(f"/api/rounds/{setup_round.pk}/board?payload=1").json()
    assert [e["seq"] for e in board["entries"]] == [0, 1, 2]
    assert board["head"] == head.hex()
    assert board["entries"][1]["payload"] == {"n": 1}
    with pytest.raises(AppendOnlyError):
        entries[0].delete()
    tampered = entries[1]
    tampered.payload_hash = "00" * 32
    with pytest.raises(BoardError) as caught:
        verify_chain(entries)
    assert caught.value.index == 1
    assert client.get(f"/api/rounds/{setup_round.pk}/results").status_code == 404
    Result.objects.create(round=setup_round, payload={"ok": 1}, published_at=timezone.now())
    results = client.get(f"/api/rounds/{setup_round.pk}/results").json()
    assert results["result"] == {"ok": 1}
