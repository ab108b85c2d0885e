"""Benchmark of a whole confidence poll: the demo's phases, and per-row verification.

    .venv/bin/python -m bench.poll [N_OFFICIALS N_VOTERS] [--workers N] [--peers]

Runs the National Assembly demo round (``--body quochoi``: 44 officials × 480 deputies,
rule nq96-2023, committee of 5 with threshold 3, one member absent) on all cores, writes and
re-verifies its record, and prints the time of each phase. Then measures the verification
of sample ballots in one process (``verify_ms_per_row``: signature and batched proofs, per
row, one core).

``--peers`` also compares per-row verification with the peers on their workload (10 × 60),
in CPU time, ours measured just before and after each peers' run, three repeats, the
medians (``bench.peers_cpu``; several minutes).
The last line is machine-readable:

    total_s=<x> verify_ms_per_row=<y> vs_belenios=<r1> vs_electionguard=<r2>
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.peers_cpu import compare
from tinnhiem.ballots import default_workers, verify_ballot
from tinnhiem.crypto.dkg import CommitteeKey
from tinnhiem.poll.demo import DemoConfig, run_demo
from tinnhiem.record import read_record, verify_record, write_record
from tinnhiem.tally import load_rule_source

PEERS = Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "run.sh"


def serial_verify_ms_per_row(record_path: Path, sample: int) -> float:
    """The first ``sample`` ballots checked one after another in this process, per row (CPU
    time)."""
    record = read_record(record_path)
    ballots = [rb.ballot for rb in record.ballots[:sample]]
    key = CommitteeKey.from_dict(record.committee["key"])
    t0 = time.process_time()
    for b in ballots:
        verify_ballot(record.manifest, record.fingerprint, key.public_key, b)
    elapsed = time.process_time() - t0
    return 1000 * elapsed / max(1, sum(len(b.rows) for b in ballots))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.poll")
    parser.add_argument("officials", nargs="?", type=int, default=44)
    parser.add_argument("voters", nargs="?", type=int, default=480)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--sample", type=int, default=20, help="ballots verified serially for verify_ms_per_row"
    )
    parser.add_argument("--peers", action="store_true", help="also run the peers (minutes)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    source = load_rule_source("nq96-2023")
    run = run_demo(
        DemoConfig(officials=args.officials, voters=args.voters, seed=args.seed, body="quochoi"),
        source,
        workers=args.workers,
    )
    timings = dict(run.timings)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "record.json"
        t0 = time.perf_counter()
        write_record(run.election.record(), path)
        timings["write"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = verify_record(read_record(path), workers=args.workers)
        timings["verify"] = time.perf_counter() - t0
        total = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6
        per_row = serial_verify_ms_per_row(path, args.sample)
    rows = report.rows
    print(
        f"workload: {args.officials} officials x {args.voters} voters "
        f"({report.ballots} ballots cast, {rows} rows), {args.workers} processes, "
        f"record {size_mb:.1f} MB"
    )
    for name, seconds in timings.items():
        print(f"  {name:<14} {seconds:8.2f} s")
    print(f"  {'total':<14} {total:8.2f} s")
    enc = timings.get("encrypt", 0.0)
    print(
        f"wall per row on {args.workers} processes: encrypt "
        f"{1000 * enc / max(1, rows):.3f} ms, cast-check "
        f"{1000 * timings.get('cast', 0.0) / max(1, rows):.3f} ms, record verify "
        f"{1000 * report.timings.get('ballots', 0.0) / max(1, rows):.3f} ms"
    )
    print(f"one process: verify {per_row:.3f} ms per row ({args.sample} ballots)")
    ratios = {}
    if args.peers:
        medians = compare()
        ratios = {k: f"{medians[f'vs_{k}']:.0f}" for k in ("belenios", "electionguard")}
    print(
        f"total_s={total:.2f} verify_ms_per_row={per_row:.3f} "
        f"vs_belenios={ratios.get('belenios', 'n/a')} "
        f"vs_electionguard={ratios.get('electionguard', 'n/a')}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
