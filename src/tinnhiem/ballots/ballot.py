"""The encrypted ballot (lá phiếu mã hoá): one packed row per official, each with a proof
that it encrypts an allowed mark, signed by the voter's credential.

Nothing here keeps state; the arrival policy (arrival.py) decides whether a verified
ballot is accepted.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinnhiem.ballots.codec import as_list, as_obj, as_str, from_hex, tagged_hash, to_hex
from tinnhiem.ballots.encoding import Mark, choice_bits, level_bits, mark_value
from tinnhiem.ballots.manifest import MAX_CANDIDATES, Encoding, Manifest, RoundKind
from tinnhiem.ballots.rows import CT_BYTES, RowMalformed, row_items, seal_levels
from tinnhiem.crypto import (
    Ciphertext,
    Context,
    CredentialKey,
    CryptoError,
    DisjunctiveProof,
    Point,
    encrypt,
    prove_in_set,
    sign,
    verify_in_set_batch,
    verify_in_set_encoded,
    verify_signature,
)
from tinnhiem.errors import InputError

__all__ = [
    "Ballot",
    "BallotRejected",
    "BallotRow",
    "SealedBallot",
    "cast_ballot",
    "format_tracker",
    "row_binding",
    "seal_ballot",
    "verify_ballot",
    "verify_ballots",
]


class BallotRejected(InputError):
    """A ballot refused on arrival. ``reason`` is a short code; ``row`` the row at fault."""

    def __init__(
        self, reason: str, message: str, *, row: int | None = None, where: str | None = None
    ) -> None:
        self.reason = reason
        self.row = row
        self.message = message
        super().__init__(message, where=where)

    def __reduce__(self) -> Any:  # keep the fields across process boundaries
        return (_rebuild_rejected, (self.reason, self.message, self.row, self.where))


def _rebuild_rejected(
    reason: str, message: str, row: int | None, where: str | None
) -> BallotRejected:
    return BallotRejected(reason, message, row=row, where=where)


def row_binding(fingerprint: bytes, credential: bytes, official_id: str) -> bytes:
    """The bytes a row's proof is bound to: H(fingerprint, credential, official id)."""
    return tagged_hash("tinnhiem/row/v1", fingerprint, credential, official_id.encode("utf-8"))


def format_tracker(ballot_hash: bytes) -> str:
    """Mã theo dõi: the whole ballot hash in base32 (52 characters, 256 bits), in 13 groups
    of 4 for reading aloud and comparing: ``XXXX-XXXX-…-XXXX``."""
    text = base64.b32encode(ballot_hash).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


@dataclass(frozen=True, slots=True)
class BallotRow:
    """One official's row: a 64-byte ciphertext and its disjunctive proof, as bytes."""

    official_id: str
    ciphertext: bytes
    proof: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "official": self.official_id,
            "ct": to_hex(self.ciphertext),
            "proof": to_hex(self.proof),
        }

    @classmethod
    def from_json(cls, data: Any, *, where: str) -> BallotRow:
        d = as_obj(data, where)
        try:
            return cls(
                official_id=as_str(d["official"], f"{where}.official"),
                ciphertext=_ciphertexts(d["ct"], f"{where}.ct"),
                proof=from_hex(d["proof"], where=f"{where}.proof"),
            )
        except KeyError as exc:
            raise InputError(f"missing field {exc.args[0]!r}", where=where) from exc


def _ciphertexts(text: Any, where: str) -> bytes:
    """One or more 64-byte ciphertexts (a packed row has one, a per-level row one a level,
    a choose row one a candidate and the blank indicator)."""
    data = from_hex(text, where=where)
    if not data or len(data) % CT_BYTES or len(data) > (MAX_CANDIDATES + 1) * CT_BYTES:
        raise InputError(
            f"expected 1 to {MAX_CANDIDATES + 1} ciphertexts of 64 bytes, got {len(data)} bytes",
            where=where,
        )
    return data


