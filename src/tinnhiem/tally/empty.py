"""The empty round (đợt không có phiếu nào được kiểm): the rule for aggregates that are the
empty sum.

With no ballot counted, every official's aggregate is the sum of nothing: the ciphertext
``(identity, identity)``, the encryption of 0 with nonce 0. It has nothing to decrypt (its
plaintext, ``β``, is in the clear) and no proof of partial decryption can be made for it, so
the threshold decryption is never applied to it: no decryption share is needed or accepted,
and every sum is 0.

The rule is tied to the number of ballots counted, so that a server cannot use it to skip
decrypting a real sum (docs/record-format.md, "The empty round"):

* ``α = identity`` with ``β ≠ identity`` is never valid (it is not the empty sum, and it
  cannot be decrypted);
* with no ballot counted, every aggregate must be exactly ``(identity, identity)``;
* with ballots counted, no aggregate may have ``α = identity`` (a real sum with ``α`` the
  identity would need the ballots' nonces to add up to 0, which honest ballots never do).
"""

from __future__ import annotations

from collections.abc import Sequence

from tinnhiem.crypto import Ciphertext
from tinnhiem.errors import InputError

__all__ = ["EmptySumError", "check_empty_sums", "is_empty_sum"]


class EmptySumError(InputError):
    """An aggregate breaks the empty-sum rule; ``where`` names it (``aggregates[j]``) and
    ``reason`` says what is wrong."""

    def __init__(self, reason: str, *, where: str) -> None:
        self.reason = reason
        super().__init__(reason, where=where)


def is_empty_sum(ct: Ciphertext) -> bool:
    """Whether ``ct`` is exactly the empty sum ``(identity, identity)``."""
    return ct.alpha.is_identity() and ct.beta.is_identity()


def check_empty_sums(aggregates: Sequence[Ciphertext], *, counted: int) -> bool:
    """Apply the empty-sum rule to the aggregates of a round that counted ``counted``
    ballots; ``True`` when the round is empty (nothing to decrypt, every sum 0), ``False``
    when every aggregate is to be decrypted by the committee.

    Raises ``EmptySumError`` naming the first aggregate that breaks the rule.
    """
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise InputError(f"{counted!r} ballots counted is not a count", where="counted")
    for j, ct in enumerate(aggregates):
        where = f"aggregates[{j}]"
        if ct.alpha.is_identity() and not ct.beta.is_identity():
            raise EmptySumError(
                "α is the identity but β is not: this is not the empty sum, and it cannot be "
                "decrypted / α là phần tử đơn vị nhưng β thì không",
                where=where,
            )
        if counted == 0 and not is_empty_sum(ct):
            raise EmptySumError(
                "no ballot was counted, so the aggregate must be the empty sum "
                "(identity, identity) / không có phiếu nào được kiểm, bản mã tổng phải rỗng",
                where=where,
            )
        if counted > 0 and ct.alpha.is_identity():
            raise EmptySumError(
                f"is the empty sum (identity, identity) but {counted} ballot(s) were counted: "
                "a real sum must be decrypted by the committee / đã kiểm "
                f"{counted} phiếu, bản mã tổng không thể rỗng",
                where=where,
            )
    return counted == 0
