"""The public record corpus (docs/vectors/records/): valid records of each rule kind and
size class, and invalid ones, each with the exit class and the failure location a
verifier must give (docs/record-format.md §4). Also the seeded mutations of a record that
the agreement tests run through both verifiers.

``python -m tinnhiem.poll.corpus docs/vectors/records`` writes the corpus and its
``index.json``; every expectation written by hand here is checked against
``tinnhiem verify``'s verdict before anything is written, so the corpus never records a
verdict the project does not give.
"""

from __future__ import annotations

import copy
import gzip
import json
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tinnhiem.ballots import (
    CommitteeMember,
    Encoding,
    ExemptOfficial,
    Manifest,
    Mark,
    Official,
    RevotePolicy,
    RoundKind,
    canonical_json,
    cast_ballot,
    entry_hash,
    format_tracker,
    tagged_hash,
)
from tinnhiem.ballots.ballot import row_binding
from tinnhiem.ballots.board import GENESIS
from tinnhiem.ballots.manifest import CHOICE_ROW
from tinnhiem.ballots.rows import level_binding
from tinnhiem.crypto import Ciphertext, Context, CredentialKey, Point, Scalar, encrypt, prove_in_set
from tinnhiem.crypto.dkg import MemberShare
from tinnhiem.errors import TinnhiemError
from tinnhiem.poll import Election
from tinnhiem.record.errors import RecordInvalid, RecordUnreadable
from tinnhiem.record.io import open_record
from tinnhiem.record.model import payload_hash
from tinnhiem.record.verify import verify_record
from tinnhiem.tally import RuleSource, load_rule_source, sign_head

__all__ = [
    "Built",
    "build_round",
    "build_step",
    "mutations",
    "python_verdict",
    "reseal",
    "stream_bytes",
    "verdict_of_bytes",
    "write_corpus",
]


@dataclass
class Built:
    """A finished round as record JSON, with the secrets that let a forger reseal it."""

    data: dict[str, Any]
    voters: dict[str, CredentialKey] = field(default_factory=dict)
    shares: dict[int, MemberShare] = field(default_factory=dict)


_MARKS = {
    RoundKind.POLL: [Mark.HIGH, Mark.HIGH, Mark.CONFIDENT, Mark.LOW, None],
    RoundKind.FORMAL_VOTE: [Mark.CONFIDENCE, Mark.NO_CONFIDENCE, None],
}


def build_round(
    *,
    rule: str | RuleSource = "nq96-2023",
    officials: int = 2,
    voters: int = 5,
    summoned: int | None = None,
    members: int | None = None,
    encoding: Encoding = Encoding.PACKED,
    revote: RevotePolicy = RevotePolicy.REJECT,
    seed: int = 1,
    cast: int | None = None,
    low_for_first: int = 0,
    present: tuple[int, ...] = (1, 2, 3),
    revotes: int = 0,
    restart: bool = False,
) -> Built:
    """A small finished round. ``cast`` voters vote (default: all); the first
    ``low_for_first`` of them mark the first official low (no confidence), to reach a band."""
    source = rule if isinstance(rule, RuleSource) else load_rule_source(rule)
    kind = RoundKind(source.rule.kind.value)
    summoned = summoned or voters
    committee = tuple(
        CommitteeMember(i + 1, f"Thành viên {i + 1}") for i in range(4 if restart else 3)
    )
    manifest = Manifest(
        round_id=f"corpus-{seed}",
        body="Hội đồng nhân dân xã (mẫu)",
        title="Hồ sơ mẫu / corpus record",
        kind=kind,
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(
            Official(f"o{i + 1}", f"Người thứ {i + 1}", f"Chức vụ {i + 1}", i + 1)
            for i in range(officials)
        ),
        exempt=(ExemptOfficial("x1", "Người miễn", "Phó Chủ tịch", "Có thông báo nghỉ hưu"),),
        summoned=summoned,
        members=members,
        committee=committee,
        threshold=2,
        weight_base=summoned + 1,
        encoding=encoding,
        revote=revote,
        date="2026-12-01",
    )
    election = Election(manifest, source)
    if restart:
        _complain_and_restart(election, manifest)
    election.key_ceremony()
    keys = [CredentialKey.generate() for _ in range(voters)]
    election.open(k.public for k in keys)
    rng = random.Random(seed)
    low = Mark.LOW if kind is RoundKind.POLL else Mark.NO_CONFIDENCE
    voting = keys[: voters if cast is None else cast]
    for v, key in enumerate([*voting, *voting[:revotes]]):
        marks: dict[str, Mark] = {}
        for j, o in enumerate(election.manifest.officials):
            mark = low if (j == 0 and v < low_for_first) else rng.choice(_MARKS[kind])
            if mark is not None:
                marks[o.id] = mark
        m = election.manifest
        election.cast(cast_ballot(m, election.fingerprint, election.public_key, key, marks))
    election.close()
    election.decrypt(present)
    election.results()
    if present:
        election.sign_head()
    data = json.loads(election.record().to_bytes())
    assert election.secrets is not None
    return Built(data, {k.public.hex(): k for k in keys}, dict(election.secrets.shares))


