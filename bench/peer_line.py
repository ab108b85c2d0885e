"""Our figures in the peers' line format (../shared/peers/README.md), for run.sh.

Usage: python -m bench.peer_line N_OFFICIALS N_VOTERS

The peers' workload: N officials × V voters, every voter rates every official at one of
three levels; a committee of 5 with threshold 3 (``PEERS_COMMITTEE``, ``PEERS_THRESHOLD``),
3 members decrypting (``PEERS_PRESENT``); votes seeded by ``PEERS_SEED``. Every phase runs
in one process (``procs=1``), like Belenios and like ElectionGuard's encryption and
verification, so the per-row figures compare work for work. Our row is one packed
ciphertext with one 4-branch proof (blank allowed), on ristretto255; the peers' rows are
3 (Belenios) or 4 (ElectionGuard) ciphertexts with 0/1 proofs and a sum proof, in 2048- and
4096-bit groups. ``tally_s`` is the aggregation alone (no re-check), as for the peers.
"""

from __future__ import annotations

import os
import random
import sys
import time

from tinnhiem import __version__
from tinnhiem.ballots import (
    ArrivalLedger,
    Ballot,
    CommitteeMember,
    Manifest,
    Mark,
    Official,
    RoundKind,
    cast_ballot,
    check_arrival,
    election_fingerprint,
    unpack,
    verify_ballots,
)
from tinnhiem.crypto import Context, CredentialKey, Point
from tinnhiem.tally import aggregate, committee_decrypt, load_rule_source, run_ceremony

LEVELS = (Mark.HIGH, Mark.CONFIDENT, Mark.LOW)


def _manifest(officials: int, voters: int) -> Manifest:
    n = int(os.environ.get("PEERS_COMMITTEE", "5"))
    t = int(os.environ.get("PEERS_THRESHOLD", "3"))
    source = load_rule_source("qd96-2023")
    return Manifest(
        round_id="peers",
        body="bench",
        title="bench",
        kind=RoundKind.POLL,
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(Official(f"o{i}", f"O{i}", "p", i) for i in range(1, officials + 1)),
        summoned=voters,
        committee=tuple(CommitteeMember(i, f"M{i}") for i in range(1, n + 1)),
        threshold=t,
        weight_base=voters + 1,
    )


def workload(officials: int, voters: int) -> tuple[Manifest, bytes, Point, list[Ballot]]:
    """The peers' workload, sealed: the manifest, fingerprint, key and every voter's ballot
    (for timing the verification alone)."""
    manifest = _manifest(officials, voters)
    rng = random.Random(int(os.environ.get("PEERS_SEED", "1")))
    pk = run_ceremony(manifest).key.public_key
    fp = election_fingerprint(manifest, pk.to_bytes())
    marks = [{o.id: rng.choice(LEVELS) for o in manifest.officials} for _ in range(voters)]
    ballots = [cast_ballot(manifest, fp, pk, CredentialKey.generate(), m) for m in marks]
    return manifest, fp, pk, ballots


def measure(officials: int, voters: int) -> dict[str, str]:
    n = int(os.environ.get("PEERS_COMMITTEE", "5"))
    t = int(os.environ.get("PEERS_THRESHOLD", "3"))
    present = int(os.environ.get("PEERS_PRESENT", str(t)))
    rng = random.Random(int(os.environ.get("PEERS_SEED", "1")))
    manifest = _manifest(officials, voters)
    rows = officials * voters

    t0 = time.perf_counter()
    ceremony = run_ceremony(manifest)
    keys = [CredentialKey.generate() for _ in range(voters)]
    setup_s = time.perf_counter() - t0
    pk = ceremony.key.public_key
    fp = election_fingerprint(manifest, pk.to_bytes())
    marks = [{o.id: rng.choice(LEVELS) for o in manifest.officials} for _ in range(voters)]

    t0 = time.perf_counter()
    ballots = [cast_ballot(manifest, fp, pk, k, m) for k, m in zip(keys, marks, strict=True)]
    encrypt_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    verdicts = verify_ballots(manifest, fp, pk, ballots)  # 100 ballots per combined check
    verify_s = time.perf_counter() - t0
    if any(v is not None for v in verdicts):
        raise SystemExit(f"a ballot was refused: {next(v for v in verdicts if v is not None)}")
    ledger = ArrivalLedger(k.public for k in keys)
    for b in ballots:  # the arrival policy's stateful checks (not timed twice)
        h = b.ballot_hash(fp)
        check_arrival(ledger, manifest.revote, b, h)
        ledger.admit(b, h)

    t0 = time.perf_counter()
    aggregates = aggregate(officials, ballots, workers=1)
    tally_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    chosen = [ceremony.member_shares[i] for i in range(1, present + 1)]
    _, sums = committee_decrypt(
        Context(fp), ceremony.key, chosen, aggregates, bound=manifest.dlog_bound(voters)
    )
    decrypt_s = time.perf_counter() - t0

    ok = True
    for j, o in enumerate(manifest.officials):
        p = unpack(RoundKind.POLL, manifest.weight_base, sums[j], voters)
        column = [m[o.id] for m in marks]
        ok &= (p.high, p.confident, p.low) == tuple(column.count(x) for x in LEVELS)
    return {
        "peer": "tinnhiem",
        "officials": str(officials),
        "voters": str(voters),
        "encrypt_ms_per_row": f"{1000 * encrypt_s / rows:.3f}",
        "verify_ms_per_row": f"{1000 * verify_s / rows:.3f}",
        "tally_s": f"{tally_s:.3f}",
        "decrypt_s": f"{decrypt_s:.3f}",
        "setup_s": f"{setup_s:.3f}",
        "committee": str(n),
        "threshold": str(t),
        "decrypting": str(present),
        "procs": "1",
        "group": "ristretto255",
        "version": __version__,
        "result_ok": "true" if ok else "false",
    }


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not all(a.isdigit() and int(a) > 0 for a in argv[-2:]):
        print("usage: python -m bench.peer_line N_OFFICIALS N_VOTERS", file=sys.stderr)
        return 2
    fields = measure(int(argv[-2]), int(argv[-1]))
    print(" ".join(f"{k}={v}" for k, v in fields.items()))
    return 0 if fields["result_ok"] == "true" else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
