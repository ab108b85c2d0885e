"""The streaming record at scale (issue 12): build a per-level round of VOTERS × OFFICIALS,
write it as JSON Lines, and say its size per row. Verify it with peak memory measured:

    python -m bench.record_memory --voters 20000 --officials 10 --out /tmp/r.jsonl.gz
    /usr/bin/time -v tinnhiem verify /tmp/r.jsonl.gz -w 1     # Maximum resident set size

The ballots are sealed on ``--workers`` processes and cast unchecked (the verifier checks
them all afterwards); the committee is 3 of 5.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from tinnhiem.ballots import (
    CommitteeMember,
    Encoding,
    Manifest,
    Mark,
    Official,
    RoundKind,
    cast_ballot,
    encoding_for,
)
from tinnhiem.crypto import CredentialKey, Point
from tinnhiem.poll import Election
from tinnhiem.record.stream import write_record_stream
from tinnhiem.tally import load_rule_source

_ARGS: dict[str, Any] = {}


def _init(manifest_json: dict[str, Any], fingerprint: bytes, public_key: bytes) -> None:
    _ARGS["a"] = (Manifest.from_json(manifest_json), fingerprint, Point.from_bytes(public_key))


def _seal(job: tuple[int, list[bytes]]) -> list[dict[str, Any]]:
    manifest, fingerprint, public_key = _ARGS["a"]
    start, seeds = job
    rng = random.Random(start)
    levels = [Mark.HIGH, Mark.CONFIDENT, Mark.LOW, None]
    out = []
    for seed in seeds:
        marks = {}
        for o in manifest.officials:
            mark = rng.choice(levels)
            if mark is not None:
                marks[o.id] = mark
        key = CredentialKey.from_seed(seed)
        out.append(cast_ballot(manifest, fingerprint, public_key, key, marks).to_json())
    return out


def build(voters: int, officials: int, workers: int) -> Election:
    source = load_rule_source("qd96-2023")
    manifest = Manifest(
        round_id=f"scale-{voters}x{officials}",
        body="Đại hội (thử tải)",
        title="Lấy phiếu tín nhiệm (thử tải)",
        kind=RoundKind.POLL,
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(
            Official(f"o{i + 1}", f"Người {i + 1}", "Chức vụ", i + 1) for i in range(officials)
        ),
        summoned=voters,
        committee=tuple(CommitteeMember(i + 1, f"Thành viên {i + 1}") for i in range(5)),
        threshold=3,
        weight_base=voters + 1,
        encoding=encoding_for(voters),
    )
    election = Election(manifest, source)
    election.key_ceremony()
    seeds = [os.urandom(32) for _ in range(voters)]
    election.open(CredentialKey.from_seed(s).public for s in seeds)
    from tinnhiem.ballots import Ballot

    size = 200
    jobs = [(i, seeds[i : i + size]) for i in range(0, voters, size)]
    args = (manifest.to_json(), election.fingerprint, election.public_key.to_bytes())
    with ProcessPoolExecutor(workers, initializer=_init, initargs=args) as pool:
        for batch in pool.map(_seal, jobs):
            for data in batch:
                election.engine.cast(Ballot.from_json(data, where="ballot"), checked=True)
    election.close(workers=workers)
    election.decrypt([1, 2, 3])
    return election


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voters", type=int, default=20_000)
    parser.add_argument("--officials", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/tinnhiem-scale.jsonl.gz"))
    args = parser.parse_args()
    t0 = time.perf_counter()
    election = build(args.voters, args.officials, args.workers)
    t1 = time.perf_counter()
    engine = election.engine
    header = engine.record()
    write_record_stream(header, header.ballots, args.out, count=len(header.ballots))
    t2 = time.perf_counter()
    rows = args.voters * args.officials
    size = args.out.stat().st_size
    encoding = election.manifest.encoding
    print(
        f"built {args.voters} × {args.officials} ({encoding.value}) in {t1 - t0:.1f} s, "
        f"written in {t2 - t1:.1f} s: {args.out} {size / 1e6:.1f} MB, "
        f"{size / rows:.0f} bytes per row" + (" (gzip)" if args.out.name.endswith(".gz") else "")
    )
    assert encoding is (Encoding.PER_LEVEL if args.voters > 2000 else Encoding.PACKED)


if __name__ == "__main__":
    main()