def build_step(
    *,
    procedure: str = "appointment-qd80-2022",
    step: str = "b2-introduce",
    candidates: tuple[str, ...] = ("an", "binh", "chi"),
    votes: tuple[tuple[str, ...], ...] = (("an",), ("an",), ("binh",), ()),
    summoned: int | None = None,
    present: int | None = None,
    previous: Built | None = None,
    seed: int = 1,
    blank_column: bool = True,
) -> Built:
    """A finished personnel round (record-format §3.13): step ``step`` of ``procedure``
    over ``candidates``, one ballot per entry of ``votes`` (the names it marks; for an
    agree/disagree step a name prefixed ``-`` is a disagree), linked to ``previous`` when
    the step takes an earlier step's list. ``blank_column=False``: a choose row of the
    first personnel records, without the blank indicator."""
    import hashlib

    from tinnhiem.ballots.manifest import ListSource
    from tinnhiem.poll.personnel import Candidate, run_step, step_manifest
    from tinnhiem.record.io import read_record
    from tinnhiem.tally import load_procedure_text

    proc = load_procedure_text(procedure)
    before = None
    if previous is not None:
        tmp = json.dumps(previous.data, ensure_ascii=False)
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "previous.json"
            path.write_text(tmp, encoding="utf-8")
            before = read_record(path)
    round_id = f"corpus-{procedure}-{step}-{seed}"
    manifest = step_manifest(
        proc,
        step,
        [Candidate(c, f"Ứng viên {c}", f"Chức vụ {c}") for c in candidates],
        round_id=round_id,
        body="Sở mẫu / sample department",
        summoned=summoned or len(votes),
        committee=("Thành viên 1", "Thành viên 2", "Thành viên 3"),
        threshold=2,
        post="Giám đốc Sở",
        list_source=ListSource.PLANNING,
        previous=before,
        date="2026-12-01",
    )
    if not blank_column and manifest.personnel is not None:
        manifest = replace(manifest, personnel=replace(manifest.personnel, blank_column=False))
    ballots: list[dict[str, Mark]] = []
    for names in votes:
        marks: dict[str, Mark] = {}
        for n in names:
            if manifest.kind is RoundKind.CHOOSE_AT_MOST:
                marks[n] = Mark.CHOSEN
            elif n.startswith("-"):
                marks[n[1:]] = Mark.DISAGREE
            else:
                marks[n] = Mark.AGREE
        ballots.append(marks)
    election = run_step(manifest, proc, ballots, present=present, decrypting=(1, 3), seed=seed)
    data = json.loads(election.record().to_bytes())
    issued = len(ballots) if present is None else present
    keys = [
        CredentialKey.from_seed(hashlib.sha256(f"{round_id}/{seed}/{i}".encode()).digest())
        for i in range(issued)
    ]
    assert election.secrets is not None
    return Built(data, {k.public.hex(): k for k in keys}, dict(election.secrets.shares))


def stream_bytes(data: dict[str, Any]) -> bytes:
    """The record in the streaming form (record-format §1.1): the header line, then one
    canonical line per ballot."""
    header = {k: v for k, v in data.items() if k != "ballots"}
    header["format"] = "tinnhiem-record-stream"
    header["ballot_count"] = len(data["ballots"])
    lines = [to_bytes(header), *(to_bytes(b) for b in data["ballots"])]
    return b"".join(line + b"\n" for line in lines)


def _complain_and_restart(election: Election, manifest: Manifest) -> None:
    from tinnhiem.ballots import ceremony_fingerprint
    from tinnhiem.crypto import Context
    from tinnhiem.crypto.dkg import DkgMember

    engine = election.engine
    ctx = Context(ceremony_fingerprint(manifest))
    n = len(manifest.committee)
    dkg = {i: DkgMember(ctx, i, manifest.threshold, n) for i in range(1, n + 1)}
    commits = {i: m.commit() for i, m in dkg.items()}
    for i, c in commits.items():
        engine.post_ceremony_message(i, "commit", c.to_dict())
    for i, m in dkg.items():
        engine.post_ceremony_message(i, "reveal", m.reveal(commits).to_dict())
    engine.post_ceremony_message(1, "complaint", {"accused": 4, "reason": "phần chia không khớp"})
    engine.restart_ceremony(
        replace(manifest, committee=manifest.committee[:3]), reason="khiếu nại / complaint"
    )


# -- resealing: a forger's best effort -----------------------------------------------------


