"""Security review (rà soát an ninh): key ceremony, threshold decryption, dlog, secret files.

Each test pins one finding or one claim of docs/threat-model.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from tinnhiem.crypto import (
    BoxKeyPair,
    Ciphertext,
    Context,
    CryptoError,
    DecryptionError,
    DkgError,
    DlogOutOfRange,
    DlogTable,
    InvalidEncoding,
    Point,
    Scalar,
    SecretFileError,
    encrypt,
    protect_secret,
    prove_knowledge,
    unprotect_secret,
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
    combine,
    lagrange_at_zero,
    partial_decrypt,
    verify_decryption_share,
)

CTX = Context(hashlib.sha256(b"review ceremony").digest())
FAST = {"opslimit": 1, "memlimit": 8 * 1024 * 1024}


def _scalar(label: str) -> Scalar:
    return Scalar.reduce(hashlib.sha512(b"review/" + label.encode()).digest())


def _run(members: list[DkgMember]) -> tuple[dict[int, CommitMessage], dict[int, RevealMessage]]:
    commits = {m.index: m.commit() for m in members}
    reveals = {m.index: m.reveal(commits) for m in members}
    return commits, reveals


@pytest.fixture(scope="module")
def committee() -> tuple[CommitteeKey, dict[int, MemberShare]]:
    members = [DkgMember(CTX, i, 2, 4) for i in range(1, 5)]
    _, reveals = _run(members)
    results = [m.finish(reveals) for m in members]
    return results[0][0], {share.index: share for _, share in results}


# ------------------------------------------------------------------ key ceremony (DKG)


@pytest.mark.parametrize(("t", "n"), [(0, 3), (4, 3), (-1, 2), (1, 0), (2, 1001)])
def test_dkg_parameters_validated(t: int, n: int) -> None:
    with pytest.raises(CryptoError):
        DkgMember(CTX, 1, t, n)


@pytest.mark.parametrize("index", [0, 4, -1])
def test_dkg_member_index_in_range(index: int) -> None:
    with pytest.raises(CryptoError):
        DkgMember(CTX, index, 2, 3)


def test_joint_key_is_never_the_identity() -> None:
    # Two members whose constant terms cancel (possible only if they collude, since each
    # commits before seeing the other's): the ceremony must refuse the identity key.
    a = _scalar("a")
    members = [
        DkgMember(CTX, 1, 1, 2, coefficients=[a]),
        DkgMember(CTX, 2, 1, 2, coefficients=[-a]),
    ]
    commits, reveals = _run(members)
    with pytest.raises(DkgError):
        verify_ceremony(CTX, 1, 2, commits, reveals)
    with pytest.raises(DkgError):
        members[0].finish(reveals)


def test_reveal_cannot_be_repeated_against_other_commits() -> None:
    # A board that shows member 1 a different box key for member 2 on a second reveal
    # would receive a second, readable share of member 1's polynomial.
    members = [DkgMember(CTX, i, 2, 3) for i in range(1, 4)]
    commits = {m.index: m.commit() for m in members}
    members[0].reveal(commits)
    members[0].reveal(commits)  # the same commits again: harmless
    evil = BoxKeyPair.generate()
    forged = dict(commits)
    forged[2] = replace(commits[2], box_public=evil.public)
    with pytest.raises(DkgError) as info:
        members[0].reveal(forged)
    assert info.value.member == 2


def test_identity_feldman_commitment_rejected() -> None:
    # Member 1 commits (before anything is revealed) to C_11 = identity.
    a0 = _scalar("a0")
    box = BoxKeyPair.generate()
    commitments = (Point.base_mul(a0), Point.identity())
    digest = commitment_digest(CTX, 1, 2, 2, box.public, commitments)
    commit1 = CommitMessage(1, box.public, digest)
    binding = b"dkg-constant" + (1).to_bytes(4, "big") + (2).to_bytes(4, "big") * 2
    proof = prove_knowledge(CTX, a0, binding=binding)
    other = DkgMember(CTX, 2, 2, 2)
    commits = {1: commit1, 2: other.commit()}
    reveal1 = RevealMessage(1, commitments, proof, {2: b"\0" * 80})
    reveals = {1: reveal1, 2: other.reveal(commits)}
    with pytest.raises(DkgError) as info:
        verify_ceremony(CTX, 2, 2, commits, reveals)
    assert info.value.member == 1


def test_reveal_share_keys_must_be_canonical() -> None:
    members = [DkgMember(CTX, i, 2, 3) for i in range(1, 4)]
    _, reveals = _run(members)
    data = reveals[1].to_dict()
    assert RevealMessage.from_dict(data) == reveals[1]
    for bad in ["02", " 2", "+2", "2.0", "２"]:
        tampered = dict(data, shares={bad if k == "2" else k: v for k, v in data["shares"].items()})
        with pytest.raises(InvalidEncoding):
            RevealMessage.from_dict(tampered)


def test_commit_digest_binds_every_field() -> None:
    member = DkgMember(CTX, 1, 2, 3)
    msg = member.commit()
    base = commitment_digest(CTX, 1, 2, 3, msg.box_public, member.commitments)
    assert base == msg.digest
    other = BoxKeyPair.generate().public
    variants = [
        commitment_digest(CTX, 2, 2, 3, msg.box_public, member.commitments),
        commitment_digest(CTX, 1, 3, 3, msg.box_public, member.commitments),
        commitment_digest(CTX, 1, 2, 4, msg.box_public, member.commitments),
        commitment_digest(CTX, 1, 2, 3, other, member.commitments),
        commitment_digest(CTX, 1, 2, 3, msg.box_public, member.commitments[::-1]),
    ]
    assert len({base, *variants}) == 6


# --------------------------------------------------------------------- committee key


def test_committee_key_round_trips_and_is_consistent(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, _ = committee
    assert CommitteeKey.from_dict(key.to_dict()) == key
    key.check_consistent()


def test_committee_key_from_dict_rejects_a_substituted_public_key(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    # A server that swaps in its own public key (keeping the real verification keys)
    # could decrypt every ballot; the key must be the one the ceremony made.
    key, _ = committee
    data = key.to_dict()
    data["public_key"] = Point.base_mul(_scalar("server key")).hex()
    with pytest.raises(InvalidEncoding):
        CommitteeKey.from_dict(data)
    data = key.to_dict()
    data["verification_keys"]["4"] = Point.base_mul(_scalar("fake V4")).hex()
    with pytest.raises(InvalidEncoding):
        CommitteeKey.from_dict(data)
    data = key.to_dict()
    data["verification_keys"]["01"] = data["verification_keys"].pop("1")
    with pytest.raises(InvalidEncoding):
        CommitteeKey.from_dict(data)


def test_committee_key_invariants_checked_on_construction(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, _ = committee
    with pytest.raises(CryptoError):
        CommitteeKey(key.public_key, key.verification_keys, 0, 4)
    with pytest.raises(CryptoError):
        CommitteeKey(key.public_key, key.verification_keys, 5, 4)
    with pytest.raises(CryptoError):
        CommitteeKey(Point.identity(), key.verification_keys, 2, 4)
    with pytest.raises(CryptoError):
        CommitteeKey(key.public_key, {**key.verification_keys, 7: Point.base()}, 2, 4)


def test_member_share_index_validated() -> None:
    with pytest.raises(CryptoError):
        MemberShare(0, _scalar("s"))
    with pytest.raises(InvalidEncoding):
        MemberShare.from_bytes(bytes(35))
    with pytest.raises(CryptoError):
        MemberShare.from_bytes(bytes(4) + _scalar("s").to_bytes())


# --------------------------------------------------------------- threshold decryption


def test_lagrange_rejects_repeated_zero_or_empty_indices() -> None:
    for bad in ([1, 2, 2], [0, 1], [-1, 2], [], [True, 2]):
        with pytest.raises(DecryptionError):
            lagrange_at_zero(bad)


def test_reused_decryption_proof_nonces_refused(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    # Two Chaum-Pedersen proofs with one nonce give away the member's share.
    key, shares = committee
    cts = [encrypt(key.public_key, m)[0] for m in (3, 4)]
    k = _scalar("k")
    with pytest.raises(DecryptionError):
        partial_decrypt(CTX, shares[1], cts, nonces=[k, k])
    with pytest.raises(CryptoError):
        partial_decrypt(CTX, shares[1], cts[:1], nonces=[Scalar.from_int(0)])
    ds = partial_decrypt(CTX, shares[1], cts, nonces=[k, _scalar("k2")])
    verify_decryption_share(CTX, key, cts, ds)


def test_fewer_than_t_shares_rejected_naming_nobody(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, shares = committee
    cts = [encrypt(key.public_key, 5)[0]]
    with pytest.raises(DecryptionError) as info:
        combine(CTX, key, cts, {3: partial_decrypt(CTX, shares[3], cts)})
    assert info.value.member is None
    assert "t = 2" in str(info.value)


def test_share_is_bound_to_member_and_ciphertext(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, shares = committee
    cts = [encrypt(key.public_key, m)[0] for m in (1, 2)]
    ds = partial_decrypt(CTX, shares[2], cts)
    # Relabelled as member 3's, or checked against other ciphertexts: refused.
    with pytest.raises(DecryptionError) as info:
        verify_decryption_share(CTX, key, cts, replace(ds, member=3))
    assert info.value.member == 3
    other = [encrypt(key.public_key, m)[0] for m in (1, 2)]
    with pytest.raises(DecryptionError):
        verify_decryption_share(CTX, key, other, ds)
    with pytest.raises(DecryptionError):
        combine(CTX, key, cts, {1: ds})


def test_any_t_subset_gives_the_same_plaintext(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    key, shares = committee
    cts = [encrypt(key.public_key, m)[0] for m in (0, 9, 1234)]
    dshares = {i: partial_decrypt(CTX, s, cts) for i, s in shares.items()}
    table = DlogTable(2000, lookups=3)
    for subset in ([1, 2], [3, 4], [2, 4], [1, 2, 3, 4]):
        points = combine(CTX, key, cts, {i: dshares[i] for i in subset})
        assert [table.solve(p) for p in points] == [0, 9, 1234]


def test_empty_sum_is_not_blamed_on_a_member(
    committee: tuple[CommitteeKey, dict[int, MemberShare]],
) -> None:
    # A column with no ballot sums to (identity, identity): nothing to decrypt, and no
    # member may be named as the culprit.
    key, shares = committee
    cts = [Ciphertext.zero()]
    with pytest.raises(DecryptionError) as info:
        partial_decrypt(CTX, shares[1], cts)
    assert info.value.member is None
    good = [encrypt(key.public_key, 1)[0]]
    ds = partial_decrypt(CTX, shares[1], good)
    with pytest.raises(DecryptionError) as info:
        verify_decryption_share(CTX, key, [Ciphertext.zero()], ds)
    assert info.value.member is None


# --------------------------------------------------------------------------- dlog


def test_dlog_bound_is_validated_and_capped() -> None:
    for bad in (1.5, True, -3, 2**44 + 1, 2**80):
        with pytest.raises(CryptoError):
            DlogTable(bad)  # type: ignore[arg-type]
    table = DlogTable(10**3, lookups=1, baby_steps=10**9)
    assert table.baby_steps <= 10**3 + 1
    assert table.solve(Point.base_mul(Scalar.from_int(10**3))) == 10**3
    with pytest.raises(DlogOutOfRange):
        table.solve(Point.base_mul(Scalar.from_int(10**3 + 1)))
    with pytest.raises(DlogOutOfRange):
        table.solve(Point.base_mul(Scalar.from_int(-1)))


# --------------------------------------------------------------------- secret files


def test_secret_file_is_versioned_and_authenticated() -> None:
    blob = protect_secret(b"share", "mật khẩu", **FAST)
    assert blob.startswith(b"TNSEC1")
    with pytest.raises(SecretFileError):
        unprotect_secret(b"TNSEC2" + blob[6:], "mật khẩu")
    # Lowering the Argon2id cost in the header changes the key: refused, not weakened.
    ops = int.from_bytes(blob[6:10], "big")
    cheaper = blob[:6] + (ops + 1).to_bytes(4, "big") + blob[10:]
    with pytest.raises(SecretFileError):
        unprotect_secret(cheaper, "mật khẩu")
    salted = blob[:18] + bytes([blob[18] ^ 1]) + blob[19:]
    with pytest.raises(SecretFileError):
        unprotect_secret(salted, "mật khẩu")
    with pytest.raises(SecretFileError) as info:
        unprotect_secret(blob, "mat khau")
    assert "mật khẩu" not in str(info.value)


def test_secret_file_defaults_are_moderate() -> None:
    from tinnhiem.crypto import boxes

    assert boxes.DEFAULT_OPSLIMIT >= 2
    assert 64 * 1024 * 1024 <= boxes.DEFAULT_MEMLIMIT <= 256 * 1024 * 1024


def test_resumed_state_with_a_foreign_box_key_is_refused() -> None:
    member = DkgMember(CTX, 1, 2, 3)
    state = member.to_state()
    assert DkgMember.from_state(state).commit() == member.commit()
    state["box_public"] = BoxKeyPair.generate().public.hex()
    with pytest.raises(InvalidEncoding):
        DkgMember.from_state(state)
