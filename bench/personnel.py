"""Personnel ballots (issue 14) against Belenios 2.0 on the same question, in CPU time.

    .venv/bin/python -m bench.personnel [--candidates 3 10] [--k 1 3] [--persons 1 3]
                                        [--kind all|choose|agree] [--voters 200] [--repeats 3]

The ballots (docs/crypto.md §6.3, src/tinnhiem/ballots/rows.py):

- ``choose_at_most`` with n candidates and at most k names: one row of n 0/1 ciphertexts
  and the blank indicator b, each with a 0/1 proof, and a proof that ``Σx + k·b`` is in
  1 … k. Belenios's same question is one homomorphic question with n answers,
  ``"blank": true, "min": 1, "max": k``: its answer is (m0, m1 … mn), m0 the blank flag,
  each 0/1 with a proof, a ``blank_proof`` (m0 = 0 or Σm = 0) and an ``overall_proof``
  (m0 = 1 or Σm in min … max) — Belenios 2.0's specification §4.11.1. With min = 1 that
  is exactly our semantics (a ballot is blank, naming nobody, or names 1 … k); min = 0
  would let a blank ballot be written two ways.
- ``agree_disagree`` with p persons: per person two 0/1 ciphertexts and a proof that their
  sum is 0 or 1. Belenios: one question per person with two answers, min 0, max 1, no blank.

The votes (the same for both, seeded): a choose ballot names one person (70 %), k persons
(20 %, one when k = 1) or nobody (10 %); an agree/disagree ballot agrees (60 %), disagrees
(30 %) or leaves blank (10 %) for each person. Manifests are built the way the product
builds them, ``tinnhiem.poll.personnel.step_manifest`` on a procedure in force
(appointment NĐ 170/2026 step 1, reappointment step 1); every procedure in force has
k = 1, so a k > 1 shape is that manifest with ``personnel.k`` replaced (validated again).
The committee is ``PEERS_COMMITTEE`` members (5) with threshold ``PEERS_THRESHOLD`` (3) on
both sides, as in ../shared/peers/.

What is timed, each figure per ballot:

- **ours**, ``time.process_time`` in this process: ``cast_ballot`` for every voter
  (encrypt, prove, sign: the booth's ``seal_ballot``); ``verify_ballots`` on all of them
  (the board's batch path, 100 ballots per combined check); ``verify_ballot`` one by one;
- **Belenios**, the CPU time (user + system) of each real ``belenios-tool`` process,
  from ``resource.getrusage(RUSAGE_CHILDREN)`` around it. ``bench.peers_cpu`` runs the
  tool under GNU ``time`` through a shim; that prints user and system seconds truncated
  to 10 ms, which is most of one ``generate-ballot`` (50–150 ms), so here the kernel's
  microsecond figures are read directly. As in the peers' bench, ``verify`` is
  ``election verify`` on the full board minus on the empty board, per ballot, and
  ``seal`` is ``generate-ballot`` minus that (each call checks the ballot it made); the
  ballots are made on the empty board and then cast. ``generate-ballot`` still holds the
  process start (``belenios_proc_ms``, printed), loading the election and deriving the
  credential (PBKDF2) besides encrypting, proving and signing.

Each repeat measures ours, then Belenios, then ours again, configuration by
configuration; ours for the repeat is the median of the two, each ratio (Belenios ÷ ours,
above 1: we are faster) is taken within the repeat, and the printed figures are the
medians over the repeats. Belenios's setup (credentials, the threshold key ceremony, the
election) is made once per configuration and not timed; each repeat casts on a fresh board.
The groups differ (ristretto255 against Belenios's 2048-bit ``BELENIOS-2048``): say so
when quoting a ratio.

The last lines are machine-readable, one per configuration:
``kind=choose n=3 k=1 voters=… ours_seal_ms=… ours_verify_ms=… ours_verify_one_ms=…
ours_bytes=… belenios_seal_ms=… belenios_verify_ms=… belenios_bytes=… vs_belenios_seal=…
vs_belenios_verify=… vs_belenios_verify_one=…`` (Belenios's fields ``na`` when
``belenios-tool`` is not installed: ../shared/peers/setup.sh installs it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from tinnhiem.ballots import (
    Ballot,
    Manifest,
    Mark,
    RoundKind,
    canonical_json,
    cast_ballot,
    election_fingerprint,
    verify_ballot,
    verify_ballots,
)
from tinnhiem.crypto import CredentialKey, Point
from tinnhiem.poll.personnel import Candidate, step_manifest
from tinnhiem.tally import load_procedure_text, run_ceremony

#: The procedure and step whose manifest each kind uses (a procedure in force).
STEPS = {
    RoundKind.CHOOSE_AT_MOST: ("appointment-nd170-2026", "b1-leadership"),
    RoundKind.AGREE_DISAGREE: ("appointment-reappointment-nd170-2026", "b1-key-cadres"),
}

#: Shares of the vote mix: a choose ballot is blank, names k, or names one; an agree /
#: disagree ballot agrees, disagrees or leaves blank for each person.
CHOOSE_BLANK, CHOOSE_K = 0.10, 0.20
AGREE, DISAGREE = 0.60, 0.30


@dataclass(frozen=True)
class Shape:
    """One configuration: a choose ballot of ``n`` candidates and at most ``k`` names, or an
    agree/disagree ballot on ``n`` persons (``k`` = 1)."""

    kind: RoundKind
    n: int
    k: int = 1

    @property
    def tag(self) -> str:
        return "choose" if self.kind is RoundKind.CHOOSE_AT_MOST else "agree"

    @property
    def label(self) -> str:
        if self.kind is RoundKind.CHOOSE_AT_MOST:
            return f"choose_at_most n={self.n} k={self.k}"
        return f"agree_disagree n={self.n}"

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f"c{i}" for i in range(1, self.n + 1))


def shapes(
    kind: str = "all",
    candidates: Sequence[int] = (3, 10),
    ks: Sequence[int] = (1, 3),
    persons: Sequence[int] = (1, 3),
) -> list[Shape]:
    """The configurations to run: choose for each n and k ≤ n, agree for each person count."""
    out: list[Shape] = []
    if kind in ("all", "choose"):
        out += [Shape(RoundKind.CHOOSE_AT_MOST, n, k) for n in candidates for k in ks if k <= n]
    if kind in ("all", "agree"):
        out += [Shape(RoundKind.AGREE_DISAGREE, p) for p in persons]
    return out


# -- the workload ---------------------------------------------------------------------------


def voter_marks(shape: Shape, voters: int, seed: int = 1) -> list[dict[str, Mark]]:
    """Each voter's marks, drawn from the mix (module docstring) with a seeded generator."""
    rng = random.Random(f"{seed}/{shape.tag}/{shape.n}/{shape.k}")
    ids = shape.ids
    out: list[dict[str, Mark]] = []
    for _ in range(voters):
        if shape.kind is RoundKind.CHOOSE_AT_MOST:
            r = rng.random()
            if r < CHOOSE_BLANK:
                out.append({})
                continue
            named = shape.k if r < CHOOSE_BLANK + CHOOSE_K else 1
            out.append({c: Mark.CHOSEN for c in rng.sample(ids, named)})
            continue
        marks: dict[str, Mark] = {}
        for c in ids:
            r = rng.random()
            if r < AGREE:
                marks[c] = Mark.AGREE
            elif r < AGREE + DISAGREE:
                marks[c] = Mark.DISAGREE
        out.append(marks)
    return out