@dataclass(frozen=True, slots=True)
class Ballot:
    """Lá phiếu: the rows in ballot order, the voter's public credential and signature."""

    credential: bytes
    rows: tuple[BallotRow, ...]
    signature: bytes

    @staticmethod
    def content_digest(fingerprint: bytes, credential: bytes, rows: Sequence[BallotRow]) -> bytes:
        """What the credential signs: H(fingerprint, credential, k, id₁, ct₁, π₁, …)."""
        parts: list[bytes] = [fingerprint, credential, len(rows).to_bytes(4, "big")]
        for row in rows:
            parts += (row.official_id.encode("utf-8"), row.ciphertext, row.proof)
        return tagged_hash("tinnhiem/ballot/v1", *parts)

    def digest(self, fingerprint: bytes) -> bytes:
        return self.content_digest(fingerprint, self.credential, self.rows)

    def columns(self) -> list[bytes]:
        """The ballot's 64-byte ciphertexts row by row (a per-level row holds several)."""
        return [
            row.ciphertext[i : i + CT_BYTES]
            for row in self.rows
            for i in range(0, len(row.ciphertext), CT_BYTES)
        ]

    def ballot_hash(self, fingerprint: bytes) -> bytes:
        """H(content digest, signature): names this exact ballot on the board."""
        return tagged_hash("tinnhiem/ballot-hash/v1", self.digest(fingerprint), self.signature)

    def tracker(self, fingerprint: bytes) -> str:
        return format_tracker(self.ballot_hash(fingerprint))

    def to_json(self) -> dict[str, Any]:
        return {
            "credential": to_hex(self.credential),
            "rows": [r.to_json() for r in self.rows],
            "signature": to_hex(self.signature),
        }

    @classmethod
    def from_json(cls, data: Any, *, where: str) -> Ballot:
        d = as_obj(data, where)
        try:
            return cls(
                credential=from_hex(d["credential"], size=32, where=f"{where}.credential"),
                rows=tuple(
                    BallotRow.from_json(r, where=f"{where}.rows[{i}]")
                    for i, r in enumerate(as_list(d["rows"], f"{where}.rows"))
                ),
                signature=from_hex(d["signature"], size=64, where=f"{where}.signature"),
            )
        except KeyError as exc:
            raise InputError(f"missing field {exc.args[0]!r}", where=where) from exc


@dataclass(frozen=True)
class SealedBallot:
    """A ballot sealed on the voter's device, with what a Benaloh audit would reveal: each
    row's mark and encryption nonce (``reveal``). Cast the ballot or audit it, never both."""

    ballot: Ballot
    reveal: dict[str, Any]


def seal_ballot(
    manifest: Manifest,
    fingerprint: bytes,
    public_key: Point,
    credential: CredentialKey,
    marks: Mapping[str, Mark],
) -> SealedBallot:
    """Encrypt and prove one row per official (a missing official is a blank row), sign,
    and keep the nonces for an audit. This is the voter's side (the booth, in the web).

    A choose ballot marks ``Mark.CHOSEN`` on at most k candidates (the rest, or none, are
    left out or ``Mark.BLANK``); it is sealed as one row: a 0/1 ciphertext per candidate,
    the blank indicator b when the manifest has it, and the proof of the weighted sum
    ``Σ x_i + k·b`` (rows.py). Its reveal has one nonce per ciphertext, b's last."""
    unknown = set(marks) - set(manifest.official_ids)
    if unknown:
        raise InputError(f"unknown officials {sorted(unknown)}", where="marks")
    ctx = Context(fingerprint)
    allowed = manifest.allowed_values()
    cred = credential.public
    rows = []
    revealed: list[dict[str, Any]] = []
    if manifest.kind is RoundKind.CHOOSE_AT_MOST:
        wrong = sorted(c for c, m in marks.items() if m not in (Mark.CHOSEN, Mark.BLANK))
        if wrong:
            raise InputError(f"a choose ballot marks names as chosen: {wrong}", where="marks")
        chosen = [c for c in manifest.official_ids if marks.get(c) is Mark.CHOSEN]
        (row_id,) = manifest.row_ids
        binding = row_binding(fingerprint, cred, row_id)
        cts, proofs, nonces = seal_levels(
            ctx,
            public_key,
            choice_bits(manifest, chosen),
            binding,
            manifest.sum_allowed(),
            manifest.sum_weights(),
        )
        rows.append(BallotRow(row_id, cts, proofs))
        revealed.append({"official": row_id, "chosen": chosen, "nonces": [n.hex() for n in nonces]})
        digest = Ballot.content_digest(fingerprint, cred, rows)
        return SealedBallot(Ballot(cred, tuple(rows), sign(credential, digest)), {"rows": revealed})
    for official_id in manifest.official_ids:
        mark = marks.get(official_id, Mark.BLANK)
        if manifest.encoding is Encoding.PER_LEVEL:
            binding = row_binding(fingerprint, cred, official_id)
            cts, proofs, nonces = seal_levels(ctx, public_key, level_bits(manifest, mark), binding)
            rows.append(BallotRow(official_id, cts, proofs))
            revealed.append(
                {"official": official_id, "mark": mark.value, "nonces": [n.hex() for n in nonces]}
            )
            continue
        value = mark_value(manifest, mark)
        ct, nonce = encrypt(public_key, value)
        proof = prove_in_set(
            ctx,
            public_key,
            ct,
            value,
            nonce,
            allowed,
            binding=row_binding(fingerprint, cred, official_id),
        )
        rows.append(BallotRow(official_id, ct.to_bytes(), proof.to_bytes()))
        revealed.append({"official": official_id, "mark": mark.value, "nonce": nonce.hex()})
    digest = Ballot.content_digest(fingerprint, cred, rows)
    return SealedBallot(Ballot(cred, tuple(rows), sign(credential, digest)), {"rows": revealed})