def reseal(built: Built, data: dict[str, Any], *, sign: bool = True) -> dict[str, Any]:
    """Recompute what hashes cover ``data`` after a change: each ballot re-signed (voter's
    key) with its hash and tracker, the board's payloads, chain and head, and (``sign``)
    the committee's head signatures, so only the deeper checks can catch the change."""
    out = copy.deepcopy(data)
    fp = bytes.fromhex(out["fingerprint"])
    for b in out.get("ballots", []):
        try:
            rows = [
                (r["official"], bytes.fromhex(r["ct"]), bytes.fromhex(r["proof"]))
                for r in b["rows"]
            ]
            credential = bytes.fromhex(b["credential"])
        except (KeyError, TypeError, ValueError):
            continue
        parts = [fp, credential, len(rows).to_bytes(4, "big")]
        for oid, ct, proof in rows:
            parts += [oid.encode("utf-8"), ct, proof]
        digest = tagged_hash("tinnhiem/ballot/v1", *parts)
        key = built.voters.get(b["credential"])
        if key is not None:
            b["signature"] = key.sign(digest).hex()
        h = tagged_hash("tinnhiem/ballot-hash/v1", digest, bytes.fromhex(b["signature"]))
        b["hash"] = h.hex()
        b["tracker"] = format_tracker(h)
    posts: list[tuple[str, bytes]] = []
    for r in out["restarts"]:
        posts += [("manifest", payload_hash("manifest", r["manifest"]))]
        posts += [("restart", payload_hash("restart", r["restart"]))]
    section = {"manifest": out["manifest"], "rule": out["rule"], "roster": out["roster"]}
    posts += [("manifest", payload_hash("manifest", section))]
    posts += [("committee", payload_hash("committee", out["committee"]))]
    opened = {"fingerprint": out["fingerprint"], "credentials": out["credentials"]}
    posts += [("open", payload_hash("open", opened))]
    for i, b in enumerate(out["ballots"]):
        posts += [("ballot", bytes.fromhex(b["hash"]))]
        b["board_index"] = 2 * len(out["restarts"]) + 3 + i
    for kind in ("close", "aggregates", "decryption", "results"):
        posts += [(kind, payload_hash(kind, out[kind]))]
    entries = []
    prev = GENESIS
    for i, (kind, digest) in enumerate(posts):
        h = entry_hash(i, prev, kind, digest)
        entries.append(
            {
                "index": i,
                "previous": prev.hex(),
                "kind": kind,
                "payload": digest.hex(),
                "hash": h.hex(),
            }
        )
        prev = h
    out["board"] = {"head": prev.hex(), "entries": entries}
    if sign:
        out["signatures"] = [
            {"member": m, "signature": sign_head(fp, built.shares[m], prev).hex()}
            for m in out["decryption"]["present"]
            if m in built.shares
        ]
    return out


def rule_text_record(built: Built, text: str) -> dict[str, Any]:
    """The record carrying ``text`` as its rule (digest and manifest version updated)."""
    import hashlib

    data = copy.deepcopy(built.data)
    digest = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    data["rule"]["text"] = text
    data["rule"]["digest"] = digest
    data["manifest"]["rule"]["version"] = digest
    return data


# -- verdicts --------------------------------------------------------------------------------


Verdict = tuple[int, str | None, str | None]


def python_verdict(path: str | Path) -> Verdict:
    """``tinnhiem verify``'s verdict as (exit class, check, location), §4.1."""
    try:
        verify_record(open_record(path), workers=1)
    except RecordUnreadable as exc:
        return 2, "read", exc.where if exc.where in ("format", "version") else "record"
    except RecordInvalid as exc:
        return 1, exc.check, exc.where
    except TinnhiemError:
        return 3, "internal", None
    return 0, None, None


def verdict_of_bytes(data: bytes, tmp: Path, *, name: str = "record.json") -> Verdict:
    path = tmp / name
    path.write_bytes(data)
    return python_verdict(path)


def to_bytes(data: Any) -> bytes:
    return canonical_json(data, check=False)


# -- the corpus ------------------------------------------------------------------------------

RULE_WITH_BOM_NOTE = "one leading U+FEFF is not part of the rule (rules.md)"


@dataclass
class Case:
    name: str
    note: str
    make: Callable[[], bytes]
    exit: int
    where: str | None