def belenios_vote(shape: Shape, marks: Mapping[str, Mark]) -> list[list[int]]:
    """The same ballot as Belenios's plaintext answers: ``[[b, x1 … xn]]`` (the blank flag
    first), or ``[[agree, disagree]]`` for each person."""
    if shape.kind is RoundKind.CHOOSE_AT_MOST:
        bits = [int(marks.get(c) is Mark.CHOSEN) for c in shape.ids]
        return [[int(not any(bits)), *bits]]
    return [
        [int(marks.get(c) is Mark.AGREE), int(marks.get(c) is Mark.DISAGREE)] for c in shape.ids
    ]


def belenios_template(shape: Shape) -> dict[str, object]:
    """Belenios's election template for the same question (module docstring)."""
    if shape.kind is RoundKind.CHOOSE_AT_MOST:
        questions: list[dict[str, object]] = [
            {
                "answers": [f"Candidate {i}" for i in range(1, shape.n + 1)],
                "blank": True,
                "min": 1,
                "max": shape.k,
                "question": f"Choose at most {shape.k}",
            }
        ]
    else:
        questions = [
            {
                "answers": ["agree", "disagree"],
                "blank": False,
                "min": 0,
                "max": 1,
                "question": f"Person {i}",
            }
            for i in range(1, shape.n + 1)
        ]
    return {"description": "Personnel ballot benchmark", "name": shape.tag, "questions": questions}


