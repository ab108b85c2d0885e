"""Per-official results from decrypted sums, with the rule applied exactly."""

import pytest
from tally_helpers import manifest_for

from tinnhiem.errors import InputError
from tinnhiem.tally import compute_results


def _poll_sum(base, high, confident, low):
    return high * base * base + confident * base + low


def test_vinh_phuc_2023_chair_is_in_the_first_band():
    # 47 ballots returned: 19 high, 2 confident, 25 low, 1 blank -> 25/47 = 53.19 % low.
    manifest, source = manifest_for("nq96-2023", officials=1, summoned=47)
    (r,) = compute_results(
        manifest, source.rule, [_poll_sum(48, 19, 2, 25)], issued=47, returned=47
    )
    assert r.counts == {"high": 19, "confident": 2, "low": 25}
    assert r.blank == 1 and r.valid == 46
    assert r.percentages["low"] == "53.19"
    out = r.to_json()
    assert out["band"] is not None and out["consequences"]
    assert out["base"] == 47


def test_members_base_under_nq85():
    # NA October 2018: base 485 deputies, 437 high, 34 confident, 4 low.
    manifest, source = manifest_for("nq85-2014", officials=1, summoned=485, members=485)
    (r,) = compute_results(
        manifest, source.rule, [_poll_sum(486, 437, 34, 4)], issued=480, returned=476
    )
    assert r.percentages == {"high": "90.10", "confident": "7.01", "low": "0.82"}
    assert r.outcome.base == 485


def test_quorum_not_met_under_qd96():
    manifest, source = manifest_for("qd96-2023", officials=1, summoned=30)
    (r,) = compute_results(manifest, source.rule, [_poll_sum(31, 0, 0, 19)], issued=19, returned=19)
    assert r.to_json()["quorum"] == "not_met" and r.outcome.band is None


def test_formal_vote_counts():
    manifest, source = manifest_for("nq96-2023-formal", officials=2, summoned=10)
    base = 11
    results = compute_results(
        manifest, source.rule, [4 * base + 6, 5 * base + 5], issued=10, returned=10
    )
    assert results[0].counts == {"confidence": 4, "no_confidence": 6}
    assert results[0].outcome.band is not None
    assert results[1].outcome.band is None  # exactly half is not "more than half"


def test_the_rule_must_be_the_rounds():
    manifest, _ = manifest_for("qd96-2023")
    _, other = manifest_for("nq96-2023")
    with pytest.raises(InputError, match="not the round's rule"):
        compute_results(manifest, other.rule, [0, 0], issued=1, returned=1)


def test_rule_source_digest_and_text():
    _, source = manifest_for("qd96-2023")
    assert source.digest.startswith("sha256:") and len(source.digest) == 71
    from tinnhiem.tally import RuleSource

    again = RuleSource.from_text(source.text)
    assert again.rule.id == "qd96-2023" and again.digest == source.digest
    with pytest.raises(InputError, match="not TOML"):
        RuleSource.from_text("id = ")
