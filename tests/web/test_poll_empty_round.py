"""A web round where nobody casts a ballot: closing and preparing the count tallies it at
once (the empty sum is never decrypted), every count is 0, and its record verifies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tinnhiem.crypto import Ciphertext, Context
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.record import verify_record
from tinnhiem.tally import is_empty_sum
from tinnhiem.web.actions import (
    ActionError,
    do_check_in,
    do_close_round,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
)
from tinnhiem.web.actions.poll import do_post_decryption_share
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.poll_round import engine_of, record_for
from tinnhiem.web.models import (
    AuditEntry,
    BoardEntry,
    CommitteeMember,
    Result,
    RoundStatus,
    Summons,
)
from web.ceremony_helpers import run_web_ceremony

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_empty(setup_round: Any, org_actor: Any) -> dict[str, Any]:
    """Ceremony, credentials, a quorum checked in, opened, and closed with no ballot."""
    round_ = setup_round
    do_start_ceremony(org_actor, round_)
    shares = run_web_ceremony(round_)
    round_.refresh_from_db()
    do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_)[:5]:
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()
    do_close_round(org_actor, round_)
    round_.refresh_from_db()
    return {"round": round_, "shares": shares}


def test_an_empty_round_is_tallied_when_it_closes(closed_empty, org_actor):
    round_ = closed_empty["round"]
    aggregates = [a.hex() for a in engine_of(round_).aggregates()]
    assert len(aggregates) == 2
    assert all(is_empty_sum(Ciphertext.from_hex(a, allow_identity=True)) for a in aggregates)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.TALLIED
    result = Result.objects.get(round=round_).payload
    assert result["returned"] == 0 and result["sums"] == [0, 0]
    for row in result["results"]:
        assert row["counts"] == {"high": 0, "confident": 0, "low": 0}
        assert row["returned"] == 0 and row["base"] == 0
        assert row["band"] is None and row["consequences"] == []
    decryption = BoardEntry.objects.get(round=round_, kind="decryption").payload
    assert decryption == {"present": [], "shares": [], "sums": [0, 0]}
    assert AuditEntry.objects.filter(action="tally.results", round=round_).exists()

    record = record_for(round_)
    report = verify_record(record, workers=1)
    assert (report.ballots, report.counted) == (0, 0)

    # No member may post a share for the empty sum.
    assert Result.objects.filter(round=round_).count() == 1
    seat = CommitteeMember.objects.get(round=round_, index=1)
    # (The crypto layer refuses to make one: an empty share is all a member could send.)
    share = partial_decrypt(
        Context(bytes.fromhex(round_.fingerprint)), closed_empty["shares"][1], []
    )
    with pytest.raises(ActionError):
        do_post_decryption_share(Actor(seat.user, "committee"), round_, share.to_dict())


def test_an_empty_round_through_the_committee_api(closed_empty, client):
    round_ = closed_empty["round"]
    seat = CommitteeMember.objects.get(round=round_, index=2)
    client.force_login(seat.user)
    answer = client.post(f"/api/rounds/{round_.pk}/aggregates")
    assert answer.status_code == 200, answer.content
    assert answer.json()["aggregates"] == ["00" * 64, "00" * 64]
    round_.refresh_from_db()
    assert round_.status == RoundStatus.TALLIED
    download = client.get(f"/rounds/{round_.pk}/record.json")
    assert download.status_code == 200
    assert client.get(f"/rounds/{round_.pk}/results/").status_code == 200
    refused = client.post(
        f"/api/rounds/{round_.pk}/decryption",
        data=json.dumps({"share": {"member": 2, "factors": [], "proofs": []}}),
        content_type="application/json",
    )
    assert refused.status_code == 409
