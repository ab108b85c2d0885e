"""Threshold decryption of the aggregates by the counting committee (giải mã ngưỡng).

Any ``t`` of the ``n`` members decrypt; an absent member is simply absent. Each present
member publishes one factor per official with a proof; the factors combine into
``sum·G`` and one baby-step giant-step table, built once, recovers every sum.

A round with no ballot counted is never decrypted: its aggregates are the empty sum, every
sum is 0, and no share is needed or accepted (``tinnhiem.tally.empty``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from tinnhiem.crypto import Ciphertext, Context, DecryptionError, DlogTable, Point
from tinnhiem.crypto.dkg import CommitteeKey, MemberShare
from tinnhiem.crypto.threshold import DecryptionShare, combine, partial_decrypt
from tinnhiem.errors import InputError
from tinnhiem.tally.empty import check_empty_sums, is_empty_sum

__all__ = ["committee_decrypt", "decrypt_sums", "partial_decryptions"]


def partial_decryptions(
    ctx: Context, present: Iterable[MemberShare], aggregates: Sequence[Ciphertext]
) -> dict[int, DecryptionShare]:
    """Each present member's factors and proofs, by member index."""
    return {share.index: partial_decrypt(ctx, share, aggregates) for share in present}


def _is_empty_round(aggregates: Sequence[Ciphertext], counted: int | None) -> bool:
    """The empty-sum rule with ``counted`` given (``EmptySumError``); without it, whether
    every aggregate is the empty sum."""
    if counted is not None:
        return check_empty_sums(aggregates, counted=counted)
    return all(is_empty_sum(a) for a in aggregates)


def decrypt_sums(
    ctx: Context,
    key: CommitteeKey,
    aggregates: Sequence[Ciphertext],
    shares: Mapping[int, DecryptionShare],
    *,
    bound: int,
    table: DlogTable | None = None,
    counted: int | None = None,
) -> list[int]:
    """Verify the shares, combine them and solve each ``sum·G`` (0 ≤ sum ≤ ``bound``).

    When every aggregate is the empty sum (no ballot counted) the sums are all 0 and
    ``shares`` must be empty. Given ``counted`` (the ballots counted), the empty-sum rule is
    checked first (``EmptySumError`` naming the aggregate).

    Raises ``DecryptionError`` naming a member whose share fails, or when fewer than
    ``t`` members took part, or when shares are offered for the empty sum.
    """
    if _is_empty_round(aggregates, counted):
        if shares:
            raise DecryptionError(
                "no ballot was counted: the aggregates are the empty sum, which is never "
                "decrypted, so no decryption share is accepted"
            )
        return [0 for _ in aggregates]
    if len(shares) < key.t:
        raise DecryptionError(f"{len(shares)} members decrypted, at least t = {key.t} needed")
    points: list[Point] = combine(ctx, key, aggregates, shares)
    if table is None or table.bound < bound:
        table = DlogTable(bound, lookups=max(1, len(points)))
    return [table.solve(p) for p in points]


def committee_decrypt(
    ctx: Context,
    key: CommitteeKey,
    member_shares: Sequence[MemberShare],
    aggregates: Sequence[Ciphertext],
    *,
    bound: int,
    counted: int | None = None,
) -> tuple[dict[int, DecryptionShare], list[int]]:
    """The whole decryption step for the members present: their shares and the sums.

    For an empty round (every aggregate the empty sum; with ``counted`` given, the rule of
    ``check_empty_sums``) nobody decrypts: no shares, every sum 0.
    """
    indices = [s.index for s in member_shares]
    if len(set(indices)) != len(indices):
        raise InputError("a member is listed twice among those decrypting", where="present")
    if _is_empty_round(aggregates, counted):
        return {}, [0 for _ in aggregates]
    shares = partial_decryptions(ctx, member_shares, aggregates)
    return shares, decrypt_sums(ctx, key, aggregates, shares, bound=bound, counted=counted)
