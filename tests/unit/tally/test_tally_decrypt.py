"""Aggregation and threshold decryption: any t of n, with a table reused for every sum."""

import pytest
from tally_helpers import manifest_for

from tinnhiem.ballots import Mark, cast_ballot, election_fingerprint
from tinnhiem.crypto import Context, CredentialKey, DecryptionError
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.tally import aggregate, committee_decrypt, decrypt_sums, run_ceremony


@pytest.fixture(scope="module")
def setup():
    manifest, _ = manifest_for("qd96-2023", officials=3, summoned=6)
    ceremony = run_ceremony(manifest)
    fp = election_fingerprint(manifest, ceremony.key.public_key.to_bytes())
    marks = [
        {"o1": Mark.HIGH, "o2": Mark.LOW},
        {"o1": Mark.HIGH, "o3": Mark.CONFIDENT},
        {"o1": Mark.LOW, "o2": Mark.LOW, "o3": Mark.HIGH},
    ]
    ballots = [
        cast_ballot(manifest, fp, ceremony.key.public_key, CredentialKey.generate(), m)
        for m in marks
    ]
    b = manifest.weight_base
    expected = [2 * b * b + 1, 2, b + b * b]
    return manifest, ceremony, Context(fp), ballots, expected


def test_aggregation_is_the_same_on_one_or_two_processes(setup):
    _, _, _, ballots, _ = setup
    assert aggregate(3, ballots, workers=1) == aggregate(3, ballots, workers=2)


@pytest.mark.parametrize("present", [(1, 2, 3), (2, 4, 5), (1, 3, 4, 5), (1, 2, 3, 4, 5)])
def test_any_t_members_decrypt(setup, present):
    manifest, ceremony, ctx, ballots, expected = setup
    aggs = aggregate(3, ballots)
    shares, sums = committee_decrypt(
        ctx,
        ceremony.key,
        [ceremony.member_shares[i] for i in present],
        aggs,
        bound=manifest.dlog_bound(3),
    )
    assert sums == expected
    assert sorted(shares) == list(present)


def test_two_members_are_not_enough(setup):
    manifest, ceremony, ctx, ballots, _ = setup
    aggs = aggregate(3, ballots)
    with pytest.raises(DecryptionError, match="at least t = 3"):
        committee_decrypt(
            ctx,
            ceremony.key,
            [ceremony.member_shares[i] for i in (1, 2)],
            aggs,
            bound=manifest.dlog_bound(3),
        )


def test_a_wrong_share_names_its_member(setup):
    manifest, ceremony, ctx, ballots, _ = setup
    aggs = aggregate(3, ballots)
    shares = {i: partial_decrypt(ctx, ceremony.member_shares[i], aggs) for i in (1, 2, 3)}
    # Member 2 answers with factors for other ciphertexts.
    shares[2] = partial_decrypt(ctx, ceremony.member_shares[2], list(reversed(aggs)))
    with pytest.raises(DecryptionError) as info:
        decrypt_sums(ctx, ceremony.key, aggs, shares, bound=manifest.dlog_bound(3))
    assert info.value.member == 2


def test_no_ballots_aggregate_to_the_identity():
    assert all(ct.alpha.is_identity() and ct.beta.is_identity() for ct in aggregate(3, []))
