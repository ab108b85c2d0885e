"""Distributed key generation for a t-of-n counting committee (lễ tạo khóa phân tán).

Pedersen's DKG with Feldman commitments, as pure data and message passing so that the
web app and the offline ``tinnhiem trustee`` CLI can carry the messages:

1. Commit. Each member ``i`` picks a random polynomial ``f_i`` of degree ``t − 1`` and
   publishes a ``CommitMessage``: its box public key (for receiving shares) and a hash of
   its Feldman commitments ``C_ik = a_ik·G``. Nothing else is revealed before every
   member has committed, so no member can choose its polynomial after seeing others'.
2. Reveal. Once all ``n`` commit messages are in, each member publishes a
   ``RevealMessage``: the commitments ``C_i0 … C_i(t−1)``, a Schnorr proof of knowledge of
   ``a_i0`` (no rogue keys), and for each other member ``j`` the share ``f_i(j)`` sealed
   to ``j``'s box key.
3. Finish. Each member checks every other member's reveal against its commit hash, the
   Schnorr proof, and its own share ``f_j(i)·G = Σ_k i^k·C_jk``; anything wrong raises
   ``DkgError`` naming the member at fault. The joint public key is ``Σ_j C_j0``, the
   member's secret share ``s_i = Σ_j f_j(i)`` and every member's verification key
   ``V_m = s_m·G = Σ_k m^k·(Σ_j C_jk)``.

Byte layouts of the hashes, bindings and sealed shares are in docs/crypto.md §7.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tinnhiem.crypto.boxes import BoxKeyPair, seal, unseal
from tinnhiem.crypto.errors import CryptoError, DkgError, InvalidEncoding, InvalidProof
from tinnhiem.crypto.group import ORDER, Point, Scalar, public_multi_mul
from tinnhiem.crypto.proofs import SchnorrProof, prove_knowledge, verify_knowledge
from tinnhiem.crypto.transcript import Context

__all__ = [
    "CommitMessage",
    "CommitteeKey",
    "DkgMember",
    "MemberShare",
    "RevealMessage",
    "commitment_digest",
    "committee_key",
    "verify_ceremony",
]

TAG_COMMIT = "dkg-commit"
_SHARE_MAGIC = b"TNDKG1"
#: A sealed share: crypto_box_seal (48 bytes of overhead) of "TNDKG1" ‖ U32 i ‖ U32 j ‖ f_i(j).
SEALED_SHARE_BYTES = 48 + len(_SHARE_MAGIC) + 4 + 4 + 32


def _check_params(t: int, n: int) -> None:
    if not 1 <= t <= n or n > 1000:
        raise CryptoError(f"need 1 ≤ t ≤ n ≤ 1000, got t={t}, n={n}")


def _hex(data: Any, what: str) -> bytes:
    if not isinstance(data, str):
        raise InvalidEncoding(f"{what}: expected a hex string")
    try:
        return bytes.fromhex(data)
    except ValueError as exc:
        raise InvalidEncoding(f"{what}: not hex") from exc


def _int(data: Any, what: str) -> int:
    if isinstance(data, bool) or not isinstance(data, int):
        raise InvalidEncoding(f"{what}: expected an integer")
    return data


def _member_key(key: Any, what: str) -> int:
    """A member number used as a JSON object key: canonical decimal ("1", never "01" or
    " 1"), so that two keys cannot name the same member."""
    if not isinstance(key, str) or not key.isascii() or not key.isdecimal():
        raise InvalidEncoding(f"{what} {key!r} is not a member number")
    value = int(key)
    if str(value) != key:
        raise InvalidEncoding(f"{what} {key!r} is not in canonical decimal form")
    return value


def commitment_digest(
    ctx: Context, member: int, t: int, n: int, box_public: bytes, commitments: Sequence[Point]
) -> bytes:
    """The 64-byte hash a member publishes before revealing its commitments."""
    return ctx.digest(TAG_COMMIT, member, t, n, box_public, *commitments)


def _proof_binding(member: int, t: int, n: int) -> bytes:
    return b"dkg-constant" + member.to_bytes(4, "big") + t.to_bytes(4, "big") + n.to_bytes(4, "big")


def _share_plaintext(dealer: int, recipient: int, value: Scalar) -> bytes:
    return (
        _SHARE_MAGIC + dealer.to_bytes(4, "big") + recipient.to_bytes(4, "big") + (value.to_bytes())
    )


def _eval_poly(coefficients: Sequence[Scalar], x: int) -> Scalar:
    acc = 0
    for a in reversed(coefficients):
        acc = (acc * x + int(a)) % ORDER
    return Scalar.from_int(acc)


def _lagrange_at(points: Sequence[int], i: int, x: int) -> Scalar:
    """The Lagrange basis polynomial of ``i`` over ``points``, evaluated at ``x``."""
    num = 1
    den = 1
    for j in points:
        if j != i:
            num = num * (x - j) % ORDER
            den = den * (i - j) % ORDER
    return Scalar.from_int(num * pow(den, -1, ORDER))


def _eval_commitments(commitments: Sequence[Point], x: int) -> Point:
    """``Σ_k x^k·C_k`` (public commitments and index: one multi-scalar multiplication)."""
    powers = [1]
    for _ in commitments[1:]:
        powers.append(powers[-1] * x % ORDER)
    return public_multi_mul(powers, commitments)


@dataclass(frozen=True)
class CommitMessage:
    """Round 1 (cam kết): a member's box key and the hash of its Feldman commitments."""

    member: int
    box_public: bytes
    digest: bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "box_public": self.box_public.hex(),
            "digest": self.digest.hex(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CommitMessage:
        box_public = _hex(data.get("box_public"), "box_public")
        digest = _hex(data.get("digest"), "digest")
        if len(box_public) != 32 or len(digest) != 64:
            raise InvalidEncoding("commit message: box_public is 32 bytes, digest 64 bytes")
        return cls(_int(data.get("member"), "member"), box_public, digest)


@dataclass(frozen=True)
class RevealMessage:
    """Round 2 (công bố): Feldman commitments, proof of the constant term, sealed shares."""

    member: int
    commitments: tuple[Point, ...]
    proof: SchnorrProof
    shares: Mapping[int, bytes] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "commitments": [c.hex() for c in self.commitments],
            "proof": self.proof.hex(),
            "shares": {str(j): s.hex() for j, s in sorted(self.shares.items())},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RevealMessage:
        raw_commitments = data.get("commitments")
        raw_shares = data.get("shares")
        if not isinstance(raw_commitments, list) or not isinstance(raw_shares, dict):
            raise InvalidEncoding("reveal message: commitments is a list, shares an object")
        shares: dict[int, bytes] = {}
        for key, value in raw_shares.items():
            j = _member_key(key, "reveal message: share key")
            shares[j] = _hex(value, f"share {key}")
            if len(shares[j]) != SEALED_SHARE_BYTES:
                raise InvalidEncoding(
                    f"reveal message: the sealed share for member {key} is {len(shares[j])} "
                    f"bytes, not {SEALED_SHARE_BYTES} (crypto.md §7)"
                )
        return cls(
            _int(data.get("member"), "member"),
            tuple(Point.from_bytes(_hex(c, "commitment")) for c in raw_commitments),
            SchnorrProof.from_bytes(_hex(data.get("proof"), "proof")),
            shares,
        )


@dataclass(frozen=True)
class CommitteeKey:
    """The committee's joint public key, each member's verification key, ``t`` and ``n``."""

    public_key: Point
    verification_keys: Mapping[int, Point]
    t: int
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "public_key": self.public_key.hex(),
            "verification_keys": {
                str(m): v.hex() for m, v in sorted(self.verification_keys.items())
            },
            "t": self.t,
            "n": self.n,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CommitteeKey:
        raw = data.get("verification_keys")
        if not isinstance(raw, dict):
            raise InvalidEncoding("committee key: verification_keys is an object")
        t = _int(data.get("t"), "t")
        n = _int(data.get("n"), "n")
        _check_params(t, n)
        keys = {
            _member_key(m, "committee key: member"): Point.from_bytes(
                _hex(v, f"verification key {m}")
            )
            for m, v in raw.items()
        }
        if sorted(keys) != list(range(1, n + 1)):
            raise InvalidEncoding("committee key: verification keys must be for members 1..n")
        key = cls(Point.from_bytes(_hex(data.get("public_key"), "public_key")), keys, t, n)
        key.check_consistent()
        return key

    def __post_init__(self) -> None:
        _check_params(self.t, self.n)
        if sorted(self.verification_keys) != list(range(1, self.n + 1)):
            raise CryptoError("committee key: verification keys must be for members 1..n")
        if self.public_key.is_identity():
            raise CryptoError("committee key: the joint public key is the identity")
        if any(v.is_identity() for v in self.verification_keys.values()):
            raise CryptoError("committee key: a verification key is the identity")

    def check_consistent(self) -> None:
        """Check that the ``n`` verification keys lie on one polynomial of degree
        ``t − 1`` whose value at zero is the public key (``V_m = s_m·G``, ``H = s·G``).

        Otherwise threshold decryption would give different plaintexts for different
        sets of ``t`` members, or decrypt under a key the ceremony did not make. Costs
        about ``t·(n − t + 1)`` scalar multiplications. Raises ``InvalidEncoding``.
        """
        base = list(range(1, self.t + 1))
        for target in [0, *range(self.t + 1, self.n + 1)]:
            acc = public_multi_mul(
                [_lagrange_at(base, i, target) for i in base],
                [self.verification_keys[i] for i in base],
            )
            expected = self.public_key if target == 0 else self.verification_keys[target]
            if acc != expected:
                what = "the public key" if target == 0 else f"verification key {target}"
                raise InvalidEncoding(
                    f"committee key: {what} is not consistent with verification keys "
                    f"1..{self.t} (not the result of one key ceremony)"
                )


@dataclass(frozen=True)
class MemberShare:
    """One member's secret share ``s_i`` of the election key (phần khóa bí mật)."""

    index: int
    secret: Scalar = field(repr=False)

    def __post_init__(self) -> None:
        if (
            isinstance(self.index, bool)
            or not isinstance(self.index, int)
            or not (1 <= self.index <= 1000)
        ):
            raise CryptoError(f"a member share's index is in 1..1000, got {self.index!r}")
        if not isinstance(self.secret, Scalar):
            raise TypeError("MemberShare.secret must be a Scalar")

    def to_bytes(self) -> bytes:
        """36 bytes: ``U32 index ‖ s_i`` (protect it with ``protect_secret``)."""
        return self.index.to_bytes(4, "big") + self.secret.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> MemberShare:
        if len(data) != 36:
            raise InvalidEncoding("a member share is exactly 36 bytes")
        return cls(int.from_bytes(data[:4], "big"), Scalar.from_bytes(data[4:]))


def committee_key(t: int, n: int, reveals: Mapping[int, RevealMessage]) -> CommitteeKey:
    """The joint public key and all verification keys from the (checked) reveals."""
    aggregate = list(reveals[1].commitments)
    for j in range(2, n + 1):
        aggregate = [a + c for a, c in zip(aggregate, reveals[j].commitments, strict=True)]
    if aggregate[0].is_identity():
        # Only possible if the constant terms cancel, which commit-before-reveal stops
        # any member short of all of them from arranging; the last dealer is named.
        raise DkgError("the joint public key is the identity", member=n)
    keys = {m: _eval_commitments(aggregate, m) for m in range(1, n + 1)}
    for m, v in keys.items():
        if v.is_identity():
            raise DkgError(f"verification key {m} is the identity", member=m)
    return CommitteeKey(aggregate[0], keys, t, n)


def _check_reveal(
    ctx: Context, t: int, n: int, commit: CommitMessage, reveal: RevealMessage
) -> None:
    j = commit.member
    if reveal.member != j:
        raise DkgError(f"reveal message is labelled member {reveal.member}", member=j)
    if len(reveal.commitments) != t:
        raise DkgError(f"{len(reveal.commitments)} commitments, expected t = {t}", member=j)
    if any(not isinstance(c, Point) or c.is_identity() for c in reveal.commitments):
        raise DkgError("a Feldman commitment is the identity (or not a point)", member=j)
    if sorted(reveal.shares) != [m for m in range(1, n + 1) if m != j]:
        raise DkgError("shares are not addressed to exactly the other members", member=j)
    digest = commitment_digest(ctx, j, t, n, commit.box_public, reveal.commitments)
    if not hmac.compare_digest(digest, commit.digest):
        raise DkgError("revealed commitments do not match the commit hash", member=j)
    try:
        verify_knowledge(ctx, reveal.commitments[0], reveal.proof, binding=_proof_binding(j, t, n))
    except InvalidProof as exc:
        raise DkgError("bad proof of knowledge of the constant term", member=j) from exc


def _check_commits(n: int, commits: Mapping[int, CommitMessage]) -> None:
    missing = sorted(set(range(1, n + 1)) - set(commits))
    if missing:
        raise DkgError(f"commit messages missing for members {missing}", member=missing[0])
    extra = sorted(set(commits) - set(range(1, n + 1)))
    if extra:
        raise DkgError(f"commit message from outside the committee 1..{n}", member=extra[0])
    for m, msg in commits.items():
        if msg.member != m:
            raise DkgError(f"commit message filed under {m} is labelled {msg.member}", member=m)


def verify_ceremony(
    ctx: Context,
    t: int,
    n: int,
    commits: Mapping[int, CommitMessage],
    reveals: Mapping[int, RevealMessage],
) -> CommitteeKey:
    """An observer's check of the public transcript (everything but the sealed shares)."""
    _check_params(t, n)
    _check_commits(n, commits)
    for m in range(1, n + 1):
        if m not in reveals:
            raise DkgError("reveal message missing", member=m)
        _check_reveal(ctx, t, n, commits[m], reveals[m])
    return committee_key(t, n, reveals)


class DkgMember:
    """One committee member's side of the ceremony (thành viên Ban kiểm phiếu)."""

    def __init__(
        self,
        ctx: Context,
        index: int,
        t: int,
        n: int,
        *,
        box_keys: BoxKeyPair | None = None,
        coefficients: Sequence[Scalar] | None = None,
        proof_nonce: Scalar | None = None,
    ) -> None:
        _check_params(t, n)
        if not 1 <= index <= n:
            raise CryptoError(f"member index must be in 1..{n}, got {index}")
        self.ctx = ctx
        self.index = index
        self.t = t
        self.n = n
        self.box_keys = box_keys or BoxKeyPair.generate()
        if coefficients is None:
            coefficients = [Scalar.random_nonzero() for _ in range(t)]
        if len(coefficients) != t or not all(coefficients):
            raise CryptoError("a DKG polynomial has t non-zero coefficients")
        self._coefficients = tuple(coefficients)
        self._proof_nonce = proof_nonce
        self.commitments = tuple(Point.base_mul(a) for a in self._coefficients)
        self._commits: dict[int, CommitMessage] | None = None

    def __repr__(self) -> str:
        # The polynomial and the box secret never appear in a repr (logs, tracebacks).
        return f"DkgMember(index={self.index}, t={self.t}, n={self.n}, <secrets redacted>)"

    def to_state(self) -> dict[str, Any]:
        """Everything needed to resume this member between rounds (the offline CLI saves
        it with ``protect_secret``): SECRET — it holds the polynomial and the box key."""
        return {
            "fingerprint": self.ctx.fingerprint.hex(),
            "index": self.index,
            "t": self.t,
            "n": self.n,
            "box_secret": self.box_keys.secret.hex(),
            "box_public": self.box_keys.public.hex(),
            "coefficients": [a.hex() for a in self._coefficients],
            "commits": None
            if self._commits is None
            else {str(m): c.to_dict() for m, c in sorted(self._commits.items())},
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> DkgMember:
        """Resume a member saved with ``to_state``."""
        raw_coefficients = state.get("coefficients")
        if not isinstance(raw_coefficients, list):
            raise InvalidEncoding("DKG state: coefficients is a list")
        member = cls(
            Context(_hex(state.get("fingerprint"), "fingerprint")),
            _int(state.get("index"), "index"),
            _int(state.get("t"), "t"),
            _int(state.get("n"), "n"),
            box_keys=BoxKeyPair(
                _hex(state.get("box_public"), "box_public"),
                _hex(state.get("box_secret"), "box_secret"),
            ),
            coefficients=[Scalar.from_bytes(_hex(a, "coefficient")) for a in raw_coefficients],
        )
        commits = state.get("commits")
        if commits is not None:
            if not isinstance(commits, dict):
                raise InvalidEncoding("DKG state: commits is an object")
            member._commits = {
                _member_key(m, "DKG state: commit"): CommitMessage.from_dict(c)
                for m, c in commits.items()
            }
        return member

    def commit(self) -> CommitMessage:
        """Round 1: the message to publish first."""
        digest = commitment_digest(
            self.ctx, self.index, self.t, self.n, self.box_keys.public, self.commitments
        )
        return CommitMessage(self.index, self.box_keys.public, digest)

    def reveal(self, commits: Mapping[int, CommitMessage]) -> RevealMessage:
        """Round 2: needs every member's commit message (this member's included)."""
        _check_commits(self.n, commits)
        if commits[self.index] != self.commit():
            raise DkgError("the commit message under my index is not mine", member=self.index)
        if self._commits is not None and self._commits != dict(commits):
            # Equivocation: revealing again to a different set of commit messages (for
            # example another box key for a member) would hand that key's holder a second
            # share of my polynomial. Name the first member whose commit changed.
            changed = min(m for m in commits if self._commits.get(m) != commits[m])
            raise DkgError(
                "commit message differs from the one I already revealed against", member=changed
            )
        self._commits = dict(commits)
        proof = prove_knowledge(
            self.ctx,
            self._coefficients[0],
            binding=_proof_binding(self.index, self.t, self.n),
            nonce=self._proof_nonce,
        )
        shares = {
            j: seal(
                commits[j].box_public,
                _share_plaintext(self.index, j, _eval_poly(self._coefficients, j)),
            )
            for j in range(1, self.n + 1)
            if j != self.index
        }
        return RevealMessage(self.index, self.commitments, proof, shares)

    def finish(self, reveals: Mapping[int, RevealMessage]) -> tuple[CommitteeKey, MemberShare]:
        """Round 3: check everyone's reveal and my shares; the committee key and my share."""
        if self._commits is None:
            raise CryptoError("finish() before reveal(): the commit messages are unknown")
        total = int(_eval_poly(self._coefficients, self.index))
        for j in range(1, self.n + 1):
            if j not in reveals:
                raise DkgError("reveal message missing", member=j)
            reveal = reveals[j]
            _check_reveal(self.ctx, self.t, self.n, self._commits[j], reveal)
            if j == self.index:
                if reveal.commitments != self.commitments:
                    raise DkgError("the reveal under my index is not mine", member=j)
                continue
            try:
                plain = unseal(self.box_keys, reveal.shares[self.index])
            except CryptoError as exc:
                raise DkgError("my share cannot be opened", member=j) from exc
            expected_head = _SHARE_MAGIC + j.to_bytes(4, "big") + self.index.to_bytes(4, "big")
            if len(plain) != len(expected_head) + 32 or not plain.startswith(expected_head):
                raise DkgError("my share is malformed or misaddressed", member=j)
            try:
                value = Scalar.from_bytes(plain[len(expected_head) :])
            except InvalidEncoding as exc:
                raise DkgError("my share is not a canonical scalar", member=j) from exc
            if Point.base_mul(value) != _eval_commitments(reveal.commitments, self.index):
                raise DkgError("my share does not match the dealer's commitments", member=j)
            total += int(value)
        key = committee_key(self.t, self.n, reveals)
        share = MemberShare(self.index, Scalar.from_int(total))
        if Point.base_mul(share.secret) != key.verification_keys[self.index]:
            raise DkgError("my share does not match my verification key", member=self.index)
        return key, share