def _valid_cases() -> Iterator[tuple[str, str, Callable[[], Built]]]:
    yield (
        "poll-qd96-tiny",
        "poll, QĐ 96 (quorum, blank rows invalid), 2 × 5",
        lambda: build_round(rule="qd96-2023", seed=1),
    )
    yield (
        "poll-nq96-band",
        "poll, NQ 96: an official in the over-half band",
        lambda: build_round(rule="nq96-2023", officials=3, voters=9, low_for_first=6, seed=2),
    )
    yield (
        "poll-qd96-two-thirds",
        ("poll, QĐ 96: mandatory band closes the resignation path (resignation_closed)"),
        lambda: build_round(rule="qd96-2023", officials=2, voters=6, low_for_first=5, seed=3),
    )
    yield (
        "poll-nq85-members",
        "poll, NQ 85: base N = all members (manifest.members)",
        lambda: build_round(rule="nq85-2014", officials=2, voters=6, summoned=7, members=9, seed=4),
    )
    yield (
        "poll-nq35",
        "poll, NQ 35: exclusive two-thirds band",
        lambda: build_round(rule="nq35-2012", officials=2, voters=6, low_for_first=5, seed=5),
    )
    yield (
        "formal-nq96",
        "formal vote, NQ 96 formal: base all members",
        lambda: build_round(
            rule="nq96-2023-formal", officials=2, voters=7, members=7, low_for_first=5, seed=6
        ),
    )
    yield (
        "poll-quorum-not-met",
        "poll, QĐ 96: fewer present than 2/3 of summoned",
        lambda: build_round(rule="qd96-2023", officials=2, voters=3, summoned=9, seed=7),
    )
    yield (
        "poll-empty-round",
        "poll: no ballot counted (the empty sum, §3.8.1)",
        lambda: build_round(rule="nq96-2023", officials=2, voters=4, cast=0, present=(), seed=8),
    )
    yield (
        "poll-revote-last-counts",
        "poll: re-votes, the last ballot counts",
        lambda: build_round(
            rule="nq96-2023", voters=5, revote=RevotePolicy.LAST_COUNTS, revotes=2, seed=9
        ),
    )
    yield (
        "poll-per-level",
        "poll, per-level encoding (summoned 2500, 6 voting)",
        lambda: build_round(
            rule="nq96-2023", voters=6, summoned=2500, encoding=Encoding.PER_LEVEL, seed=10
        ),
    )
    yield (
        "formal-per-level",
        "formal vote, per-level encoding",
        lambda: build_round(
            rule="nq96-2023-formal",
            voters=5,
            summoned=2500,
            members=2500,
            encoding=Encoding.PER_LEVEL,
            seed=11,
        ),
    )
    yield (
        "poll-rule-bom",
        RULE_WITH_BOM_NOTE,
        lambda: build_round(
            rule=RuleSource.from_text("\ufeff" + load_rule_source("nq96-2023").text), seed=13
        ),
    )
    yield (
        "poll-restart",
        "poll: a key ceremony restarted after a complaint",
        lambda: build_round(rule="nq96-2023", voters=4, restart=True, seed=12),
    )


@dataclass
class _Chain:
    """The personnel steps of the corpus, built once (each links the one before)."""

    steps: dict[str, Built] = field(default_factory=dict)

    def get(self, name: str) -> Built:
        if not self.steps:
            b2 = build_step(seed=21)
            b3 = build_step(
                step="b3-leadership",
                candidates=("an", "binh"),
                votes=(("an",), ("an",), ("an",), ("binh",), ()),
                previous=b2,
                seed=22,
            )
            self.steps.update(b2=b2, b3=b3)
            self.steps["b4"] = build_step(
                step="b4-key-cadres",
                candidates=("an",),
                votes=(("an",), ("an",), ("-an",), ()),
                summoned=5,
                previous=b3,
                seed=23,
            )
            self.steps["b5"] = build_step(
                step="b5-decide",
                candidates=("an",),
                votes=(("an",), ("an",), ("-an",), ("-an",)),
                previous=b3,
                seed=24,
            )
            self.steps["tie"] = build_step(
                step="b2-introduce",
                candidates=("an", "binh", "chi"),
                votes=(("an",), ("an",), ("binh",), ("chi",), ()),
                seed=25,
            )
            self.steps["legacy"] = build_step(
                candidates=("an", "binh", "chi"),
                votes=(("an",), ("binh",), ("an",), (), ()),
                seed=27,
                blank_column=False,
            )
            self.steps["quorum"] = build_step(
                procedure="appointment-nd138-2024",
                step="b2-introduce",
                candidates=("an", "binh"),
                votes=(("an",), ("an",), ("binh",)),
                summoned=6,
                seed=26,
            )
        return self.steps[name]


_CHAIN = _Chain()


