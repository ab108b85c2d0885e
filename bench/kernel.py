"""Benchmark of the verification kernel against the libsodium path.

    .venv/bin/python -m bench.kernel [--officials N] [--ballots B] [--repeats R]

Prints, with the kernel and with it switched off (``TINNHIEM_KERNEL=off`` path):
multi-scalar multiplication per term at several sizes (the kernel's Straus/Pippenger
against one libsodium scalar multiplication and addition per term), point decoding, the
constant-time fixed-base table for the election key against libsodium's variable-base
multiplication, encrypting and proving a ballot, and verifying ballots one at a time
(``verify_ballot``) and ``--ballots`` at once (``verify_ballots``: one combined equation).
Times are CPU time of this process (``time.process_time``), the median of ``--repeats``
runs, with the spread (min–max) beside it. The last line is machine-readable.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from tinnhiem.ballots import (
    CommitteeMember,
    Manifest,
    Mark,
    Official,
    RoundKind,
    cast_ballot,
    election_fingerprint,
    verify_ballot,
    verify_ballots,
)
from tinnhiem.crypto import CredentialKey, KeyPair, Point, Scalar, _kernel, _sodium
from tinnhiem.tally import load_rule_source

LEVELS = (Mark.HIGH, Mark.CONFIDENT, Mark.LOW, Mark.BLANK)


def cpu(fn: Callable[[], object], number: int, repeats: int) -> tuple[float, float, float]:
    """(median, min, max) CPU seconds per call over ``repeats`` runs of ``number`` calls."""
    runs = []
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(number):
            fn()
        runs.append((time.process_time() - start) / number)
    return statistics.median(runs), min(runs), max(runs)


def fmt(t: tuple[float, float, float], unit: float, digits: int = 2) -> str:
    med, lo, hi = (x / unit for x in t)
    return f"{med:.{digits}f} [{lo:.{digits}f}–{hi:.{digits}f}]"


def make_poll(officials: int, voters: int) -> tuple[Manifest, bytes, KeyPair, list[CredentialKey]]:
    source = load_rule_source("qd96-2023")
    manifest = Manifest(
        round_id="bench-kernel",
        body="bench",
        title="bench",
        kind=RoundKind.POLL,
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(Official(f"o{i}", f"O{i}", "p", i) for i in range(1, officials + 1)),
        summoned=voters,
        committee=(CommitteeMember(1, "M1"),),
        threshold=1,
        weight_base=voters + 1,
    )
    key = KeyPair.generate()
    fp = election_fingerprint(manifest, key.public.to_bytes())
    return manifest, fp, key, [CredentialKey.generate() for _ in range(voters)]


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the verification kernel")
    parser.add_argument("--officials", type=int, default=10)
    parser.add_argument("--ballots", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not _kernel.available():
        raise SystemExit("the kernel is not built: python -m tinnhiem.crypto._kernel_build")
    reps = args.repeats
    results: dict[str, float] = {}

    print("multi-scalar multiplication, µs per term (median [min–max] of CPU time):")
    for n in (10, 100, 1000, 10000):
        pts = [Point.base_mul(Scalar.random()).to_bytes() for _ in range(n)]
        scs = [Scalar.random().to_bytes() for _ in range(n)]
        sb, pb = b"".join(scs), b"".join(pts)
        number = max(1, 2000 // n)
        k = cpu(lambda sb=sb, pb=pb: _kernel.msm(sb, pb), number, reps)
        terms = list(zip(scs, pts, strict=True))
        s = cpu(lambda terms=terms: _sodium.sum_of_products(terms), max(1, number // 4), reps)
        per = 1e-6 * n
        print(
            f"  n={n:<6d} kernel {fmt(k, per)}  libsodium {fmt(s, per)}  "
            f"speed-up {s[0] / k[0]:.1f}×"
        )
        results[f"msm_speedup_{n}"] = s[0] / k[0]

    p = Point.base_mul(Scalar.random()).to_bytes()
    dec_k = cpu(lambda: _kernel.point_is_valid(p), 2000, reps)
    dec_s = cpu(lambda: _sodium.is_valid_point(p), 2000, reps)
    print(f"decode one point, µs: kernel {fmt(dec_k, 1e-6)}  libsodium {fmt(dec_s, 1e-6)}")

    h = KeyPair.generate().public.to_bytes()
    build = cpu(lambda: _kernel.FixedBase(h), 5, reps)
    table = _kernel.FixedBase(h)
    n32 = Scalar.random().to_bytes()
    fixed = cpu(lambda: table.mul(n32), 2000, reps)
    var = cpu(lambda: _sodium.scalarmult(n32, h), 2000, reps)
    print(
        f"r·H, µs: fixed-base table (constant time) {fmt(fixed, 1e-6)}  libsodium "
        f"{fmt(var, 1e-6)}  speed-up {var[0] / fixed[0]:.1f}×  (table built in "
        f"{fmt(build, 1e-3)} ms)"
    )
    results["fixed_base_speedup"] = var[0] / fixed[0]

    manifest, fp, key, creds = make_poll(args.officials, args.ballots)
    marks = [
        {o.id: LEVELS[(i + j) % 4] for j, o in enumerate(manifest.officials)}
        for i in range(args.ballots)
    ]
    rows = args.officials * args.ballots
    print(f"ballots: {args.officials} officials, {args.ballots} ballots, ms per row:")
    for label, on in (("kernel", True), ("libsodium", False)):
        _kernel.set_enabled(on)
        enc = cpu(lambda: cast_ballot(manifest, fp, key.public, creds[0], marks[0]), 10, reps)
        ballots = [
            cast_ballot(manifest, fp, key.public, c, m) for c, m in zip(creds, marks, strict=True)
        ]
        one = cpu(
            lambda ballots=ballots: [
                verify_ballot(manifest, fp, key.public, b) for b in ballots[:20]
            ],
            1,
            reps,
        )
        many = cpu(
            lambda ballots=ballots: verify_ballots(manifest, fp, key.public, ballots), 1, reps
        )
        assert verify_ballots(manifest, fp, key.public, ballots) == [None] * len(ballots)
        per_row_one = 1e-3 * 20 * args.officials
        print(
            f"  {label:<9} encrypt+prove {fmt(enc, 1e-3 * args.officials, 3)}  "
            f"verify one by one {fmt(one, per_row_one, 3)}  "
            f"verify {args.ballots} at once {fmt(many, 1e-3 * rows, 3)}"
        )
        results[f"{label}_encrypt"] = enc[0] / (1e-3 * args.officials)
        results[f"{label}_one"] = one[0] / per_row_one
        results[f"{label}_batch"] = many[0] / (1e-3 * rows)
    _kernel.set_enabled(True)
    print(
        f"verify per row: one by one {results['libsodium_one'] / results['kernel_one']:.1f}× "
        f"faster with the kernel, {args.ballots} at once "
        f"{results['libsodium_one'] / results['kernel_batch']:.1f}× faster than libsodium "
        "one by one"
    )
    print(
        f"msm_speedup_100={results['msm_speedup_100']:.2f} "
        f"msm_speedup_10000={results['msm_speedup_10000']:.2f} "
        f"fixed_base_speedup={results['fixed_base_speedup']:.2f} "
        f"verify_ms_per_row_sodium={results['libsodium_one']:.4f} "
        f"verify_ms_per_row_kernel={results['kernel_one']:.4f} "
        f"verify_ms_per_row_kernel_batch={results['kernel_batch']:.4f} "
        f"encrypt_ms_per_row_sodium={results['libsodium_encrypt']:.4f} "
        f"encrypt_ms_per_row_kernel={results['kernel_encrypt']:.4f}"
    )


if __name__ == "__main__":
    main()
