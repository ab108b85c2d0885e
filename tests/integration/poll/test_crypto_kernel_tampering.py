"""Every alteration of the tamper suite (test_poll_mutations.py) is still refused, and named
at the same place, with the verification kernel on and with it forced off; so are
encodings with bit 255 set, which libsodium 1.0.18 would take for the same point.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from poll_helpers import reseal, with_row
from test_poll_mutations import CASES, _matches

from tinnhiem.ballots import verify_ballot, verify_ballots
from tinnhiem.crypto import _kernel
from tinnhiem.crypto.dkg import CommitteeKey
from tinnhiem.record import ElectionRecord, RecordInvalid, verify_record


@pytest.fixture(params=["kernel", "libsodium"])
def path(request: pytest.FixtureRequest):
    if request.param == "kernel":
        if not _kernel.available():
            pytest.fail("the verification kernel is not built (scripts/setup.sh)")
        if not _kernel.enabled():
            pytest.skip("TINNHIEM_KERNEL=off")
        yield "kernel"
    else:
        with _kernel.disabled():
            yield "libsodium"


def _where(record: ElectionRecord) -> str:
    with pytest.raises(RecordInvalid) as info:
        verify_record(record, workers=1)
    return info.value.where or ""


def _bit_255(data: bytes, at: int) -> bytes:
    """``data`` with bit 255 of the 32-byte encoding starting at ``at`` set."""
    out = bytearray(data)
    out[at + 31] |= 0x80
    return bytes(out)


def test_the_untouched_record_verifies(small_poll, path):
    verify_record(small_poll.record(), workers=1)


@pytest.mark.parametrize(("name", "mutate", "plain", "sealed"), CASES, ids=[c[0] for c in CASES])
def test_each_alteration_is_named_on_both_paths(small_poll, path, name, mutate, plain, sealed):
    record = small_poll.record()
    assert _matches(_where(mutate(record)), plain), name
    if sealed is not None:
        forged = reseal(mutate(record), small_poll.keys)
        assert _matches(_where(forged), sealed), name


@pytest.mark.parametrize(
    ("ballot", "row", "field", "at"),
    [
        (3, 2, "ciphertext", 0),  # α
        (5, 0, "ciphertext", 32),  # β
        (7, 4, "proof", 0),  # A_1
        (8, 1, "proof", 128 + 32),  # B_2
    ],
)
def test_bit_255_in_a_row_is_refused_on_both_paths(small_poll, path, ballot, row, field, at):
    record = small_poll.record()
    current = getattr(record.ballots[ballot].ballot.rows[row], field)
    forged = reseal(
        with_row(record, ballot, row, **{field: _bit_255(current, at)}), small_poll.keys
    )
    assert _where(forged).startswith(f"ballots[{ballot}].rows[{row}]")


def test_bit_255_in_an_aggregate_is_refused_on_both_paths(small_poll, path):
    record = small_poll.record()
    aggs = list(record.aggregates)
    aggs[1] = _bit_255(aggs[1], 32)
    forged = reseal(replace(record, aggregates=tuple(aggs)), small_poll.keys)
    assert _where(forged).startswith("aggregates[1]")


def test_bit_255_in_a_decryption_factor_is_refused_on_both_paths(small_poll, path):
    record = small_poll.record()
    d = json.loads(json.dumps(record.decryption))
    factor = bytes.fromhex(d["shares"][0]["factors"][1])
    d["shares"][0]["factors"][1] = _bit_255(factor, 0).hex()
    forged = reseal(replace(record, decryption=d), small_poll.keys)
    assert _where(forged).startswith("decryption")


def test_verify_ballots_names_what_verify_ballot_names(small_poll, path):
    """The cross-ballot batch gives each ballot verify_ballot's own verdict."""
    record = small_poll.record()
    manifest, fp = record.manifest, record.fingerprint
    public = CommitteeKey.from_dict(record.committee["key"]).public_key
    forged = reseal(
        with_row(
            record, 4, 1, ciphertext=_bit_255(record.ballots[4].ballot.rows[1].ciphertext, 32)
        ),
        small_poll.keys,
    )
    ballots = [rb.ballot for rb in forged.ballots]
    bad_proof = bytearray(ballots[9].rows[3].proof)
    bad_proof[100] ^= 1  # branch 1's s
    rows = list(ballots[9].rows)
    rows[3] = replace(rows[3], proof=bytes(bad_proof))
    ballots[9] = replace(ballots[9], rows=tuple(rows))  # its signature no longer matches
    verdicts = verify_ballots(manifest, fp, public, ballots)
    for i, (ballot, verdict) in enumerate(zip(ballots, verdicts, strict=True)):
        try:
            verify_ballot(manifest, fp, public, ballot)
        except Exception as exc:
            assert verdict is not None, i
            assert (verdict.reason, verdict.row, str(verdict)) == (exc.reason, exc.row, str(exc))
        else:
            assert verdict is None, i
    assert [i for i, v in enumerate(verdicts) if v is not None] == [4, 9]
    assert verdicts[4].row == 1
    assert verdicts[9].reason == "bad_signature"
