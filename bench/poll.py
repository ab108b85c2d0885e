"""Benchmark of a whole confidence poll: the demo's phases, and per-row verification.

    .venv/bin/python -m bench.poll [N_OFFICIALS N_VOTERS] [--workers N] [--peers]

Runs the National Assembly demo round (``--body quochoi``: 44 officials × 480 deputies,
rule nq96-2023, committee of 5 with threshold 3, one member absent) on all cores, writes and
re-verifies its record, and prints the time of each phase. Then measures the verification
of sample ballots in one process (``verify_ms_per_row``: signature and batched proofs, per
row, one core).

``--peers`` also runs ../shared/peers/run.sh 10 60 with our ``bench.peer_line`` (several
minutes) and reads the ratios of the peers' per-row verification time to ours from it.
The last line is machine-readable:

    total_s=<x> verify_ms_per_row=<y> vs_belenios=<r1> vs_electionguard=<r2>
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tinnhiem.ballots import default_workers, verify_ballot
from tinnhiem.crypto.dkg import CommitteeKey
from tinnhiem.poll.demo import DemoConfig, run_demo
from tinnhiem.record import read_record, verify_record, write_record
from tinnhiem.tally import load_rule_source

PEERS = Path(__file__).resolve().parents[1].parent / "shared" / "peers" / "run.sh"


def serial_verify_ms_per_row(record_path: Path, sample: int) -> float:
    """The first ``sample`` ballots checked one after another in this process, per row."""
    record = read_record(record_path)
    ballots = [rb.ballot for rb in record.ballots[:sample]]
    key = CommitteeKey.from_dict(record.committee["key"])
    t0 = time.perf_counter()
    for b in ballots:
        verify_ballot(record.manifest, record.fingerprint, key.public_key, b)
    elapsed = time.perf_counter() - t0
    return 1000 * elapsed / max(1, sum(len(b.rows) for b in ballots))


def run_peers(officials: int = 10, voters: int = 60) -> dict[str, str]:
    """Run the peers' script with our peer line; return the verify ratios per peer."""
    if not PEERS.is_file():
        print(f"peers: {PEERS} not found", file=sys.stderr)
        return {}
    env = dict(os.environ, PEERS_PROJECT_CMD=f"{sys.executable} -m bench.peer_line")
    proc = subprocess.run(
        ["bash", str(PEERS), str(officials), str(voters)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    print(proc.stdout, end="")
    ratios = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"ratio=(\w+)/tinnhiem .*verify_ms_per_row=(\S+)", line)
        if m:
            ratios[m.group(1)] = m.group(2)
    if proc.returncode != 0:
        print(f"peers: run.sh exited {proc.returncode}\n{proc.stderr[-2000:]}", file=sys.stderr)
    return ratios


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
    ratios = run_peers() if args.peers else {}
    print(
        f"total_s={total:.2f} verify_ms_per_row={per_row:.3f} "
        f"vs_belenios={ratios.get('belenios', 'n/a')} "
        f"vs_electionguard={ratios.get('electionguard', 'n/a')}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