def _personnel_valid_cases() -> Iterator[tuple[str, str, Callable[[], Built]]]:
    yield (
        "personnel-choose-top-n",
        "choose_at_most (QĐ 80 step 2): nobody above 1/2 of those summoned, the 2 highest go on",
        lambda: _CHAIN.get("b2"),
    )
    yield (
        "personnel-choose-linked",
        "choose_at_most (step 3), its list linked to step 2's record: one passes",
        lambda: _CHAIN.get("b3"),
    )
    yield (
        "personnel-agree-advisory",
        "agree_disagree (step 4, advisory: recorded, no threshold), linked to step 3",
        lambda: _CHAIN.get("b4"),
    )
    yield (
        "personnel-agree-at-threshold",
        "agree_disagree (step 5): exactly 1/2 of the members, the head decides (pending)",
        lambda: _CHAIN.get("b5"),
    )
    yield (
        "personnel-choose-tie",
        "choose_at_most: a tie at the cut of the 2 highest (not in the text: pending)",
        lambda: _CHAIN.get("tie"),
    )
    yield (
        "personnel-choose-no-blank-column",
        "choose_at_most as the first personnel records wrote it: no blank column (the row's "
        "plain sum in 0..k), still verified; its result has no blank count",
        lambda: _CHAIN.get("legacy"),
    )
    yield (
        "personnel-quorum-not-met",
        "choose_at_most under NĐ 138: 3 present of 6 summoned, under the 2/3 quorum",
        lambda: _CHAIN.get("quorum"),
    )


def _personnel_invalid_cases() -> Iterator[Case]:
    def sealed(
        name: str, note: str, step: str, change: Callable[[dict[str, Any]], None], where: str
    ) -> Case:
        def make() -> bytes:
            built = _CHAIN.get(step)
            d = copy.deepcopy(built.data)
            change(d)
            return to_bytes(reseal(built, d))

        return Case(name, note + " (resealed)", make, 1, where)

    def forged_status(d: dict[str, Any]) -> None:
        d["results"].update(status="passed", selected=["an"], advancing=["an"], action=None)

    yield sealed(
        "personnel-forged-status",
        "step 2's result forged to 'passed' (selected, advancing, no action)",
        "b2",
        forged_status,
        "results.action",
    )
    yield sealed(
        "personnel-wrong-advancing",
        "step 2's advancing list names the third candidate instead of the second",
        "b2",
        _set(("results", "advancing"), ["an", "chi"]),
        "results.advancing[1]",
    )
    yield sealed(
        "personnel-reason-cite",
        "a reason's citation key changed",
        "b3",
        _set(("results", "reasons", 2, "cite"), "qd80-adopted"),
        "results.reasons[2]",
    )
    yield sealed(
        "personnel-k-violated",
        "the manifest lets a ballot mark 2 names where the step allows 1",
        "b2",
        _set(("manifest", "personnel", "k"), 2),
        "manifest.personnel.k",
    )

    def bad_sum_proof(d: dict[str, Any]) -> None:
        rows = d["ballots"][1]["rows"][0], d["ballots"][0]["rows"][0]
        p = d["manifest"]["personnel"]
        cut = 2 * 256 * (len(d["manifest"]["officials"]) + ("blank_column" in p))
        rows[0]["proof"] = rows[0]["proof"][:cut] + rows[1]["proof"][cut:]

    yield sealed(
        "personnel-bad-sum-proof",
        "a choose row's proof of its weighted sum (Σx + k·b in 1..k) is another ballot's",
        "b2",
        bad_sum_proof,
        "ballots[1].rows[0].proof",
    )

    def forged(bits: tuple[int, ...]) -> Callable[[dict[str, Any]], None]:
        def change(d: dict[str, Any]) -> None:
            m = Manifest.from_json(d["manifest"])
            ballot = d["ballots"][1]
            ct, proof = forge_choose_row(
                m,
                bytes.fromhex(d["fingerprint"]),
                Point.from_bytes(bytes.fromhex(d["committee"]["key"]["public_key"])),
                bytes.fromhex(ballot["credential"]),
                bits,
            )
            ballot["rows"][0].update(ct=ct.hex(), proof=proof.hex())

        return change

    for name, bits, note in (
        ("blank-and-chosen", (1, 0, 0, 1), "b = 1 and a name chosen"),
        ("not-blank-none-chosen", (0, 0, 0, 0), "b = 0 and no name chosen"),
        ("blank-two", (0, 0, 0, 2), "b = 2"),
        ("over-k", (1, 1, 0, 0), "k + 1 names"),
    ):
        yield sealed(
            f"personnel-{name}",
            f"a choose ballot with {note}: its weighted sum Σx + k·b is not in 1..k, and "
            "its proofs (each 0/1, the sum) cannot all verify",
            "b2",
            forged(bits),
            "ballots[1].rows[0].proof",
        )
    yield sealed(
        "personnel-previous-missing",
        "step 3 without its link to step 2's record",
        "b3",
        _set(("manifest", "personnel", "previous"), None),
        "manifest.personnel.previous",
    )


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        target = d
        for p in path[:-1]:
            target = target[p]
        target[path[-1]] = value

    return change


