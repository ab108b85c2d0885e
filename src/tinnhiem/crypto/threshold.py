"""Threshold decryption (giải mã ngưỡng) with proofs of correct partial decryption.

Member ``i`` with secret share ``s_i`` (verification key ``V_i = s_i·G``) publishes, for
each ciphertext ``(α, β)``, the factor ``D_i = s_i·α`` with a Chaum-Pedersen proof that
``log_G V_i = log_α D_i``. Any ``t`` members' factors combine by Lagrange interpolation at
zero: ``m·G = β − Σ λ_i·D_i``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.crypto.dkg import CommitteeKey, MemberShare
from tinnhiem.crypto.elgamal import Ciphertext
from tinnhiem.crypto.errors import DecryptionError, InvalidEncoding, InvalidProof
from tinnhiem.crypto.group import ORDER, Point, Scalar, public_multi_mul
from tinnhiem.crypto.proofs import ChaumPedersenProof, prove_dleq, verify_dleq
from tinnhiem.crypto.transcript import Context

__all__ = [
    "DecryptionShare",
    "combine",
    "decryption_binding",
    "lagrange_at_zero",
    "partial_decrypt",
    "verify_decryption_share",
]


def decryption_binding(member: int, position: int) -> bytes:
    """``"decrypt" ‖ U32 member ‖ U64 position``: ties a proof to its member and row."""
    return b"decrypt" + member.to_bytes(4, "big") + position.to_bytes(8, "big")


@dataclass(frozen=True)
class DecryptionShare:
    """One member's partial decryptions ``D_i`` of a list of ciphertexts, with proofs."""

    member: int
    factors: tuple[Point, ...]
    proofs: tuple[ChaumPedersenProof, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "member": self.member,
            "factors": [f.hex() for f in self.factors],
            "proofs": [p.hex() for p in self.proofs],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DecryptionShare:
        member = data.get("member")
        factors = data.get("factors")
        proofs = data.get("proofs")
        if (
            isinstance(member, bool)
            or not isinstance(member, int)
            or not isinstance(factors, list)
            or not isinstance(proofs, list)
            or not all(isinstance(x, str) for x in [*factors, *proofs])
        ):
            raise InvalidEncoding("decryption share: member, factors[] and proofs[] expected")
        return cls(
            member,
            tuple(Point.from_hex(f) for f in factors),
            tuple(ChaumPedersenProof.from_hex(p) for p in proofs),
        )


def _check_decryptable(ct: Ciphertext, pos: int) -> None:
    """``α = identity`` (the empty sum: no ballot in this column) has nothing to decrypt —
    its plaintext is ``β`` in the clear — and no Chaum-Pedersen proof can be made for it.
    It is nobody's fault, so the error names no member."""
    if ct.alpha.is_identity():
        raise DecryptionError(
            f"ciphertext {pos} has α = identity (an empty sum): there is nothing to "
            "decrypt, its plaintext is β itself"
        )


def partial_decrypt(
    ctx: Context,
    share: MemberShare,
    cts: Sequence[Ciphertext],
    *,
    nonces: Sequence[Scalar] | None = None,
) -> DecryptionShare:
    """Member ``share.index``'s factors ``s_i·α`` for each ciphertext, with proofs."""
    if nonces is not None:
        if len(nonces) != len(cts):
            raise DecryptionError("one proof nonce per ciphertext is needed")
        # Two proofs with one nonce k give s₁ − s₂ = (c₁ − c₂)·s_i: the share would leak.
        if len({int(k) for k in nonces}) != len(nonces):
            raise DecryptionError("proof nonces must all differ (a reused nonce leaks the share)")
    for pos, ct in enumerate(cts):
        _check_decryptable(ct, pos)
    factors = []
    proofs = []
    for pos, ct in enumerate(cts):
        factors.append(share.secret * ct.alpha)
        proofs.append(
            prove_dleq(
                ctx,
                share.secret,
                ct.alpha,
                binding=decryption_binding(share.index, pos),
                nonce=None if nonces is None else nonces[pos],
            )
        )
    return DecryptionShare(share.index, tuple(factors), tuple(proofs))


def verify_decryption_share(
    ctx: Context, key: CommitteeKey, cts: Sequence[Ciphertext], dshare: DecryptionShare
) -> None:
    """Raise ``DecryptionError`` (naming the member) unless every factor is proven."""
    member = dshare.member
    for pos, ct in enumerate(cts):
        _check_decryptable(ct, pos)
    vkey = key.verification_keys.get(member)
    if vkey is None:
        raise DecryptionError("not a member of this committee", member=member)
    if len(dshare.factors) != len(cts) or len(dshare.proofs) != len(cts):
        raise DecryptionError(
            f"{len(dshare.factors)} factors for {len(cts)} ciphertexts", member=member
        )
    for pos, (ct, factor, proof) in enumerate(zip(cts, dshare.factors, dshare.proofs, strict=True)):
        try:
            verify_dleq(ctx, ct.alpha, vkey, factor, proof, binding=decryption_binding(member, pos))
        except InvalidProof as exc:
            raise DecryptionError(
                f"partial decryption of ciphertext {pos} is not proven correct", member=member
            ) from exc


def lagrange_at_zero(indices: Sequence[int]) -> dict[int, Scalar]:
    """``λ_i = Π_{j≠i} j / (j − i) mod ℓ`` for interpolation at zero.

    ``indices`` are the exact set of members whose factors are combined: distinct
    positive integers (a repeated or zero index would give coefficients for a different
    set and a wrong result, silently).
    """
    if not indices:
        raise DecryptionError("Lagrange interpolation needs at least one member")
    for i in indices:
        if isinstance(i, bool) or not isinstance(i, int) or not 1 <= i < ORDER:
            raise DecryptionError(f"member index must be a positive integer, got {i!r}")
    if len(set(indices)) != len(indices):
        raise DecryptionError(f"member indices repeat: {list(indices)}")
    out: dict[int, Scalar] = {}
    for i in indices:
        num = 1
        den = 1
        for j in indices:
            if j != i:
                num = num * j % ORDER
                den = den * (j - i) % ORDER
        out[i] = Scalar.from_int(num * pow(den, -1, ORDER))
    return out


def combine(
    ctx: Context,
    key: CommitteeKey,
    cts: Sequence[Ciphertext],
    shares_by_member: Mapping[int, DecryptionShare],
) -> list[Point]:
    """``m·G`` for each ciphertext from at least ``t`` members' verified shares.

    Every share given is verified (a bad one raises ``DecryptionError`` naming its
    member); the ``t`` lowest-numbered members are then interpolated.
    """
    for m, dshare in shares_by_member.items():
        if isinstance(m, bool) or dshare.member != m:
            raise DecryptionError(f"share filed under {m} is labelled {dshare.member}", member=m)
        verify_decryption_share(ctx, key, cts, dshare)
    if len(shares_by_member) < key.t:
        raise DecryptionError(
            f"{len(shares_by_member)} decryption shares, at least t = {key.t} needed"
        )
    chosen = sorted(shares_by_member)[: key.t]
    lam = lagrange_at_zero(chosen)
    results = []
    for pos, ct in enumerate(cts):
        acc = public_multi_mul(
            [lam[m] for m in chosen], [shares_by_member[m].factors[pos] for m in chosen]
        )
        results.append(ct.beta - acc)
    return results
