"""Small discrete logarithms by baby-step giant-step (logarit rời rạc nhỏ).

A tally decrypts to ``m·G`` with ``0 ≤ m ≤ bound``; ``DlogTable(bound)`` builds the baby
steps ``{j·G : 0 ≤ j < k}`` once and then solves many points, each with at most
``⌈(bound + 1)/k⌉`` giant steps. The baby-step count ``k`` balances the table build
(``k`` additions) against the expected lookups (about ``lookups · bound / (2k)``
additions): ``k ≈ √(bound · lookups / 2)``.
"""

from __future__ import annotations

import math

from tinnhiem.crypto import _sodium
from tinnhiem.crypto.errors import CryptoError, DlogOutOfRange
from tinnhiem.crypto.group import Point, Scalar

__all__ = ["DlogTable"]

_G = Point.base().to_bytes()

#: The largest bound a table accepts (about 1.8·10¹³: a poll row's packed sum ``V·B²`` for
#: some 26 000 voters). Larger electorates must use the per-level encoding.
MAX_BOUND = 2**44
#: At most this many baby steps are stored (memory), whatever ``lookups`` asks for; the
#: giant steps per lookup are then at most ``MAX_BOUND / MAX_BABY_STEPS`` = 2²¹.
MAX_BABY_STEPS = 2**23


class DlogTable:
    """Baby-step giant-step solver for ``m·G`` with ``0 ≤ m ≤ bound``."""

    def __init__(self, bound: int, *, lookups: int = 44, baby_steps: int | None = None) -> None:
        if isinstance(bound, bool) or not isinstance(bound, int) or bound < 0:
            raise CryptoError(f"DlogTable bound must be an integer ≥ 0, got {bound!r}")
        if bound > MAX_BOUND:
            raise CryptoError(
                f"DlogTable bound {bound} exceeds {MAX_BOUND}: too large for baby-step "
                "giant-step; use the per-level encoding"
            )
        if lookups < 1:
            raise CryptoError("DlogTable lookups must be ≥ 1")
        self.bound = bound
        if baby_steps is None:
            baby_steps = math.isqrt(bound * lookups // 2) + 1
        self.baby_steps = max(1, min(baby_steps, bound + 1, MAX_BABY_STEPS))
        table: dict[bytes, int] = {}
        current = bytes(32)
        for j in range(self.baby_steps):
            table[current] = j
            current = _sodium.add(current, _G)
        self._table = table
        # ``current`` is now k·G: each giant step subtracts it.
        self._giant = current
        self.giant_steps = -(-(bound + 1) // self.baby_steps)

    def solve(self, point: Point) -> int:
        """``m`` with ``point = m·G`` and ``0 ≤ m ≤ bound``; ``DlogOutOfRange`` otherwise."""
        q = point.to_bytes()
        table = self._table
        k = self.baby_steps
        for i in range(self.giant_steps):
            j = table.get(q)
            if j is not None:
                m = i * k + j
                if m > self.bound:
                    break
                return m
            q = _sodium.sub(q, self._giant)
        raise DlogOutOfRange(
            f"the plaintext is not in [0, {self.bound}] (point {point.hex()[:16]}…)"
        )

    def solve_scalar(self, point: Point) -> Scalar:
        return Scalar.from_int(self.solve(point))