def committee_size() -> tuple[int, int]:
    """The committee and threshold of both sides (``PEERS_COMMITTEE``, ``PEERS_THRESHOLD``)."""
    return int(os.environ.get("PEERS_COMMITTEE", "5")), int(os.environ.get("PEERS_THRESHOLD", "3"))


def manifest_for(shape: Shape, voters: int) -> Manifest:
    """The manifest the product builds for ``shape`` (``step_manifest``, module docstring)."""
    proc_id, step = STEPS[shape.kind]
    members, threshold = committee_size()
    manifest = step_manifest(
        load_procedure_text(proc_id),
        step,
        [Candidate(c, f"Candidate {c[1:]}", "Phó Giám đốc Sở") for c in shape.ids],
        round_id=f"bench-{shape.tag}-{shape.n}-{shape.k}",
        body="bench",
        summoned=voters,
        committee=[f"M{i}" for i in range(1, members + 1)],
        threshold=threshold,
        post="Giám đốc Sở",
    )
    p = manifest.personnel
    assert p is not None
    if p.k != shape.k:
        manifest = replace(manifest, personnel=replace(p, k=shape.k))
    return manifest


@dataclass(frozen=True)
class Workload:
    """One configuration, sealed once (the key, credentials, marks); ours is timed on it."""

    shape: Shape
    manifest: Manifest
    fingerprint: bytes
    public_key: Point
    keys: tuple[CredentialKey, ...]
    marks: tuple[dict[str, Mark], ...]


def workload(shape: Shape, voters: int, seed: int = 1) -> Workload:
    manifest = manifest_for(shape, voters)
    pk = run_ceremony(manifest).key.public_key
    fp = election_fingerprint(manifest, pk.to_bytes())
    keys = tuple(
        CredentialKey.from_seed(hashlib.sha256(f"{manifest.round_id}/{i}".encode()).digest())
        for i in range(voters)
    )
    return Workload(shape, manifest, fp, pk, keys, tuple(voter_marks(shape, voters, seed)))


# -- ours -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Per ballot: CPU ms to seal, to verify in the batch, to verify one by one, and the
    ballot's size (ours: its canonical JSON on the board; Belenios: the JSON it prints)."""

    seal_ms: float
    verify_ms: float
    verify_one_ms: float
    size: int


def ballot_bytes(ballot: Ballot) -> int:
    """The size of a ballot as the board stores it (canonical JSON)."""
    return len(canonical_json(ballot.to_json()))


def measure_ours(w: Workload) -> Figures:
    """Seal every voter's ballot, verify them in the batch and one by one (CPU time)."""
    m, fp, pk = w.manifest, w.fingerprint, w.public_key
    voters = len(w.keys)
    t0 = time.process_time()
    ballots = [
        cast_ballot(m, fp, pk, key, marks) for key, marks in zip(w.keys, w.marks, strict=True)
    ]
    seal = time.process_time() - t0
    t0 = time.process_time()
    verdicts = verify_ballots(m, fp, pk, ballots)
    batch = time.process_time() - t0
    refused = [v for v in verdicts if v is not None]
    if refused:
        raise SystemExit(f"{w.shape.label}: a ballot was refused: {refused[0]}")
    t0 = time.process_time()
    for b in ballots:
        verify_ballot(m, fp, pk, b)
    one = time.process_time() - t0
    size = statistics.median(ballot_bytes(b) for b in ballots)
    return Figures(1000 * seal / voters, 1000 * batch / voters, 1000 * one / voters, int(size))


# -- Belenios -------------------------------------------------------------------------------


class BeleniosFailed(SystemExit):
    pass


_ENV = dict(os.environ, LC_ALL="C", BELENIOS_USE_URANDOM="1")


