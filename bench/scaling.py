"""Verification at growing sizes: rows against time and peak memory (issue 12).

    .venv/bin/python -m bench.scaling [--voters 500,1000,2000,4000,8000] [--officials 10]
        [--workers 1]

For each size a child process builds the round and writes its streaming record
(``bench.record_memory``: the packed encoding up to 2,000 voters, per level above), then
``tinnhiem verify`` runs on it in another child, whose CPU time, wall time and peak
resident memory come from the kernel (``wait4``). This process stays small: a child's peak
counts what it inherited at the fork. A flat memory column is the point of the
streaming record; time should grow with the rows.

The last line: ``sizes= rows_max= ms_per_row_cpu= peak_mb_max=`` (the largest size's per-row
CPU time and the largest peak).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def verify_child(path: Path, workers: int) -> tuple[int, float, float, int]:
    """Exit code, CPU seconds (the child and its pool), wall seconds, peak RSS in kB of the
    verifying process."""
    command = [sys.executable, "-c", "from tinnhiem.cli import main; main()"]
    command += ["verify", str(path), "-w", str(workers)]
    t0 = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    return code, usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling")
    parser.add_argument("--voters", default="500,1000,2000,4000,8000")
    parser.add_argument("--officials", type=int, default=10)
    parser.add_argument("--workers", type=int, default=1, help="verify's -w")
    args = parser.parse_args(argv)
    sizes = [int(v) for v in args.voters.split(",")]
    print(
        f"{'voters':>7} {'rows':>8} {'encoding':>9} {'record MB':>10} {'verify CPU s':>13} "
        f"{'wall s':>7} {'ms/row CPU':>11} {'peak MB':>8}"
    )
    last: tuple[int, float, float] = (0, 0.0, 0.0)
    peak_max = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for voters in sizes:
            path = Path(tmp) / f"r{voters}.jsonl.gz"
            build = [sys.executable, "-m", "bench.record_memory", "--voters", str(voters)]
            build += ["--officials", str(args.officials), "--out", str(path)]
            subprocess.run(build, check=True, stdout=subprocess.DEVNULL)
            code, cpu, wall, peak_kb = verify_child(path, args.workers)
            if code != 0:
                raise SystemExit(f"tinnhiem verify exited {code} on {voters} voters")
            rows = voters * args.officials
            peak = peak_kb / 1024
            peak_max = max(peak_max, peak)
            last = (rows, cpu, peak)
            print(
                f"{voters:>7} {rows:>8} {('packed' if voters <= 2000 else 'per_level'):>9} "
                f"{path.stat().st_size / 1e6:>10.1f} {cpu:>13.2f} {wall:>7.2f} "
                f"{1000 * cpu / rows:>11.3f} {peak:>8.0f}",
                flush=True,
            )
            path.unlink()
    rows, cpu, _peak = last
    print(
        f"sizes={len(sizes)} rows_max={rows} ms_per_row_cpu={1000 * cpu / max(1, rows):.3f} "
        f"peak_mb_max={peak_max:.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