def forge_choose_row(
    manifest: Manifest,
    fingerprint: bytes,
    public_key: Point,
    credential: bytes,
    bits: tuple[int, ...],
) -> tuple[bytes, bytes]:
    """A cheater's choose row (ciphertext, proof bytes) encrypting ``bits`` (the candidates,
    then b) as well as a prover without the weighted sum can: each 0/1 level proven
    honestly (a level not 0/1 gets the proof of another ciphertext, of 0), and the last
    proof over the row's *plain* sum Σ x_i + b when that lies in the allowed set (the
    statement a prover would pick if it chose what to prove), else over a fresh
    encryption of 1. A verifier that computes the weighted sum itself refuses it."""
    ctx = Context(fingerprint)
    binding = row_binding(fingerprint, credential, CHOICE_ROW)
    cts: list[Ciphertext] = []
    proofs: list[bytes] = []
    nonce_sum = Scalar.from_int(0)
    for j, bit in enumerate(bits):
        ct, nonce = encrypt(public_key, bit)
        shown, shown_nonce, shown_bit = (ct, nonce, bit)
        if bit not in (0, 1):
            shown_bit = 0
            shown, shown_nonce = encrypt(public_key, 0)
        proofs.append(
            prove_in_set(
                ctx,
                public_key,
                shown,
                shown_bit,
                shown_nonce,
                (0, 1),
                binding=level_binding(binding, j + 1),
            ).to_bytes()
        )
        cts.append(ct)
        nonce_sum = nonce_sum + nonce
    allowed = manifest.sum_allowed()
    plain = Ciphertext.sum(cts)
    if sum(bits) not in allowed:
        plain, nonce_sum = encrypt(public_key, allowed[0])
    value = sum(bits) if sum(bits) in allowed else allowed[0]
    proofs.append(
        prove_in_set(
            ctx, public_key, plain, value, nonce_sum, allowed, binding=level_binding(binding, 0)
        ).to_bytes()
    )
    return b"".join(c.to_bytes() for c in cts), b"".join(proofs)


def _flip_hex(text: str, at: int = 10) -> str:
    return text[:at] + ("0" if text[at] != "0" else "1") + text[at + 1 :]