def cpu_run(args: Sequence[str], cwd: Path, stdin: bytes = b"") -> tuple[float, bytes]:
    """Run ``args`` to the end; its CPU seconds (user + system, the kernel's figures for the
    children this process waited for) and its stdout. Raises ``BeleniosFailed``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(list(args), cwd=cwd, input=stdin, capture_output=True, env=_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        err = proc.stderr.decode(errors="replace")[-1500:]
        raise BeleniosFailed(f"{' '.join(args[1:3])} failed ({proc.returncode}): {err}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, proc.stdout


class BeleniosElection:
    """One Belenios election of ``shape`` for ``voters`` voters: set up once in ``root``
    (credentials, the threshold key ceremony without a server key, the election); each
    ``run`` casts the given votes on a fresh board and returns the figures."""

    def __init__(self, tool: str, root: Path, shape: Shape, voters: int) -> None:
        self.tool, self.root, self.shape, self.voters = tool, root, shape, voters
        self.group = os.environ.get("BELENIOS_GROUP", "BELENIOS-2048")
        self.setup = root / "setup"
        self.setup.mkdir(parents=True)
        self._setup()

    def bt(self, *args: str, cwd: Path, stdin: bytes = b"") -> tuple[float, bytes]:
        return cpu_run([self.tool, *args], cwd, stdin)

    def _setup(self) -> None:
        d, g = self.setup, ["--group", self.group]
        uuid = self.bt("setup", "generate-token", cwd=d)[1].decode().strip()
        self.bt(
            "setup", "generate-credentials", "--uuid", uuid, *g, "--count", str(self.voters), cwd=d
        )
        (priv,) = d.glob("*.privcreds")
        (pub,) = d.glob("*.pubcreds")
        pub.rename(d / "public_creds.json")
        self.creds = [line.split()[1] for line in priv.read_text().splitlines() if line.strip()]
        if len(self.creds) != self.voters:
            raise BeleniosFailed(f"expected {self.voters} credentials, got {len(self.creds)}")
        members, threshold = committee_size()
        t = d / "trustees"
        t.mkdir()
        tk = ("setup", "generate-trustee-key-threshold", *g)
        for _ in range(members):
            self.bt(*tk, "--step", "1", cwd=t)
        certs = "certs.jsons"
        (t / certs).write_bytes(b"".join(p.read_bytes() for p in sorted(t.glob("*.cert"))))
        self.bt(*tk, "--certs", certs, "--step", "2", cwd=t)
        keys = sorted(t.glob("*.key"))
        polys = b"".join(
            self.bt(*tk, "--certs", certs, "--key", k.name, "--step", "3", "--threshold",
                    str(threshold), cwd=t)[1]
            for k in keys
        )  # fmt: skip
        (t / "polynomials.jsons").write_bytes(polys)
        self.bt(*tk, "--certs", certs, "--step", "4", "--polynomials", "polynomials.jsons", cwd=t)
        outputs = b"".join(
            self.bt(*tk, "--certs", certs, "--key", k.name, "--step", "5", cwd=t,
                    stdin=k.with_suffix(".vinput").read_bytes())[1]
            for k in keys
        )  # fmt: skip
        step6 = (*tk, "--certs", certs, "--step", "6", "--polynomials", "polynomials.jsons")
        (d / "threshold.json").write_bytes(self.bt(*step6, cwd=t, stdin=outputs)[1])
        (d / "public_keys.jsons").write_bytes(b"")  # the threshold group only, no server key
        self.bt("setup", "make-trustees", cwd=d)
        (d / "template.json").write_text(json.dumps(belenios_template(self.shape)))
        self.bt("setup", "make-election", "--uuid", uuid, *g, "--template", "template.json", cwd=d)
        for k, cred in enumerate(self.creds, 1):
            (d / f"cred-{k}").write_text(cred + "\n")

    def process_start_ms(self) -> float:
        """CPU ms of a ``belenios-tool`` call that does next to nothing (the median of 5)."""
        return 1000 * statistics.median(self.bt("sha256-b64", cwd=self.setup)[0] for _ in range(5))

    def run(self, votes: Sequence[Sequence[Sequence[int]]], name: str) -> Figures:
        """Cast ``votes`` on a fresh board; ``verify_one_ms`` repeats ``verify_ms`` (a
        Belenios board is only checked whole)."""
        if len(votes) != self.voters:
            raise ValueError(f"{len(votes)} votes for {self.voters} voters")
        d = self.root / name
        d.mkdir()
        try:
            for f in ("election.json", "trustees.json", "public_creds.json"):
                shutil.copy(self.setup / f, d / f)
            self.bt("archive", "init", cwd=d)
            for f in ("election.json", "trustees.json", "public_creds.json"):
                (d / f).unlink()
            empty = self.bt("election", "verify", cwd=d)[0]
            made = 0.0
            ballots = []
            for k, vote in enumerate(votes, 1):
                (d / "vote").write_text(json.dumps(vote))
                cpu, ballot = self.bt(
                    "election", "generate-ballot", "--privcred", str(self.setup / f"cred-{k}"),
                    "--ballot", "vote", cwd=d,
                )  # fmt: skip
                made += cpu
                ballots.append(ballot)
            for ballot in ballots:
                self.bt("archive", "add-event", "--type=Ballot", cwd=d, stdin=ballot)
            full = self.bt("election", "verify", cwd=d)[0]
        finally:
            shutil.rmtree(d)
        verify = 1000 * (full - empty) / self.voters
        size = statistics.median(len(b.strip()) for b in ballots)
        return Figures(1000 * made / self.voters - verify, verify, verify, int(size))


# -- the protocol ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Repeat:
    """One repeat of one configuration: ours before and after Belenios, and Belenios."""

    before: Figures
    after: Figures
    belenios: Figures | None

    @property
    def ours(self) -> Figures:
        """Ours for this repeat: the median (the mean) of before and after, field by field."""
        b, a = self.before, self.after
        return Figures(
            statistics.median([b.seal_ms, a.seal_ms]),
            statistics.median([b.verify_ms, a.verify_ms]),
            statistics.median([b.verify_one_ms, a.verify_one_ms]),
            b.size,
        )

    def ratios(self) -> dict[str, float]:
        """Belenios ÷ ours within this repeat (empty without Belenios)."""
        if self.belenios is None:
            return {}
        o, p = self.ours, self.belenios
        return {
            "vs_belenios_seal": p.seal_ms / o.seal_ms,
            "vs_belenios_verify": p.verify_ms / o.verify_ms,
            "vs_belenios_verify_one": p.verify_ms / o.verify_one_ms,
        }


def summarise(repeats: Sequence[Repeat]) -> dict[str, float]:
    """The medians over the repeats of ours, Belenios's and the ratios."""
    out = {
        "ours_seal_ms": statistics.median(r.ours.seal_ms for r in repeats),
        "ours_verify_ms": statistics.median(r.ours.verify_ms for r in repeats),
        "ours_verify_one_ms": statistics.median(r.ours.verify_one_ms for r in repeats),
        "ours_bytes": float(repeats[0].ours.size),
    }
    peers = [r.belenios for r in repeats if r.belenios is not None]
    if peers:
        out |= {
            "belenios_seal_ms": statistics.median(p.seal_ms for p in peers),
            "belenios_verify_ms": statistics.median(p.verify_ms for p in peers),
            "belenios_bytes": float(peers[0].size),
        }
        for key in repeats[0].ratios():
            out[key] = statistics.median(r.ratios()[key] for r in repeats)
    return out


