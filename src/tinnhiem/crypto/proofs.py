"""Zero-knowledge proofs with strong Fiat-Shamir (chứng minh không tiết lộ).

* ``SchnorrProof``: knowledge of ``x`` with ``X = x·G``.
* ``ChaumPedersenProof``: equality of discrete logs, ``X = x·G`` and ``Y = x·P``
  (a decryption share is correct).
* ``DisjunctiveProof``: an ElGamal ciphertext encrypts one value of a finite allowed set
  (a ballot row is well formed). It is in commitment form — it carries every branch's
  commitments ``A_j, B_j``, challenge ``c_j`` and response ``s_j`` with ``Σ c_j`` equal to
  the Fiat-Shamir challenge — so that many proofs verify together in one batch.

Every challenge hashes the tag, the election fingerprint, the whole statement (the
generators, the public key, the ciphertext, the allowed set, the binding bytes) and the
commitments; the byte layout is in docs/crypto.md.

Verification multiplies only public values (the statement, the proof and the verifier's
own random weights), so with the kernel built it uses the variable-time multi-scalar
multiplication (``tinnhiem.crypto._kernel``); the provers multiply secrets, and use only
constant-time code (libsodium, or the kernel's fixed-base table for ``H``).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from tinnhiem.crypto import _kernel, _sodium
from tinnhiem.crypto.elgamal import Ciphertext
from tinnhiem.crypto.errors import CryptoError, InvalidEncoding, InvalidProof
from tinnhiem.crypto.group import ORDER, Point, Scalar, key_mul_bytes, public_multi_mul
from tinnhiem.crypto.transcript import Context, Item, encode_item, transcript_head

__all__ = [
    "BatchItem",
    "Branch",
    "ChaumPedersenProof",
    "DisjunctiveProof",
    "EncodedItem",
    "SchnorrProof",
    "allowed_set",
    "prove_dleq",
    "prove_in_set",
    "prove_in_set_with_nonces",
    "prove_knowledge",
    "verify_dleq",
    "verify_in_set",
    "verify_in_set_batch",
    "verify_in_set_encoded",
    "verify_knowledge",
]

TAG_SCHNORR = "schnorr"
TAG_DLEQ = "chaum-pedersen"
TAG_IN_SET = "in-set"

_G = Point.base()
_G_BYTES = _G.to_bytes()
_IDENTITY = bytes(32)
_ZERO16 = bytes(16)  # pads a 128-bit weight to a 32-byte scalar
_LP32 = (32).to_bytes(4, "big")  # the length prefix of a point or scalar item
_LP8 = (8).to_bytes(4, "big")  # the length prefix of a U64 item


def _check_types(obj: object, **expected: type) -> None:
    """Proof fields are typed values: a bare int where a ``Scalar`` belongs could be
    out of ``[0, ℓ)`` and verify in memory while having no canonical encoding."""
    for name, kind in expected.items():
        if not isinstance(getattr(obj, name), kind):
            raise TypeError(
                f"{type(obj).__name__}.{name} must be a {kind.__name__}, "
                f"not {type(getattr(obj, name)).__name__}"
            )


def _b(x: int) -> bytes:
    return x.to_bytes(32, "little")


def _lp4(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big")


# --------------------------------------------------------------------------- Schnorr


@dataclass(frozen=True, slots=True)
class SchnorrProof:
    """Proof of knowledge of ``x`` with ``X = x·G``: commitment ``A = k·G``, response
    ``s = k + c·x``."""

    commitment: Point
    response: Scalar

    def __post_init__(self) -> None:
        _check_types(self, commitment=Point, response=Scalar)

    def to_bytes(self) -> bytes:
        """64 bytes: ``A ‖ s``."""
        return self.commitment.to_bytes() + self.response.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> SchnorrProof:
        if len(data) != 64:
            raise InvalidEncoding("a Schnorr proof is exactly 64 bytes")
        return cls(Point.from_bytes(data[:32]), Scalar.from_bytes(data[32:]))

    def hex(self) -> str:
        return self.to_bytes().hex()

    @classmethod
    def from_hex(cls, text: str) -> SchnorrProof:
        return cls.from_bytes(_unhex(text, "Schnorr proof"))


def _unhex(text: str, what: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except (ValueError, TypeError) as exc:
        raise InvalidEncoding(f"{what} is not hex") from exc


def _proof_nonce(nonce: Scalar | None) -> Scalar:
    """A fresh non-zero nonce, or the caller's after checking it.

    A zero nonce makes the response ``s = c·x`` and so gives the secret away to anyone
    who recomputes ``c``; it is refused, never silently replaced.
    """
    if nonce is None:
        return Scalar.random_nonzero()
    if not isinstance(nonce, Scalar) or not nonce:
        raise CryptoError("a proof nonce must be a non-zero Scalar")
    return nonce


def _schnorr_challenge(ctx: Context, public: Point, binding: bytes, a: Point) -> Scalar:
    return ctx.challenge(TAG_SCHNORR, _G, public, binding, a)


def prove_knowledge(
    ctx: Context, secret: Scalar, *, binding: bytes = b"", nonce: Scalar | None = None
) -> SchnorrProof:
    """Prove knowledge of ``secret`` for the public value ``secret·G``."""
    k = _proof_nonce(nonce)
    public = Point.base_mul(secret)
    a = Point.base_mul(k)
    c = _schnorr_challenge(ctx, public, binding, a)
    return SchnorrProof(a, k + c * secret)


def verify_knowledge(
    ctx: Context, public: Point, proof: SchnorrProof, *, binding: bytes = b""
) -> None:
    """Check ``s·G = A + c·X``; raise ``InvalidProof`` if it does not hold."""
    if public.is_identity() or proof.commitment.is_identity():
        raise InvalidProof("Schnorr proof: identity element in the statement or proof")
    c = _schnorr_challenge(ctx, public, binding, proof.commitment)
    if _kernel.enabled():
        ok = _vanishes((proof.response._v, _G), (-1, proof.commitment), (-c._v, public))
    else:
        ok = Point.base_mul(proof.response) == proof.commitment + c * public
    if not ok:
        raise InvalidProof("Schnorr proof does not verify")


# --------------------------------------------------------------------- Chaum-Pedersen


@dataclass(frozen=True, slots=True)
class ChaumPedersenProof:
    """Equality of discrete logs: ``A = k·G``, ``B = k·P``, ``s = k + c·x``."""

    a: Point
    b: Point
    response: Scalar

    def __post_init__(self) -> None:
        _check_types(self, a=Point, b=Point, response=Scalar)

    def to_bytes(self) -> bytes:
        """96 bytes: ``A ‖ B ‖ s``."""
        return self.a.to_bytes() + self.b.to_bytes() + self.response.to_bytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> ChaumPedersenProof:
        if len(data) != 96:
            raise InvalidEncoding("a Chaum-Pedersen proof is exactly 96 bytes")
        return cls(
            Point.from_bytes(data[:32]),
            Point.from_bytes(data[32:64]),
            Scalar.from_bytes(data[64:]),
        )

    def hex(self) -> str:
        return self.to_bytes().hex()

    @classmethod
    def from_hex(cls, text: str) -> ChaumPedersenProof:
        return cls.from_bytes(_unhex(text, "Chaum-Pedersen proof"))


def _dleq_challenge(
    ctx: Context, base2: Point, x: Point, y: Point, binding: bytes, a: Point, b: Point
) -> Scalar:
    return ctx.challenge(TAG_DLEQ, _G, base2, x, y, binding, a, b)


def prove_dleq(
    ctx: Context,
    secret: Scalar,
    base2: Point,
    *,
    binding: bytes = b"",
    nonce: Scalar | None = None,
) -> ChaumPedersenProof:
    """Prove ``log_G(X) = log_P(Y)`` for ``X = secret·G``, ``Y = secret·P`` (``P = base2``)."""
    k = _proof_nonce(nonce)
    x = Point.base_mul(secret)
    y = secret * base2
    a = Point.base_mul(k)
    b = k * base2
    c = _dleq_challenge(ctx, base2, x, y, binding, a, b)
    return ChaumPedersenProof(a, b, k + c * secret)


def verify_dleq(
    ctx: Context,
    base2: Point,
    x: Point,
    y: Point,
    proof: ChaumPedersenProof,
    *,
    binding: bytes = b"",
) -> None:
    """Check ``s·G = A + c·X`` and ``s·P = B + c·Y``; raise ``InvalidProof`` otherwise."""
    if any(p.is_identity() for p in (base2, x, y, proof.a, proof.b)):
        raise InvalidProof("Chaum-Pedersen proof: identity element in the statement or proof")
    c = _dleq_challenge(ctx, base2, x, y, binding, proof.a, proof.b)
    s = proof.response
    if _kernel.enabled():
        ok = _vanishes((s._v, _G), (-1, proof.a), (-c._v, x)) and _vanishes(
            (s._v, base2), (-1, proof.b), (-c._v, y)
        )
    else:
        ok = Point.base_mul(s) == proof.a + c * x and s * base2 == proof.b + c * y
    if not ok:
        raise InvalidProof("Chaum-Pedersen proof does not verify")


def _vanishes(*terms: tuple[int, Point]) -> bool:
    """``Σ n_i·P_i`` is the identity, checked exactly by the kernel (public data only)."""
    return public_multi_mul([n for n, _ in terms], [p for _, p in terms]).is_identity()


# ------------------------------------------------------------------------ disjunctive


@dataclass(frozen=True, slots=True)
class Branch:
    """One branch ``j`` of a disjunctive proof: ``A_j, B_j, c_j, s_j``."""

    a: Point
    b: Point
    c: Scalar
    s: Scalar

    def __post_init__(self) -> None:
        _check_types(self, a=Point, b=Point, c=Scalar, s=Scalar)


@dataclass(frozen=True, slots=True)
class DisjunctiveProof:
    """Disjunctive Chaum-Pedersen proof that ``(α, β)`` encrypts one of the allowed values.

    For each allowed ``m_j``: ``s_j·G = A_j + c_j·α`` and ``s_j·H = B_j + c_j·(β − m_j·G)``,
    and ``Σ c_j`` equals the Fiat-Shamir challenge.
    """

    branches: tuple[Branch, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.branches, tuple) or not all(
            isinstance(br, Branch) for br in self.branches
        ):
            raise TypeError("DisjunctiveProof.branches must be a tuple of Branch")

    def to_bytes(self) -> bytes:
        """128 bytes per branch: ``A_j ‖ B_j ‖ c_j ‖ s_j``, in the allowed set's order."""
        return b"".join(
            br.a.to_bytes() + br.b.to_bytes() + br.c.to_bytes() + br.s.to_bytes()
            for br in self.branches
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> DisjunctiveProof:
        if not data or len(data) % 128:
            raise InvalidEncoding("a disjunctive proof is a positive multiple of 128 bytes")
        branches = []
        for off in range(0, len(data), 128):
            branches.append(
                Branch(
                    Point.from_bytes(data[off : off + 32]),
                    Point.from_bytes(data[off + 32 : off + 64]),
                    Scalar.from_bytes(data[off + 64 : off + 96]),
                    Scalar.from_bytes(data[off + 96 : off + 128]),
                )
            )
        return cls(tuple(branches))

    def hex(self) -> str:
        return self.to_bytes().hex()

    @classmethod
    def from_hex(cls, text: str) -> DisjunctiveProof:
        return cls.from_bytes(_unhex(text, "disjunctive proof"))


def allowed_set(values: Sequence[int]) -> tuple[int, ...]:
    """Check an allowed-plaintext list: non-empty, distinct, each in ``[0, ℓ)``."""
    out = tuple(values)
    if not out:
        raise CryptoError("the allowed set is empty")
    if len(set(out)) != len(out):
        raise CryptoError(f"the allowed set has repeated values: {list(out)}")
    for v in out:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < ORDER:
            raise CryptoError(f"allowed value out of range: {v!r}")
    return out


def _in_set_challenge(
    ctx: Context,
    public: Point,
    ct: Ciphertext,
    allowed: tuple[int, ...],
    binding: bytes,
    commitments: Sequence[Point],
) -> Scalar:
    items: list[Item] = [_G, public, ct.alpha, ct.beta, len(allowed)]
    items.extend(Scalar._make(m) for m in allowed)
    items.append(binding)
    items.extend(commitments)
    return ctx.challenge(TAG_IN_SET, *items)


def prove_in_set_with_nonces(
    ctx: Context,
    public: Point,
    ct: Ciphertext,
    value: int,
    nonce: Scalar,
    allowed: Sequence[int],
    proof_nonces: Sequence[Scalar],
    *,
    binding: bytes = b"",
) -> DisjunctiveProof:
    """Deterministic prover: ``proof_nonces`` are ``k`` then ``(c_j, s_j)`` for each
    simulated branch ``j ≠ i`` in order (``2·len(allowed) − 1`` scalars).

    ``ct`` must be ``encrypt_with_nonce(public, value, nonce)``; otherwise the proof made
    will not verify.
    """
    allowed_t = allowed_set(allowed)
    if value not in allowed_t:
        raise CryptoError(f"value {value} is not in the allowed set {list(allowed_t)}")
    if len(proof_nonces) != 2 * len(allowed_t) - 1:
        raise CryptoError("prove_in_set needs 2·len(allowed) − 1 proof nonces")
    if not nonce:
        raise CryptoError("the encryption nonce must not be zero")
    # k = 0 would make s_i = c_i·r public, hence r, hence the vote (β − r·H = m·G).
    _proof_nonce(proof_nonces[0])
    real = allowed_t.index(value)
    r = int(nonce)
    h = public.to_bytes()
    k = int(proof_nonces[0])
    cs: list[int] = []
    ss: list[int] = []
    commitments: list[Point] = []
    pos = 1
    for j, m_j in enumerate(allowed_t):
        if j == real:
            a = _sodium.scalarmult_base(_b(k))
            b = key_mul_bytes(_b(k), h)
            cs.append(0)
            ss.append(0)
        else:
            c_j = int(proof_nonces[pos])
            s_j = int(proof_nonces[pos + 1])
            pos += 2
            # The prover knows r, so A_j = s_j·G − c_j·α = (s_j − c_j·r)·G and
            # B_j = s_j·H − c_j·(β − m_j·G) = (s_j − c_j·r)·H − c_j·(m_i − m_j)·G.
            t = (s_j - c_j * r) % ORDER
            a = _sodium.scalarmult_base(_b(t))
            u = c_j * (value - m_j) % ORDER
            b = _sodium.sub(key_mul_bytes(_b(t), h), _sodium.scalarmult_base(_b(u)))
            cs.append(c_j)
            ss.append(s_j)
        commitments.append(Point._make(a))
        commitments.append(Point._make(b))
    c = int(_in_set_challenge(ctx, public, ct, allowed_t, binding, commitments))
    c_real = (c - sum(cs)) % ORDER
    cs[real] = c_real
    ss[real] = (k + c_real * r) % ORDER
    return DisjunctiveProof(
        tuple(
            Branch(
                commitments[2 * j], commitments[2 * j + 1], Scalar._make(cs[j]), Scalar._make(ss[j])
            )
            for j in range(len(allowed_t))
        )
    )


def prove_in_set(
    ctx: Context,
    public: Point,
    ct: Ciphertext,
    value: int,
    nonce: Scalar,
    allowed: Sequence[int],
    *,
    binding: bytes = b"",
) -> DisjunctiveProof:
    """Prove that ``ct`` (made with ``nonce``) encrypts ``value`` ∈ ``allowed``."""
    nonces = [Scalar.random_nonzero()]
    nonces.extend(Scalar.random() for _ in range(2 * len(allowed) - 2))
    return prove_in_set_with_nonces(ctx, public, ct, value, nonce, allowed, nonces, binding=binding)


def _in_set_layout(ctx: Context, public: bytes, allowed: tuple[int, ...]) -> tuple[bytes, bytes]:
    """The transcript bytes shared by every row of one statement (docs/crypto.md §3, §6).

    ``head`` runs up to ``LP(H)``; ``middle`` is ``LP(U64 n) ‖ LP(m_1) ‖ … ‖ LP(m_n)``. A row's
    input is ``head ‖ LP(α) ‖ LP(β) ‖ middle ‖ LP(b) ‖ LP(A_1) ‖ LP(B_1) ‖ … ‖ LP(B_n)``,
    byte for byte what ``_in_set_challenge`` hashes, built without per-item objects.
    """
    n = len(allowed)
    head = b"".join(
        (transcript_head(ctx.fingerprint, TAG_IN_SET, 6 + 3 * n), _LP32, _G_BYTES, _LP32, public)
    )
    middle = b"".join(
        [_LP8, n.to_bytes(8, "big")] + [_LP32 + m.to_bytes(32, "little") for m in allowed]
    )
    return head, middle


def _check_row(
    layout: tuple[bytes, bytes],
    public: Point,
    ct: Ciphertext,
    allowed: tuple[int, ...],
    proof: DisjunctiveProof,
    binding: bytes,
) -> None:
    """Shape, identities and the challenge sum of one row (``allowed`` already checked)."""
    if len(proof.branches) != len(allowed):
        raise InvalidProof(
            f"disjunctive proof has {len(proof.branches)} branches, the allowed set {len(allowed)}"
        )
    if public._b == _IDENTITY or ct.alpha._b == _IDENTITY:
        raise InvalidProof("identity public key or ciphertext α")
    head, middle = layout
    if type(binding) is not bytes:
        binding = encode_item(binding)  # bytearray → bytes; anything else is a TypeError
    parts = [head, _LP32, ct.alpha._b, _LP32, ct.beta._b, middle, _lp4(binding), binding]
    c_sum = 0
    for br in proof.branches:
        a = br.a._b
        b = br.b._b
        if a == _IDENTITY or b == _IDENTITY:
            raise InvalidProof("identity commitment in a disjunctive proof")
        parts += (_LP32, a, _LP32, b)
        c_sum += br.c._v
    if c_sum % ORDER != _hash_scalar(parts):
        raise InvalidProof("branch challenges do not sum to the Fiat-Shamir challenge")


def _hash_scalar(parts: list[bytes]) -> int:
    """SHA-512 of the concatenated ``parts`` read little-endian, mod ℓ (a challenge)."""
    return int.from_bytes(hashlib.sha512(b"".join(parts)).digest(), "little") % ORDER


def _precheck(
    ctx: Context,
    public: Point,
    ct: Ciphertext,
    allowed: Sequence[int],
    proof: DisjunctiveProof,
    binding: bytes,
) -> tuple[int, ...]:
    """The exact, non-randomised part of verification: shape, identities, challenge sum."""
    allowed_t = allowed_set(allowed)
    _check_row(_in_set_layout(ctx, public._b, allowed_t), public, ct, allowed_t, proof, binding)
    return allowed_t


def verify_in_set(
    ctx: Context,
    public: Point,
    ct: Ciphertext,
    allowed: Sequence[int],
    proof: DisjunctiveProof,
    *,
    binding: bytes = b"",
) -> None:
    """Check every branch equation exactly; raise ``InvalidProof`` if any fails."""
    allowed_t = _precheck(ctx, public, ct, allowed, proof, binding)
    if _kernel.enabled():
        for m_j, br in zip(allowed_t, proof.branches, strict=True):
            cj = br.c._v
            if not _vanishes((br.s._v, _G), (-1, br.a), (-cj, ct.alpha)):
                raise InvalidProof("disjunctive proof does not verify (α equation)")
            # s·H = B + c·(β − m·G)  ⇔  s·H − B − c·β + (c·m)·G = 0
            if not _vanishes((br.s._v, public), (-1, br.b), (-cj, ct.beta), (cj * m_j, _G)):
                raise InvalidProof("disjunctive proof does not verify (β equation)")
        return
    alpha = ct.alpha.to_bytes()
    beta = ct.beta.to_bytes()
    h = public.to_bytes()
    for m_j, br in zip(allowed_t, proof.branches, strict=True):
        c = _b(int(br.c))
        s = _b(int(br.s))
        lhs1 = _sodium.scalarmult_base(s)
        rhs1 = _sodium.add(br.a.to_bytes(), _sodium.scalarmult(c, alpha))
        if lhs1 != rhs1:
            raise InvalidProof("disjunctive proof does not verify (α equation)")
        beta_j = _sodium.sub(beta, _sodium.scalarmult_base(_b(m_j)))
        lhs2 = _sodium.scalarmult(s, h)
        rhs2 = _sodium.add(br.b.to_bytes(), _sodium.scalarmult(c, beta_j))
        if lhs2 != rhs2:
            raise InvalidProof("disjunctive proof does not verify (β equation)")


#: ``(ciphertext, allowed set, proof, binding)`` — one row for ``verify_in_set_batch``.
BatchItem = tuple[Ciphertext, Sequence[int], DisjunctiveProof, bytes]


def verify_in_set_batch(ctx: Context, public: Point, items: Sequence[BatchItem]) -> None:
    """Verify many disjunctive proofs under one public key at once.

    Each proof's challenge and challenge sum are checked exactly. Then every branch
    equation ``e`` (two per branch) gets an independent random 128-bit weight ``w_e`` and
    the single combined equation

        (Σ w₁s_j + w₂c_j·m_j)·G + (Σ w₂s_j)·H
            = Σ_rows [(Σ_j w₁c_j)·α + (Σ_j w₂c_j)·β + Σ_j (w₁·A_j + w₂·B_j)]

    is checked, so ``G`` and ``H`` are multiplied once per batch and ``α``, ``β`` once
    per row. A false equation survives with probability at most 2⁻¹²⁸. If the batch
    fails, the rows are checked one by one and ``InvalidProof.index`` names the first bad
    one.
    """
    first_bad: InvalidProof | None = None
    # The allowed sets are normalised once, so the exact and the randomised parts check
    # the very same statement (an iterator could not be read twice). Rows usually share
    # one allowed-set object: it is normalised again only when the object changes.
    checked: list[tuple[Ciphertext, tuple[int, ...], DisjunctiveProof, bytes]] = []
    layouts: dict[tuple[int, ...], tuple[bytes, bytes]] = {}
    last: object = None
    allowed_t: tuple[int, ...] = ()
    for idx, (ct, allowed, proof, binding) in enumerate(items):
        try:
            if allowed is not last or not isinstance(allowed, (tuple, list)):
                allowed_t = allowed_set(allowed)
                last = allowed
            layout = layouts.get(allowed_t)
            if layout is None:
                layout = layouts[allowed_t] = _in_set_layout(ctx, public._b, allowed_t)
            _check_row(layout, public, ct, allowed_t, proof, binding)
        except CryptoError as exc:
            first_bad = InvalidProof(str(exc), index=idx)
            first_bad.__cause__ = exc
            break
        checked.append((ct, allowed_t, proof, binding))
    # Rows before the first structurally bad one may still fail their equations; the
    # error must name the first bad row, so they are batch-checked too.
    good = checked
    if good and not _batch_equation(public, good):
        for idx, (ct, allowed, proof, binding) in enumerate(good):
            try:
                verify_in_set(ctx, public, ct, allowed, proof, binding=binding)
            except InvalidProof as exc:
                raise InvalidProof(str(exc), index=idx) from exc
        raise InvalidProof("the batch equation fails but every row verifies alone")
    if first_bad is not None:
        raise first_bad


def _batch_equation(
    public: Point, items: Sequence[tuple[Ciphertext, tuple[int, ...], DisjunctiveProof, bytes]]
) -> bool:
    """The random linear combination of every branch equation of ``items`` holds.

    Every point here is a checked ``Point``, so a product that is the identity (for
    example ``β`` the identity) is a real term, not an error: ``ok`` is not needed.
    """
    g_coef = 0
    h_coef = 0
    terms: list[tuple[bytes, bytes]] = []
    # Two independent 128-bit weights per branch, all from one read of the OS CSPRNG.
    pool = os.urandom(32 * sum(len(proof.branches) for _, _, proof, _ in items))
    pos = 0
    for ct, allowed, proof, _binding in items:
        a_coef = 0
        b_coef = 0
        for m_j, br in zip(allowed, proof.branches, strict=True):
            w1b = pool[pos : pos + 16]
            w2b = pool[pos + 16 : pos + 32]
            pos += 32
            w1 = int.from_bytes(w1b, "little")
            w2 = int.from_bytes(w2b, "little")
            c = br.c._v
            s = br.s._v
            g_coef += w1 * s + w2 * c * m_j
            h_coef += w2 * s
            a_coef += w1 * c
            b_coef += w2 * c
            terms.append((w1b + _ZERO16, br.a._b))
            terms.append((w2b + _ZERO16, br.b._b))
        terms.append((_b(a_coef % ORDER), ct.alpha._b))
        terms.append((_b(b_coef % ORDER), ct.beta._b))
    if _kernel.enabled():
        rc, acc = _kernel_combination(terms, public, g_coef, h_coef)
        return rc >= 0 and acc == _IDENTITY
    acc, _ok = _sodium.sum_of_products(terms)
    return _lhs(public, g_coef, h_coef) == acc


def _kernel_combination(
    terms: list[tuple[bytes, bytes]], public: Point, g_coef: int, h_coef: int
) -> tuple[int, bytes]:
    """``Σ terms − g·G − h·H`` by the kernel's multi-scalar multiplication, and its code.

    The code is negative when a point is not a valid RFC 9496 encoding, and
    ``IDENTITY_TERM`` when one of ``terms`` has an identity point or a zero scalar (the
    ``G`` and ``H`` terms are left out when their coefficient is 0, so they never raise
    it). Everything here is public: the kernel runs in variable time.
    """
    g = -g_coef % ORDER
    h = -h_coef % ORDER
    scalars = [n for n, _ in terms]
    points = [p for _, p in terms]
    if g:
        scalars.append(_b(g))
        points.append(_G_BYTES)
    if h:
        scalars.append(_b(h))
        points.append(public._b)
    rc, acc, _bad = _kernel.msm(b"".join(scalars), b"".join(points))
    return rc, acc


def _lhs(public: Point, g_coef: int, h_coef: int) -> bytes:
    """``g·G + h·H`` (both reduced mod ℓ here)."""
    return _sodium.add(
        _sodium.scalarmult_base(_b(g_coef % ORDER)),
        _sodium.scalarmult(_b(h_coef % ORDER), public._b),
    )


#: ``(ciphertext bytes, proof bytes, binding)`` — one row for ``verify_in_set_encoded``.
EncodedItem = tuple[bytes, bytes, bytes]


def verify_in_set_encoded(
    ctx: Context, public: Point, allowed: Sequence[int], rows: Sequence[EncodedItem]
) -> list[Ciphertext] | None:
    """Fast path of decode-then-``verify_in_set_batch`` for rows still in their bytes.

    Each row is a 64-byte ciphertext ``α ‖ β``, a ``128·n``-byte disjunctive proof and its
    binding, all under one allowed set. Returns the decoded ciphertexts when every row
    passes every check of ``Ciphertext.from_bytes``, ``DisjunctiveProof.from_bytes`` and
    ``verify_in_set_batch``; returns ``None`` when it cannot vouch for them — then decode
    the rows and call ``verify_in_set_batch`` to get the verdict and the error. ``None``
    never means the rows are good; a list never holds a row that the exact path rejects
    (up to the batch's 2⁻¹²⁸).

    The checks are the same, done on bytes: every scalar ``< ℓ``; every challenge
    recomputed over the exact transcript bytes and equal to ``Σ c_j``; every point (α, β,
    each ``A_j``, ``B_j``) decoded and validated once, inside the weighted multiplication
    of the batch equation — the kernel (or libsodium, with the bit-255 check libsodium
    1.0.18 lacks) rejects a non-canonical or invalid encoding there and flags an identity
    product (an identity point or a zero weight or coefficient); any flag sends the rows
    to the exact path. The identity is never accepted here, even for β (which
    ``Ciphertext`` allows); such a row goes to the exact path.

    ``rows`` may come from many ballots under one key and allowed set (the fingerprint
    is in ``ctx`` and each row's binding names its ballot): ``tinnhiem.ballots`` checks
    a hundred ballots in one call, one Pippenger multiplication for all of them.
    """
    try:
        allowed_t = allowed_set(allowed)
    except CryptoError:
        return None
    if public._b == _IDENTITY:
        return None
    n = len(allowed_t)
    size = 128 * n
    head, middle = _in_set_layout(ctx, public._b, allowed_t)
    pool = os.urandom(32 * n * len(rows))
    pos = 0
    g_coef = 0
    h_coef = 0
    terms: list[tuple[bytes, bytes]] = []
    cts: list[Ciphertext] = []
    for ct, proof, binding in rows:
        if (
            type(ct) is not bytes
            or len(ct) != 64
            or type(proof) is not bytes
            or len(proof) != size
            or type(binding) is not bytes
        ):
            return None
        alpha = ct[:32]
        beta = ct[32:]
        parts = [head, _LP32, alpha, _LP32, beta, middle, _lp4(binding), binding]
        a_coef = 0
        b_coef = 0
        c_sum = 0
        for off, m_j in zip(range(0, size, 128), allowed_t, strict=True):
            a_j = proof[off : off + 32]
            b_j = proof[off + 32 : off + 64]
            c = int.from_bytes(proof[off + 64 : off + 96], "little")
            s = int.from_bytes(proof[off + 96 : off + 128], "little")
            if c >= ORDER or s >= ORDER:
                return None  # not a canonical scalar
            parts += (_LP32, a_j, _LP32, b_j)
            w1b = pool[pos : pos + 16]
            w2b = pool[pos + 16 : pos + 32]
            pos += 32
            w1 = int.from_bytes(w1b, "little")
            w2 = int.from_bytes(w2b, "little")
            c_sum += c
            g_coef += w1 * s + w2 * c * m_j
            h_coef += w2 * s
            a_coef += w1 * c
            b_coef += w2 * c
            terms.append((w1b + _ZERO16, a_j))
            terms.append((w2b + _ZERO16, b_j))
        if c_sum % ORDER != _hash_scalar(parts):
            return None
        terms.append((_b(a_coef % ORDER), alpha))
        terms.append((_b(b_coef % ORDER), beta))
        cts.append(Ciphertext(Point._make(alpha), Point._make(beta)))
    if _kernel.enabled():
        rc, acc = _kernel_combination(terms, public, g_coef, h_coef)
        if rc != _kernel.OK or acc != _IDENTITY:
            return None
        return cts
    acc, ok = _sodium.sum_of_products(terms)
    if not ok or _lhs(public, g_coef, h_coef) != acc:
        return None
    return cts