def _invalid_cases(base: Built, rule_text: str) -> Iterator[Case]:
    data = base.data
    raw = to_bytes(data)

    def json_case(
        name: str,
        note: str,
        change: Callable[[dict[str, Any]], None],
        ex: int,
        where: str,
        *,
        resealed: bool = False,
    ) -> Case:
        def make() -> bytes:
            d = copy.deepcopy(data)
            change(d)
            return to_bytes(reseal(base, d) if resealed else d)

        return Case(name, note, make, ex, where)

    def rule_case(name: str, note: str, text: str, ex: int, where: str | None) -> Case:
        return Case(
            name, note, lambda: to_bytes(reseal(base, rule_text_record(base, text))), ex, where
        )

    # §1: reading (exit 2)
    yield Case("read-not-json", "not JSON", lambda: b"not json", 2, "record")
    yield Case(
        "read-bom",
        "a UTF-8 byte-order mark before the JSON",
        lambda: b"\xef\xbb\xbf" + raw,
        2,
        "record",
    )
    summoned = f'"summoned":{data["manifest"]["summoned"]}'.encode()
    yield Case(
        "read-float",
        "a number with a fraction",
        lambda: raw.replace(summoned, summoned + b".0", 1),
        2,
        "record",
    )
    yield Case(
        "read-nan",
        "NaN is not JSON",
        lambda: raw.replace(summoned, b'"summoned":NaN', 1),
        2,
        "record",
    )
    yield Case(
        "read-duplicate-key",
        "a key twice in one object",
        lambda: raw.replace(summoned, summoned + b"," + summoned, 1),
        2,
        "record",
    )
    yield Case(
        "read-not-nfc",
        "a string not in Unicode NFC",
        lambda: raw.replace("(mẫu)".encode(), "(ma\u0302\u0303u)".encode(), 1),
        2,
        "record",
    )
    yield Case("read-truncated", "the file cut short", lambda: raw[:-7], 2, "record")
    yield Case(
        "read-format",
        "another format",
        lambda: raw.replace(b'"format":"tinnhiem-record"', b'"format":"x"', 1),
        2,
        "format",
    )
    yield Case(
        "read-version-1",
        "record version 1",
        lambda: raw.replace(b'"version":2', b'"version":1', 1),
        2,
        "version",
    )
    yield Case(
        "read-broken-gzip",
        "gzip magic, broken stream",
        lambda: b"\x1f\x8b\x08\x00broken",
        2,
        "record",
    )
    # step 0: the schema and the orders (exit 1)
    yield json_case(
        "schema-unknown-key", "an unknown key", _set(("close", "extra"), 1), 1, "close.extra"
    )
    yield json_case(
        "schema-hex-newline",
        "hex followed by a newline (ECMA-262 $)",
        lambda d: d["credentials"].__setitem__(0, d["credentials"][0] + "\n"),
        1,
        "credentials[0]",
    )
    yield json_case(
        "schema-sealed-share-length",
        "a sealed DKG share one byte short (crypto §7: 94 bytes)",
        lambda d: d["committee"]["reveals"][0]["shares"].__setitem__(
            "2", d["committee"]["reveals"][0]["shares"]["2"][:-2]
        ),
        1,
        "committee.reveals[0].shares.2",
    )
    yield json_case(
        "schema-short-tracker",
        "a 12-character tracker (format 1)",
        lambda d: d["ballots"][0].__setitem__("tracker", d["ballots"][0]["tracker"][:14]),
        1,
        "ballots[0].tracker",
    )
    yield json_case(
        "schema-order-shares",
        "decryption shares out of the order of present",
        lambda d: d["decryption"]["shares"].reverse(),
        1,
        "decryption.shares[0].member",
    )
    # the manifest's own rules (exit 1)
    yield json_case(
        "manifest-weight-base",
        "B not above the number summoned",
        _set(("manifest", "weight_base"), 5),
        1,
        "manifest.weight_base",
    )
    # step 1: the rule
    yield rule_case(
        "rule-fraction-space",
        'a fraction " 1/2" with a space',
        rule_text.replace('fraction = "1/2"', 'fraction = " 1/2"', 1),
        1,
        "rule.text",
    )
    yield rule_case(
        "rule-fraction-integer",
        "a fraction written as a TOML integer",
        rule_text.replace('fraction = "1/2"', "fraction = 1", 1),
        1,
        "rule.text",
    )
    yield rule_case(
        "rule-inclusive-missing",
        "a bound without inclusive (required)",
        rule_text.replace('{ fraction = "1/2", inclusive = false }', '{ fraction = "1/2" }', 1),
        1,
        "rule.text",
    )
    yield rule_case(
        "rule-quorum-keys-not-required",
        "fraction under a quorum that is not required",
        rule_text.replace(
            "[quorum]\nrequired = false", '[quorum]\nrequired = false\nfraction = "2/3"', 1
        ),
        1,
        "rule.text",
    )
    yield json_case(
        "rule-digest",
        "the rule text changed, digest not",
        _set(("rule", "text"), rule_text + "\n"),
        1,
        "rule.digest",
    )
    # steps 3–11
    yield json_case(
        "board-payload",
        "a result changed, board not resealed",
        _set(("results", 0, "band"), "x"),
        1,
        "results",
    )
    yield json_case(
        "results-band-resealed",
        "a result changed and the board resealed",
        _set(("results", 0, "band"), "x"),
        1,
        "results[0].band",
        resealed=True,
    )
    yield json_case(
        "ballot-proof-resealed",
        "a proof byte changed, ballot re-signed and board resealed",
        lambda d: d["ballots"][1]["rows"][0].__setitem__(
            "proof", _flip_hex(d["ballots"][1]["rows"][0]["proof"], 130)
        ),
        1,
        "ballots[1].rows[0].proof",
        resealed=True,
    )
    yield json_case(
        "decryption-sum-resealed",
        "a decrypted sum changed, resealed",
        lambda d: d["decryption"]["sums"].__setitem__(0, d["decryption"]["sums"][0] + 1),
        1,
        "decryption.sums[0]",
        resealed=True,
    )
    yield json_case(
        "dkg-proof-resealed",
        "a member's Schnorr proof changed, resealed",
        lambda d: d["committee"]["reveals"][1].__setitem__(
            "proof",
            d["committee"]["reveals"][1]["proof"][:64]
            + _flip_hex(d["committee"]["reveals"][1]["proof"][64:], 2),
        ),
        1,
        "committee (member 2)",
        resealed=True,
    )
    yield json_case(
        "signatures-dropped",
        "the head signatures removed (present kept)",
        _set(("signatures",), []),
        1,
        "signatures",
    )