def machine_line(shape: Shape, voters: int, s: Mapping[str, float]) -> str:
    """The configuration's machine-readable line (``na`` for a figure not measured)."""

    def f(key: str, digits: int) -> str:
        return f"{s[key]:.{digits}f}" if key in s else "na"

    head = f"kind={shape.tag} n={shape.n}" + (
        f" k={shape.k}" if shape.kind is RoundKind.CHOOSE_AT_MOST else ""
    )
    fields = [
        ("ours_seal_ms", 3), ("ours_verify_ms", 3), ("ours_verify_one_ms", 3), ("ours_bytes", 0),
        ("belenios_seal_ms", 2), ("belenios_verify_ms", 2), ("belenios_bytes", 0),
        ("vs_belenios_seal", 1), ("vs_belenios_verify", 1), ("vs_belenios_verify_one", 1),
    ]  # fmt: skip
    return f"{head} voters={voters} " + " ".join(f"{k}={f(k, d)}" for k, d in fields)


def compare(
    configs: Sequence[Shape], voters: int, repeats: int, *, seed: int = 1, belenios: bool = True
) -> list[dict[str, float]]:
    """Run the protocol (module docstring), printing each repeat and a table; returns each
    configuration's medians (``summarise``)."""
    tool = shutil.which("belenios-tool") if belenios else None
    if belenios and tool is None:
        print(
            "belenios-tool is not installed: ours only (bash ../shared/peers/setup.sh, or "
            "apt-get install belenios-tool, adds it)",
            flush=True,
        )
    loads = [workload(s, voters, seed) for s in configs]
    with tempfile.TemporaryDirectory(prefix="tn-bench-personnel-") as tmp:
        built: list[BeleniosElection] = []
        if tool is not None:
            built = [
                BeleniosElection(tool, Path(tmp) / f"e{i}", s, voters)
                for i, s in enumerate(configs)
            ]
            version = subprocess.run(
                [tool, "--version"], capture_output=True, text=True, check=False
            ).stdout.split("\n")[0]
            members, threshold = committee_size()
            print(
                f"belenios-tool {version}, group {built[0].group}, {members} trustees "
                f"(threshold {threshold}); a call that does nothing costs "
                f"{built[0].process_start_ms():.1f} ms CPU (inside Belenios's seal)",
                flush=True,
            )
        elections: list[BeleniosElection | None] = list(built) or [None] * len(configs)
        votes = [[belenios_vote(w.shape, m) for m in w.marks] for w in loads]
        runs: list[list[Repeat]] = [[] for _ in configs]
        for r in range(1, repeats + 1):
            for i, w in enumerate(loads):
                before = measure_ours(w)
                e = elections[i]
                peer = e.run(votes[i], f"run{r}") if e is not None else None
                after = measure_ours(w)
                rep = Repeat(before, after, peer)
                runs[i].append(rep)
                line = (
                    f"repeat {r} {w.shape.label}: ours seal {before.seal_ms:.3f} / "
                    f"{after.seal_ms:.3f}, verify {before.verify_ms:.3f} / {after.verify_ms:.3f}"
                    f" (one by one {before.verify_one_ms:.3f} / {after.verify_one_ms:.3f}) ms"
                )
                if peer is not None:
                    q = rep.ratios()
                    line += (
                        f"; Belenios seal {peer.seal_ms:.2f}, verify {peer.verify_ms:.2f} ms: "
                        f"{q['vs_belenios_seal']:.1f}x, {q['vs_belenios_verify']:.1f}x"
                    )
                print(line, flush=True)
    summaries = [summarise(rs) for rs in runs]
    print_table(configs, voters, repeats, summaries, runs)
    for shape, s in zip(configs, summaries, strict=True):
        print(machine_line(shape, voters, s))
    return summaries


