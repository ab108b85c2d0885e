"""Key ceremony (with cheating members named) and threshold decryption."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import replace

import pytest

from tinnhiem.crypto import (
    Ciphertext,
    Context,
    DecryptionError,
    DkgError,
    DlogTable,
    Point,
    Scalar,
    encrypt,
    prove_knowledge,
    seal,
)
from tinnhiem.crypto.dkg import (
    CommitMessage,
    CommitteeKey,
    DkgMember,
    MemberShare,
    RevealMessage,
    commitment_digest,
    verify_ceremony,
)
from tinnhiem.crypto.threshold import (
    DecryptionShare,
    combine,
    lagrange_at_zero,
    partial_decrypt,
    verify_decryption_share,
)

CTX = Context(hashlib.sha256(b"dkg test").digest())
T, N = 3, 5


def _ceremony(
    t: int = T, n: int = N
) -> tuple[list[DkgMember], dict[int, CommitMessage], dict[int, RevealMessage]]:
    members = [DkgMember(CTX, i, t, n) for i in range(1, n + 1)]
    commits = {m.index: m.commit() for m in members}
    reveals = {m.index: m.reveal(commits) for m in members}
    return members, commits, reveals


@pytest.fixture(scope="module")
def committee() -> tuple[CommitteeKey, dict[int, MemberShare]]:
    members, commits, reveals = _ceremony()
    results = [m.finish(reveals) for m in members]
    key = results[0][0]
    assert all(r[0] == key for r in results)
    assert verify_ceremony(CTX, T, N, commits, reveals) == key
    return key, {share.index: share for _, share in results}


def test_ceremony_produces_consistent_key(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, shares = committee
    assert (key.t, key.n) == (T, N)
    for i, share in shares.items():
        assert Point.base_mul(share.secret) == key.verification_keys[i]
    # Any t shares interpolate to the joint secret.
    for subset in itertools.combinations(shares, T):
        lam = lagrange_at_zero(list(subset))
        secret = Scalar.from_int(0)
        for i in subset:
            secret = secret + lam[i] * shares[i].secret
        assert Point.base_mul(secret) == key.public_key


def test_messages_round_trip_through_dicts() -> None:
    members, commits, reveals = _ceremony(2, 3)
    commits2 = {i: CommitMessage.from_dict(c.to_dict()) for i, c in commits.items()}
    reveals2 = {i: RevealMessage.from_dict(r.to_dict()) for i, r in reveals.items()}
    assert commits2 == commits
    assert {i: r.to_dict() for i, r in reveals2.items()} == {
        i: r.to_dict() for i, r in reveals.items()
    }
    key, share = members[0].finish(reveals2)
    assert CommitteeKey.from_dict(key.to_dict()) == key
    assert MemberShare.from_bytes(share.to_bytes()) == share


def test_member_state_survives_between_rounds() -> None:
    members = [DkgMember(CTX, i, 2, 3) for i in range(1, 4)]
    commits = {m.index: m.commit() for m in members}
    # Member 2 is an offline laptop: saved after commit, resumed, saved after reveal.
    resumed = DkgMember.from_state(members[1].to_state())
    assert resumed.commit() == commits[2]
    reveals = {m.index: m.reveal(commits) for m in (members[0], resumed, members[2])}
    resumed = DkgMember.from_state(resumed.to_state())
    key, share = resumed.finish(reveals)
    assert key == members[0].finish(reveals)[0]
    assert Point.base_mul(share.secret) == key.verification_keys[2]


def test_bad_share_names_the_dealer() -> None:
    members, _commits, reveals = _ceremony()
    cheat = reveals[2]
    # Dealer 2 sends member 4 a share off its polynomial (right format, wrong value).
    wrong = (
        b"TNDKG1" + (2).to_bytes(4, "big") + (4).to_bytes(4, "big") + Scalar.from_int(7).to_bytes()
    )
    shares = dict(cheat.shares)
    shares[4] = seal(members[3].box_keys.public, wrong)
    reveals[2] = replace(cheat, shares=shares)
    with pytest.raises(DkgError) as err:
        members[3].finish(reveals)
    assert err.value.member == 2
    assert "commitments" in str(err.value)
    # Members who got good shares from 2 complete.
    members[0].finish(reveals)


def test_unopenable_share_names_the_dealer() -> None:
    members, _commits, reveals = _ceremony()
    shares = dict(reveals[5].shares)
    shares[1] = b"\x00" * 80
    reveals[5] = replace(reveals[5], shares=shares)
    with pytest.raises(DkgError) as err:
        members[0].finish(reveals)
    assert err.value.member == 5


def test_reveal_not_matching_commit_names_the_member() -> None:
    members, commits, reveals = _ceremony()
    # Member 3 reveals different commitments from those it committed to.
    other = DkgMember(CTX, 3, T, N, box_keys=members[2].box_keys)
    reveals[3] = other.reveal(commits | {3: other.commit()})
    with pytest.raises(DkgError) as err:
        members[0].finish(reveals)
    assert err.value.member == 3
    with pytest.raises(DkgError) as err:
        verify_ceremony(CTX, T, N, commits, reveals)
    assert err.value.member == 3


def test_bad_proof_of_constant_term_names_the_member() -> None:
    members, _commits, reveals = _ceremony()
    stolen = prove_knowledge(CTX, Scalar.from_int(99), binding=b"x")
    reveals[4] = replace(reveals[4], proof=stolen)
    with pytest.raises(DkgError) as err:
        members[0].finish(reveals)
    assert err.value.member == 4
    assert "proof" in str(err.value)


def test_rogue_commitment_without_commit_phase_is_caught() -> None:
    _members, commits, reveals = _ceremony()
    # Member 1 changes its committed hash after seeing others (commit ≠ reveal).
    commits_forged = dict(commits)
    commits_forged[1] = CommitMessage(1, commits[1].box_public, bytes(64))
    with pytest.raises(DkgError) as err:
        verify_ceremony(CTX, T, N, commits_forged, reveals)
    assert err.value.member == 1
    assert (
        commitment_digest(CTX, 1, T, N, commits[1].box_public, reveals[1].commitments)
        == commits[1].digest
    )


def test_missing_commit_or_reveal_is_named() -> None:
    members, commits, reveals = _ceremony()
    partial = {i: c for i, c in commits.items() if i != 5}
    with pytest.raises(DkgError) as err:
        members[0].reveal(partial)
    assert err.value.member == 5
    del reveals[2]
    with pytest.raises(DkgError) as err:
        members[0].finish(reveals)
    assert err.value.member == 2


# ---------------------------------------------------------------- decryption


def _cts(key: CommitteeKey, values: list[int]) -> list[Ciphertext]:
    return [encrypt(key.public_key, v)[0] for v in values]


def test_decrypt_with_every_t_subset(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, shares = committee
    values = [0, 5, 481 * 481 + 3]
    cts = _cts(key, values)
    dshares = {i: partial_decrypt(CTX, s, cts) for i, s in shares.items()}
    table = DlogTable(481 * 481 + 10, lookups=30)
    for subset in itertools.combinations(dshares, T):
        points = combine(CTX, key, cts, {i: dshares[i] for i in subset})
        assert [table.solve(p) for p in points] == values
    # More than t shares is fine too.
    assert [table.solve(p) for p in combine(CTX, key, cts, dshares)] == values


def test_decrypt_homomorphic_sum(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, shares = committee
    cts = _cts(key, [1, 481, 1, 481 * 481])
    total = [Ciphertext.sum(cts)]
    dshares = {i: partial_decrypt(CTX, shares[i], total) for i in (2, 4, 5)}
    (point,) = combine(CTX, key, total, dshares)
    assert DlogTable(481**3).solve(point) == 2 + 481 + 481 * 481


def test_too_few_shares(committee: tuple[CommitteeKey, dict[int, MemberShare]]) -> None:
    key, shares = committee
    cts = _cts(key, [1])
    dshares = {i: partial_decrypt(CTX, shares[i], cts) for i in (1, 2)}
    with pytest.raises(DecryptionError) as err:
        combine(CTX, key, cts, dshares)
    assert err.value.member is None


def test_bad_partial_decryption_names_the_member(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, shares = committee
    cts = _cts(key, [3, 4])
    dshares = {i: partial_decrypt(CTX, shares[i], cts) for i in (1, 3, 4)}
    good = dshares[3]
    dshares[3] = replace(good, factors=(good.factors[0] + Point.base(), good.factors[1]))
    with pytest.raises(DecryptionError) as err:
        combine(CTX, key, cts, dshares)
    assert err.value.member == 3
    # A share made with the wrong secret also fails, naming its member.
    forged = partial_decrypt(CTX, MemberShare(4, Scalar.from_int(12345)), cts)
    with pytest.raises(DecryptionError) as err:
        verify_decryption_share(CTX, key, cts, forged)
    assert err.value.member == 4
    # Shares for a different ciphertext order fail (proofs bind the position).
    swapped = partial_decrypt(CTX, shares[1], cts[::-1])
    with pytest.raises(DecryptionError) as err:
        verify_decryption_share(
            CTX,
            key,
            cts,
            replace(swapped, factors=swapped.factors[::-1], proofs=swapped.proofs[::-1]),
        )
    assert err.value.member == 1


def test_decryption_share_round_trip(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, shares = committee
    cts = _cts(key, [1])
    ds = partial_decrypt(CTX, shares[2], cts)
    assert DecryptionShare.from_dict(ds.to_dict()) == ds
    with pytest.raises(DecryptionError) as err:
        verify_decryption_share(CTX, key, cts, replace(ds, member=9))
    assert err.value.member == 9
