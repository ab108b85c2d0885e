"""The empty round (no ballot counted): the empty-sum rule, decryption without shares, and
results with every count 0 and no band."""

import pytest
from tally_helpers import manifest_for

from tinnhiem.ballots import Mark, cast_ballot, election_fingerprint
from tinnhiem.crypto import Ciphertext, Context, CredentialKey, DecryptionError, Point, Scalar
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.errors import InputError
from tinnhiem.tally import (
    EmptySumError,
    aggregate,
    check_empty_sums,
    committee_decrypt,
    compute_results,
    decrypt_sums,
    is_empty_sum,
    run_ceremony,
)

EMPTY = Ciphertext.zero()
G = Point.base_mul(Scalar.from_int(1))


@pytest.fixture(scope="module")
def setup():
    manifest, source = manifest_for("qd96-2023", officials=2, summoned=6)
    ceremony = run_ceremony(manifest)
    fp = election_fingerprint(manifest, ceremony.key.public_key.to_bytes())
    ballot = cast_ballot(
        manifest, fp, ceremony.key.public_key, CredentialKey.generate(), {"o1": Mark.HIGH}
    )
    return manifest, source, ceremony, Context(fp), aggregate(2, [ballot])


def test_no_ballot_aggregates_to_the_empty_sum():
    sums = aggregate(3, [])
    assert len(sums) == 3 and all(is_empty_sum(s) for s in sums)
    assert all(s.to_bytes() == bytes(64) for s in sums)


def test_the_rule_accepts_the_empty_round_and_real_sums(setup):
    *_, real = setup
    assert check_empty_sums([EMPTY, EMPTY], counted=0) is True
    assert check_empty_sums(real, counted=1) is False
    assert not any(is_empty_sum(a) for a in real)


def test_alpha_identity_with_beta_not_identity_is_refused(setup):
    *_, real = setup
    forged = Ciphertext(Point.identity(), G)
    for counted, cts in ((0, [EMPTY, forged]), (1, [real[0], forged])):
        with pytest.raises(EmptySumError, match="α is the identity but β is not") as info:
            check_empty_sums(cts, counted=counted)
        assert info.value.where == "aggregates[1]"


def test_the_empty_sum_is_refused_when_ballots_were_counted(setup):
    *_, real = setup
    with pytest.raises(EmptySumError, match="1 ballot") as info:
        check_empty_sums([real[0], EMPTY], counted=1)
    assert info.value.where == "aggregates[1]"
    # An honest-looking empty sum cannot stand in for every column either.
    with pytest.raises(EmptySumError) as info:
        check_empty_sums([EMPTY, EMPTY], counted=4)
    assert info.value.where == "aggregates[0]"


def test_a_real_sum_is_refused_when_no_ballot_was_counted(setup):
    *_, real = setup
    with pytest.raises(EmptySumError, match="must be the empty sum") as info:
        check_empty_sums([EMPTY, real[1]], counted=0)
    assert info.value.where == "aggregates[1]"


@pytest.mark.parametrize("counted", [-1, True, "0"])
def test_the_count_must_be_a_count(counted):
    with pytest.raises(InputError, match="not a count"):
        check_empty_sums([EMPTY], counted=counted)


def test_the_empty_round_decrypts_to_zeros_without_shares(setup):
    manifest, _, ceremony, ctx, _ = setup
    empty = aggregate(2, [])
    present = [ceremony.member_shares[i] for i in (1, 2, 3)]
    shares, sums = committee_decrypt(
        ctx, ceremony.key, present, empty, bound=manifest.dlog_bound(0), counted=0
    )
    assert shares == {} and sums == [0, 0]
    # No member is needed at all.
    assert committee_decrypt(ctx, ceremony.key, [], empty, bound=0, counted=0) == ({}, [0, 0])
    assert decrypt_sums(ctx, ceremony.key, empty, {}, bound=0, counted=0) == [0, 0]
    assert decrypt_sums(ctx, ceremony.key, empty, {}, bound=0) == [0, 0]


def test_no_share_is_accepted_for_the_empty_sum(setup):
    _, _, ceremony, ctx, real = setup
    # A member cannot even make one: the crypto layer refuses α = identity.
    with pytest.raises(DecryptionError, match="α = identity"):
        partial_decrypt(ctx, ceremony.member_shares[1], aggregate(2, []))
    # A share made for other ciphertexts, offered for the empty sums, is refused.
    shares = {i: partial_decrypt(ctx, ceremony.member_shares[i], real) for i in (1, 2, 3)}
    with pytest.raises(DecryptionError, match="no decryption share is accepted"):
        decrypt_sums(ctx, ceremony.key, aggregate(2, []), shares, bound=0, counted=0)


def test_decrypting_a_real_sum_still_needs_the_committee(setup):
    manifest, _, ceremony, ctx, real = setup
    with pytest.raises(DecryptionError, match="at least t = 3"):
        decrypt_sums(ctx, ceremony.key, real, {}, bound=manifest.dlog_bound(1), counted=1)
    with pytest.raises(EmptySumError):
        decrypt_sums(ctx, ceremony.key, [real[0], EMPTY], {}, bound=1, counted=1)


def test_results_of_the_empty_round_are_zero_with_quorum_not_met(setup):
    manifest, source, *_ = setup
    # 2 of 6 summoned present: QĐ 96 needs 2/3.
    results = compute_results(manifest, source.rule, [0, 0], issued=2, returned=0)
    for r in results:
        data = r.to_json()
        assert data["counts"] == {"high": 0, "confident": 0, "low": 0}
        assert (data["returned"], data["valid"], data["blank"], data["base"]) == (0, 0, 0, 0)
        assert data["percentages"] == {"high": "0.00", "confident": "0.00", "low": "0.00"}
        assert data["quorum"] == "not_met"
        assert data["band"] is None and data["consequences"] == []
        assert data["formal_vote"] == "none"
        assert any("no ballot was counted" in n for n in r.outcome.notes)


def test_results_of_the_empty_round_with_quorum_met_have_no_band(setup):
    manifest, source, *_ = setup
    results = compute_results(manifest, source.rule, [0, 0], issued=6, returned=0)
    assert [r.to_json()["quorum"] for r in results] == ["met", "met"]
    assert all(r.outcome.band is None and not r.outcome.consequences for r in results)


def test_results_of_an_empty_formal_vote():
    manifest, source = manifest_for("nq96-2023-formal", officials=1, summoned=6)
    (result,) = compute_results(manifest, source.rule, [0], issued=0, returned=0)
    assert result.to_json()["counts"] == {"confidence": 0, "no_confidence": 0}
    assert result.to_json()["quorum"] == "not_required"  # NQ 96 sets no quorum of its own
    assert result.outcome.band is None


def test_an_empty_round_with_a_nonzero_sum_does_not_unpack(setup):
    manifest, source, *_ = setup
    with pytest.raises(InputError, match="marks for 0 ballots"):
        compute_results(manifest, source.rule, [1, 0], issued=2, returned=0)