def cast_ballot(
    manifest: Manifest,
    fingerprint: bytes,
    public_key: Point,
    credential: CredentialKey,
    marks: Mapping[str, Mark],
) -> Ballot:
    """A sealed ballot to cast (its nonces are forgotten)."""
    return seal_ballot(manifest, fingerprint, public_key, credential, marks).ballot


def verify_ballot(
    manifest: Manifest, fingerprint: bytes, public_key: Point, ballot: Ballot
) -> list[Ciphertext]:
    """The stateless checks of one ballot: shape, signature, every row's proof (batched).

    Returns the decoded ciphertexts in ballot order. Raises ``BallotRejected`` naming the
    reason and the row. Eligibility and duplicates are the arrival policy's (arrival.py).

    The rows are first checked straight from their bytes (``verify_in_set_encoded``: the
    same checks, each point decoded once). Only when that fast path cannot vouch for
    every row are they decoded one by one and batch-verified, which finds the error and
    the row to name.
    """
    ids = manifest.row_ids
    _check_shape_and_signature(ids, fingerprint, ballot)
    ctx = Context(fingerprint)
    items, item_rows = _proof_items(manifest, fingerprint, ballot)
    cts = _verify_encoded(manifest, ctx, public_key, items)
    if cts is None:
        cts = _verify_rows_exact(ctx, public_key, _item_sets(manifest, items), items, item_rows)
    if manifest.encoding is Encoding.PACKED:
        return cts
    k = manifest.levels  # leave out each row's sum: the ballot's columns only
    return [ct for i, ct in enumerate(cts) if i % (k + 1) != k]


def _item_sets(
    manifest: Manifest, items: Sequence[tuple[bytes, bytes, bytes]]
) -> list[tuple[int, ...]]:
    """The allowed set of each proof of ``items`` (whole rows, in order)."""
    if manifest.encoding is Encoding.PACKED:
        allowed = manifest.allowed_values()
        return [allowed] * len(items)
    k = manifest.levels
    bit, total = manifest.allowed_values(), manifest.sum_allowed()
    total = bit if total == bit else total  # one object: the batch normalises it once
    return [total if i % (k + 1) == k else bit for i in range(len(items))]


def _verify_encoded(
    manifest: Manifest, ctx: Context, public_key: Point, items: list[tuple[bytes, bytes, bytes]]
) -> list[Ciphertext] | None:
    """``verify_in_set_encoded`` over whole rows; when the rows' sums have their own set (a
    choose ballot's weighted sum in 1 … k, or 0 … k without the blank column) the levels
    and the sums are checked as two batches, and the ciphertexts come back in the items'
    order."""
    allowed = manifest.allowed_values()
    if manifest.encoding is Encoding.PACKED or manifest.sum_allowed() == allowed:
        return verify_in_set_encoded(ctx, public_key, allowed, items)
    k = manifest.levels
    levels = [it for i, it in enumerate(items) if i % (k + 1) != k]
    sums = [it for i, it in enumerate(items) if i % (k + 1) == k]
    level_cts = verify_in_set_encoded(ctx, public_key, allowed, levels)
    if level_cts is None:
        return None
    sum_cts = verify_in_set_encoded(ctx, public_key, manifest.sum_allowed(), sums)
    if sum_cts is None:
        return None
    out: list[Ciphertext] = []
    lv, sm = iter(level_cts), iter(sum_cts)
    for i in range(len(items)):
        out.append(next(sm) if i % (k + 1) == k else next(lv))
    return out


