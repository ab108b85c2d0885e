"""Per-row verification against the peers, in CPU time, measured side by side.

    .venv/bin/python -m bench.peers_cpu [N_OFFICIALS N_VOTERS] [--repeats 3]

The peers' own benches (../shared/peers/) time their phases by the wall clock, which on a
shared 2-core machine counts whatever else runs. Here every figure is CPU time of the work
itself, without changing the peers' files:

- **ElectionGuard**: its bench runs with ``time.perf_counter`` standing for
  ``time.process_time`` (the verify phase is one thread of one process, so the process's
  CPU time over the phase is the phase's CPU time);
- **Belenios**: ``belenios-tool`` is reached through a shim on ``PATH`` that runs the real
  tool under GNU ``time`` and logs each call's user + system seconds; ``verify_ms_per_row``
  is, as in the peers' bench, the full board's ``election verify`` minus the empty board's,
  per row;
- **ours**: ``verify_ballots`` (signatures and every proof, 100 ballots per combined check,
  one process) on the same workload, ``time.process_time``, the median of three, taken
  just before and just after each peers' run.

Each repeat gives a ratio per peer (peer ÷ ours); the median of the repeats is printed.
The last line: ``ours_ms_per_row= belenios_ms_per_row= electionguard_ms_per_row=
vs_belenios= vs_electionguard=`` (medians).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.peer_line import workload
from tinnhiem.ballots import verify_ballots

PEERS = Path(__file__).resolve().parents[1].parent / "shared" / "peers"

_EG_CPU = (
    "import runpy, sys, time\n"
    "time.perf_counter = time.process_time\n"
    "sys.argv = sys.argv[1:]\n"
    "runpy.run_path(sys.argv[0], run_name='__main__')\n"
)

_SHIM = """#!/usr/bin/env bash
exec /usr/bin/time -a -o "$TN_BELENIOS_CPU" -f "%U %S $1 $2" {tool} "$@"
"""


def ours_ms_per_row(officials: int, voters: int, repeats: int = 3) -> float:
    """CPU ms per row of ``verify_ballots`` on the peers' workload, median of ``repeats``."""
    manifest, fingerprint, public_key, ballots = workload(officials, voters)
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        verdicts = verify_ballots(manifest, fingerprint, public_key, ballots)
        times.append(time.process_time() - t0)
        if any(v is not None for v in verdicts):
            raise SystemExit("a ballot was refused")
    return 1000 * statistics.median(times) / (officials * voters)


def _last_peer_line(text: str) -> dict[str, str]:
    lines = [line for line in text.splitlines() if line.startswith("peer=")]
    if not lines:
        return {}
    return dict(part.split("=", 1) for part in lines[-1].split() if "=" in part)


def electionguard_ms_per_row(officials: int, voters: int) -> float:
    venv = Path(
        os.environ.get("PEERS_VENV")
        or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        / "tinnhiem-peers"
        / "eg-venv"
    )
    script = PEERS / "electionguard_bench.py"
    proc = subprocess.run(
        [str(venv / "bin" / "python"), "-c", _EG_CPU, str(script), str(officials), str(voters)],
        capture_output=True,
        text=True,
        check=False,
    )
    fields = _last_peer_line(proc.stdout)
    if proc.returncode != 0 or "verify_ms_per_row" not in fields:
        raise SystemExit(f"ElectionGuard's bench failed: {proc.stderr[-1500:]}")
    return float(fields["verify_ms_per_row"])


def belenios_ms_per_row(officials: int, voters: int) -> float:
    tool = subprocess.run(
        ["bash", "-c", "command -v belenios-tool"], capture_output=True, text=True, check=True
    ).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        shim_dir = Path(tmp) / "bin"
        shim_dir.mkdir()
        shim = shim_dir / "belenios-tool"
        shim.write_text(_SHIM.replace("{tool}", tool))
        shim.chmod(0o755)
        log = Path(tmp) / "cpu.log"
        env = dict(os.environ, PATH=f"{shim_dir}:{os.environ['PATH']}", TN_BELENIOS_CPU=str(log))
        proc = subprocess.run(
            ["bash", str(PEERS / "belenios_bench.sh"), str(officials), str(voters)],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        if proc.returncode != 0:
            raise SystemExit(f"Belenios's bench failed: {proc.stderr[-1500:]}")
        verifies = [
            float(m.group(1)) + float(m.group(2))
            for line in log.read_text().splitlines()
            if (m := re.match(r"([\d.]+) ([\d.]+) election verify", line))
        ]
    if len(verifies) < 2:
        raise SystemExit("Belenios's bench ran fewer than two verifications")
    empty, full = verifies[0], verifies[1]  # the bench verifies the empty board, then the full
    return 1000 * (full - empty) / (officials * voters)


def compare(officials: int = 10, voters: int = 60, repeats: int = 3) -> dict[str, float]:
    """Run the protocol (module docstring); print each repeat and the spread; return the
    medians: ``ours``, ``belenios``, ``electionguard`` (ms per row) and ``vs_belenios``,
    ``vs_electionguard`` (ratios)."""
    subprocess.run(["bash", str(PEERS / "setup.sh")], check=True)
    rows: list[tuple[float, float, float]] = []
    for r in range(1, repeats + 1):
        before = ours_ms_per_row(officials, voters)
        belenios = belenios_ms_per_row(officials, voters)
        electionguard = electionguard_ms_per_row(officials, voters)
        after = ours_ms_per_row(officials, voters)
        ours = statistics.median([before, after])
        rows.append((ours, belenios, electionguard))
        print(
            f"repeat {r}: ours {before:.4f} / {after:.4f} ms per row (CPU, before / after), "
            f"Belenios {belenios:.3f}, ElectionGuard {electionguard:.3f}: "
            f"{belenios / ours:.0f}x, {electionguard / ours:.0f}x",
            flush=True,
        )
    vs_b = [r[1] / r[0] for r in rows]
    vs_e = [r[2] / r[0] for r in rows]
    print(
        f"spread over {len(rows)} repeats: vs Belenios {min(vs_b):.0f}–{max(vs_b):.0f}x, "
        f"vs ElectionGuard {min(vs_e):.0f}–{max(vs_e):.0f}x"
    )
    return {
        "ours": statistics.median(r[0] for r in rows),
        "belenios": statistics.median(r[1] for r in rows),
        "electionguard": statistics.median(r[2] for r in rows),
        "vs_belenios": statistics.median(vs_b),
        "vs_electionguard": statistics.median(vs_e),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peers_cpu")
    parser.add_argument("officials", nargs="?", type=int, default=10)
    parser.add_argument("voters", nargs="?", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    m = compare(args.officials, args.voters, args.repeats)
    print(
        f"ours_ms_per_row={m['ours']:.4f} belenios_ms_per_row={m['belenios']:.3f} "
        f"electionguard_ms_per_row={m['electionguard']:.3f} "
        f"vs_belenios={m['vs_belenios']:.0f} vs_electionguard={m['vs_electionguard']:.0f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
