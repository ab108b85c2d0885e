"""Benchmark of the cryptographic core on packed three-level poll rows.

    .venv/bin/python -m bench.crypto [--rows N] [--rounds R] [--dlog]

Prints the measured scalar-multiplication times (variable and fixed base), the time to
encrypt and prove one packed row ({0, 1, B, B²}), the time to verify one row alone and in
a batch, the floor of the batch verifier (the variable-base multiplications it needs per
row × their measured time) and our ratio to it. Times are CPU time of this process (the
machine may be shared); each round measures the multiplication and the batch back to back
and the median round is reported. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from collections.abc import Callable

from tinnhiem.crypto import (
    BatchItem,
    Context,
    DlogTable,
    KeyPair,
    Point,
    Scalar,
    _sodium,
    encrypt,
    prove_in_set,
    verify_in_set,
    verify_in_set_batch,
)

B = 481  # 480 voters
ALLOWED = [0, 1, B, B * B]
MULS_PER_ROW = 2 + 2 * len(ALLOWED)  # α, β and every A_j, B_j


def per_call(fn: Callable[[], object], number: int) -> float:
    """Mean CPU seconds per call over ``number`` calls."""
    start = time.process_time()
    for _ in range(number):
        fn()
    return (time.process_time() - start) / number


def make_rows(ctx: Context, key: KeyPair, count: int) -> tuple[list[BatchItem], float]:
    rows: list[BatchItem] = []
    start = time.process_time()
    for i in range(count):
        value = ALLOWED[i % len(ALLOWED)]
        binding = f"voter-{i}/official-1".encode()
        ct, r = encrypt(key.public, value)
        proof = prove_in_set(ctx, key.public, ct, value, r, ALLOWED, binding=binding)
        rows.append((ct, ALLOWED, proof, binding))
    return rows, (time.process_time() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark tinnhiem.crypto")
    parser.add_argument("--rows", type=int, default=200, help="rows in the batch")
    parser.add_argument("--rounds", type=int, default=5, help="measurement rounds")
    parser.add_argument("--dlog", action="store_true", help="also time DlogTable(481³)")
    args = parser.parse_args()

    ctx = Context(hashlib.sha256(b"bench").digest())
    key = KeyPair.generate()
    s = Scalar.random().to_bytes()
    p = key.public.to_bytes()

    rows, prove_s = make_rows(ctx, key, args.rows)
    single_s = (
        per_call(
            lambda: [
                verify_in_set(ctx, key.public, c, a, pr, binding=b) for c, a, pr, b in rows[:8]
            ],
            1,
        )
        / 8
    )

    rounds = []
    for _ in range(args.rounds):
        t_var = per_call(lambda: _sodium.scalarmult(s, p), 200)
        t_base = per_call(lambda: _sodium.scalarmult_base(s), 200)
        t_add = per_call(lambda: _sodium.add(p, p), 200)
        batch = per_call(lambda: verify_in_set_batch(ctx, key.public, rows), 1) / args.rows
        floor = MULS_PER_ROW * t_var + (t_var + t_base) / args.rows
        rounds.append((batch / floor, batch, floor, t_var, t_base, t_add))
    ratio, batch_s, floor_s, t_var, t_base, t_add = sorted(rounds)[len(rounds) // 2]
    spread = statistics.pstdev(r[0] for r in rounds)

    print(f"scalar mult, variable base : {t_var * 1e6:8.1f} µs")
    print(f"scalar mult, fixed base    : {t_base * 1e6:8.1f} µs")
    print(f"point addition             : {t_add * 1e6:8.1f} µs")
    print(f"encrypt + prove one row    : {prove_s * 1e3:8.3f} ms  ({len(ALLOWED)} branches)")
    print(f"verify one row alone       : {single_s * 1e3:8.3f} ms")
    print(f"verify in a batch of {args.rows:<5d}: {batch_s * 1e3:8.3f} ms per row")
    print(
        f"batch floor                : {floor_s * 1e3:8.3f} ms per row "
        f"({MULS_PER_ROW} variable-base mults × {t_var * 1e6:.1f} µs; G, H once per batch)"
    )
    print(
        f"ratio to floor             : {ratio:8.2f}  (median of {args.rounds} rounds, "
        f"σ {spread:.2f}; target ≤ 1.5; the {MULS_PER_ROW} point additions per row "
        f"alone cost {MULS_PER_ROW * t_add / floor_s:.2f} of the floor)"
    )

    if args.dlog:
        start = time.process_time()
        table = DlogTable(B**3, lookups=44)
        built = time.process_time() - start
        target = Point.base_mul(Scalar.from_int(B**3 - 7))
        start = time.process_time()
        assert table.solve(target) == B**3 - 7
        worst = time.process_time() - start
        print(
            f"DlogTable({B}³)             : build {built:.2f} s "
            f"({table.baby_steps} baby steps), near-worst lookup {worst:.3f} s"
        )

    print(
        f"verify_ms_per_row={batch_s * 1e3:.3f} prove_ms_per_row={prove_s * 1e3:.3f} "
        f"floor_ratio={ratio:.2f}"
    )


if __name__ == "__main__":
    main()