def _proof_items(
    manifest: Manifest, fingerprint: bytes, ballot: Ballot
) -> tuple[list[tuple[bytes, bytes, bytes]], list[int]]:
    """Every proof of the ballot as ``(ciphertext, proof, binding)``, and its row."""
    items: list[tuple[bytes, bytes, bytes]] = []
    item_rows: list[int] = []
    for i, (row, oid) in enumerate(zip(ballot.rows, manifest.row_ids, strict=True)):
        binding = row_binding(fingerprint, ballot.credential, oid)
        try:
            found = row_items(manifest, row.ciphertext, row.proof, binding)
        except RowMalformed as exc:
            raise BallotRejected("malformed", f"row {i}: {exc}", row=i) from exc
        items += found
        item_rows += [i] * len(found)
    return items, item_rows


def _check_shape_and_signature(ids: tuple[str, ...], fingerprint: bytes, ballot: Ballot) -> None:
    if tuple(r.official_id for r in ballot.rows) != ids:
        raise BallotRejected("malformed", "rows do not list the officials in ballot order")
    try:
        verify_signature(ballot.credential, ballot.digest(fingerprint), ballot.signature)
    except CryptoError as exc:
        raise BallotRejected("bad_signature", "the credential's signature does not verify") from exc


#: Ballots whose proofs ``verify_ballots`` checks in one combined equation.
BATCH_BALLOTS = 100


def verify_ballots(
    manifest: Manifest, fingerprint: bytes, public_key: Point, ballots: Sequence[Ballot]
) -> list[BallotRejected | None]:
    """``verify_ballot`` for many ballots: one verdict per ballot, None when it passes.

    Shapes and signatures are checked ballot by ballot; the proofs of every ballot that
    passes them, up to ``BATCH_BALLOTS`` at a time, go into one random linear combination
    (``verify_in_set_encoded`` over all their rows: one Pippenger multiplication with the
    verification kernel). Only a group that this cannot vouch for is checked again ballot
    by ballot, so each verdict, its reason and its row are exactly ``verify_ballot``'s.
    """
    ids = manifest.row_ids
    ctx = Context(fingerprint)
    verdicts: list[BallotRejected | None] = [None] * len(ballots)
    for start in range(0, len(ballots), BATCH_BALLOTS):
        pending = []
        rows: list[tuple[bytes, bytes, bytes]] = []
        for i in range(start, min(start + BATCH_BALLOTS, len(ballots))):
            ballot = ballots[i]
            try:
                _check_shape_and_signature(ids, fingerprint, ballot)
            except BallotRejected as exc:
                verdicts[i] = exc
                continue
            try:
                items, _ = _proof_items(manifest, fingerprint, ballot)
            except BallotRejected as exc:
                verdicts[i] = exc
                continue
            pending.append(i)
            rows.extend(items)
        if not pending or _verify_encoded(manifest, ctx, public_key, rows) is not None:
            continue
        for i in pending:
            try:
                verify_ballot(manifest, fingerprint, public_key, ballots[i])
            except BallotRejected as exc:
                verdicts[i] = exc
    return verdicts


def _verify_rows_exact(
    ctx: Context,
    public_key: Point,
    allowed_sets: Sequence[tuple[int, ...]],
    encoded: Sequence[tuple[bytes, bytes, bytes]],
    item_rows: Sequence[int],
) -> list[Ciphertext]:
    """Decode every proof's statement, then batch-verify: raises ``BallotRejected`` at the
    first fault, naming its row."""
    items = []
    cts = []
    for (ct_bytes, proof_bytes, binding), i, allowed in zip(
        encoded, item_rows, allowed_sets, strict=True
    ):
        try:
            ct = Ciphertext.from_bytes(ct_bytes)
            proof = DisjunctiveProof.from_bytes(proof_bytes)
        except CryptoError as exc:
            raise BallotRejected("malformed", f"row {i}: {exc}", row=i) from exc
        cts.append(ct)
        items.append((ct, allowed, proof, binding))
    try:
        verify_in_set_batch(ctx, public_key, items)
    except CryptoError as exc:
        bad = getattr(exc, "index", None)
        bad_row = item_rows[bad] if isinstance(bad, int) and 0 <= bad < len(item_rows) else None
        raise BallotRejected("bad_proof", f"proof does not verify: {exc}", row=bad_row) from exc
    return cts