def print_table(
    configs: Sequence[Shape],
    voters: int,
    repeats: int,
    summaries: Sequence[Mapping[str, float]],
    runs: Sequence[Sequence[Repeat]],
) -> None:
    print(
        f"\n{voters} voters, CPU ms per ballot (per candidate or person in brackets), medians "
        f"of {repeats}; Belenios ÷ ours (spread over the repeats)"
    )
    for shape, s, rs in zip(configs, summaries, runs, strict=True):
        n = shape.n

        def per(key: str, digits: int) -> str:
            return f"{s[key]:.{digits}f} ({s[key] / n:.{digits}f})"  # noqa: B023

        print(
            f"  {shape.label}: ours seal {per('ours_seal_ms', 3)}, verify "
            f"{per('ours_verify_ms', 3)}, one by one {per('ours_verify_one_ms', 3)}; "
            f"{s['ours_bytes']:.0f} bytes"
        )
        if "belenios_seal_ms" in s:
            spread = {k: [r.ratios()[k] for r in rs] for k in rs[0].ratios()}
            rng = {k: f"{min(v):.1f}–{max(v):.1f}" for k, v in spread.items()}
            print(
                f"    Belenios seal {per('belenios_seal_ms', 2)}, verify "
                f"{per('belenios_verify_ms', 2)}; {s['belenios_bytes']:.0f} bytes; "
                f"seal {s['vs_belenios_seal']:.1f}x ({rng['vs_belenios_seal']}), "
                f"verify {s['vs_belenios_verify']:.1f}x ({rng['vs_belenios_verify']}), "
                f"one by one {s['vs_belenios_verify_one']:.1f}x "
                f"({rng['vs_belenios_verify_one']})"
            )


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.personnel")
    parser.add_argument("--kind", choices=("all", "choose", "agree"), default="all")
    parser.add_argument("--candidates", type=int, nargs="+", default=[3, 10])
    parser.add_argument("--k", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--persons", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-belenios", action="store_true", help="ours only")
    args = parser.parse_args(list(argv))
    configs = shapes(args.kind, args.candidates, args.k, args.persons)
    if not configs or args.voters < 1 or args.repeats < 1:
        parser.error("no configuration to run (k <= n, voters and repeats >= 1)")
    compare(configs, args.voters, args.repeats, seed=args.seed, belenios=not args.no_belenios)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