def write_corpus(out: Path) -> list[dict[str, Any]]:
    """Build, check against ``tinnhiem verify`` and write the corpus; returns the index."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.json*"):
        old.unlink()
    index: list[dict[str, Any]] = []
    tmp = out / ".tmp"
    tmp.mkdir(exist_ok=True)
    base: Built | None = None
    for name, note, make in _valid_cases():
        built = make()
        if name == "poll-nq96-band":
            base = built
        data = to_bytes(built.data)
        got = verdict_of_bytes(data, tmp)
        if got != (0, None, None):
            raise AssertionError(f"{name}: tinnhiem verify says {got}")
        _write(out, name, data, index, note, 0, None, None)
        if name == "poll-nq96-band":
            stream = stream_bytes(built.data)
            got = verdict_of_bytes(stream, tmp, name="record.jsonl")
            if got != (0, None, None):
                raise AssertionError(f"stream-{name}: tinnhiem verify says {got}")
            _write(
                out,
                "stream-poll-nq96-band",
                stream,
                index,
                "the same record in the streaming form (§1.1)",
                0,
                None,
                None,
                ext=".jsonl.gz",
            )
            head, _, rest = stream.partition(b"\n")
            header = json.loads(head)
            header["ballot_count"] += 1
            short = to_bytes(header) + b"\n" + rest
            got = verdict_of_bytes(short, tmp, name="record.jsonl")
            if got[0::2] != (1, "ballot_count"):
                raise AssertionError(f"stream-ballot-count: tinnhiem verify says {got}")
            _write(
                out,
                "stream-ballot-count",
                short,
                index,
                "streaming form: the header counts one ballot line more than follow",
                *got,
                ext=".jsonl.gz",
            )
    for name, note, make in _personnel_valid_cases():
        data = to_bytes(make().data)
        got = verdict_of_bytes(data, tmp)
        if got != (0, None, None):
            raise AssertionError(f"{name}: tinnhiem verify says {got}")
        _write(out, name, data, index, note, 0, None, None)
    assert base is not None
    rule_text = base.data["rule"]["text"]
    for case in [*_invalid_cases(base, rule_text), *_personnel_invalid_cases()]:
        data = case.make()
        exit_class, check, where = verdict_of_bytes(data, tmp)
        if (exit_class, where) != (case.exit, case.where):
            raise AssertionError(
                f"{case.name}: expected exit {case.exit} at {case.where}, "
                f"tinnhiem verify says exit {exit_class} ({check}) at {where}"
            )
        _write(out, case.name, data, index, case.note, exit_class, check, where)
    (tmp / "record.json").unlink(missing_ok=True)
    (tmp / "record.jsonl").unlink(missing_ok=True)
    tmp.rmdir()
    text = json.dumps({"records": index}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (out / "index.json").write_text(text, encoding="utf-8")
    return index


def _write(
    out: Path,
    name: str,
    data: bytes,
    index: list[dict[str, Any]],
    note: str,
    exit_class: int,
    check: str | None,
    where: str | None,
    *,
    ext: str = ".json.gz",
) -> None:
    file = f"{name}{ext}"
    if data.startswith(b"\x1f\x8b"):
        file = f"{name}.gz"
        (out / file).write_bytes(data)
    else:
        (out / file).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    index.append({"file": file, "note": note, "exit": exit_class, "check": check, "where": where})


# -- mutations -------------------------------------------------------------------------------


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    yield path, value


def _mutate_value(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return rng.choice([value + 1, value - 1, 0, -1, str(value), None, 2**64])
    if isinstance(value, str):
        if value and all(c in "0123456789abcdef" for c in value):
            at = rng.randrange(len(value))
            choice = rng.random()
            if choice < 0.7:
                return value[:at] + rng.choice("0123456789abcdef") + value[at + 1 :]
            if choice < 0.8:
                return value[:-2]
            if choice < 0.9:
                return value.upper()
            return value + "00"
        return rng.choice([value + "x", "", value[:-1], value.upper(), 1, None])
    if isinstance(value, list):
        if value and rng.random() < 0.5:
            out = list(value)
            out.pop(rng.randrange(len(out)))
            return out
        if len(value) > 1:
            out = list(value)
            i, j = rng.sample(range(len(out)), 2)
            out[i], out[j] = out[j], out[i]
            return out
        return [*value, copy.deepcopy(value[0])] if value else [1]
    if isinstance(value, dict):
        table = dict(value)
        if table and rng.random() < 0.5:
            table.pop(rng.choice(sorted(table)))
        else:
            table["extra"] = 0
        return table
    return rng.choice([0, "", []])


def mutations(built: Built, count: int, seed: int) -> Iterator[tuple[str, bytes]]:
    """``count`` seeded mutations of a record: a value changed (half of them then resealed,
    so the deep checks are reached), or a byte of the canonical text changed."""
    rng = random.Random(seed)
    leaves = [(p, v) for p, v in _leaves(built.data) if p]
    raw = to_bytes(built.data)
    for k in range(count):
        style = rng.random()
        if style < 0.1:
            data = bytearray(raw)
            at = rng.randrange(len(data))
            data[at] = rng.randrange(256)
            yield f"{k}: byte {at}", bytes(data)
            continue
        path, value = rng.choice(leaves)
        d = copy.deepcopy(built.data)
        new = _mutate_value(value, rng)
        target = d
        for p in path[:-1]:
            target = target[p]
        target[path[-1]] = new
        label = ".".join(str(p) for p in path)
        if style < 0.55:
            yield f"{k}: {label}", to_bytes(d)
        else:
            try:
                sealed = reseal(built, d)
            except (KeyError, TypeError, ValueError, AttributeError, IndexError, TinnhiemError):
                yield f"{k}: {label} (not resealable)", to_bytes(d)
                continue
            yield f"{k}: {label} resealed", to_bytes(sealed)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tinnhiem.poll.corpus OUT_DIR", file=sys.stderr)
        return 2
    index = write_corpus(Path(argv[0]))
    print(f"{len(index)} records written to {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
