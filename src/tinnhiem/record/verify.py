"""The independent verifier (kiểm chứng hồ sơ): re-checks a whole election record.

The checks run in the order of docs/record-format.md ("Verification"); the first that
fails raises ``RecordInvalid`` saying what and where. Step 0, the strict record (schema
and orders), runs when the record is read (``ElectionRecord.from_json``, ``StreamSource``).

The ballots are read as a stream, chunk by chunk (``BallotSource``): a whole record in
memory or a streaming record file verify alike, in flat memory for the latter. Each
chunk's signatures, proofs and partial column sums run on a ``Runner``: this process, a
process pool, or a Dask cluster; the results are read back in order, so the verdict and
the place it names never depend on where the chunks ran.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tinnhiem.ballots import (
    Ballot,
    BallotRejected,
    BoardError,
    BulletinBoard,
    Manifest,
    check_credentials,
    election_fingerprint,
    format_tracker,
    verify_ballots,
)
from tinnhiem.ballots.arrival import (
    ArrivalLedger,
    alphas_of,
    check_arrival,
    check_arrival_of,
    counted_indices,
)
from tinnhiem.ballots.ballot import BATCH_BALLOTS
from tinnhiem.ballots.pool import default_workers
from tinnhiem.crypto import Ciphertext, Context, CryptoError, Point, Scalar
from tinnhiem.crypto.dkg import CommitteeKey
from tinnhiem.crypto.threshold import DecryptionShare, combine
from tinnhiem.errors import InputError
from tinnhiem.record.errors import RecordInvalid
from tinnhiem.record.model import ElectionRecord, RecordedBallot, payload_hash, roster_fingerprint
from tinnhiem.record.runner import Pending, Runner, make_runner
from tinnhiem.record.stream import (
    BallotRef,
    BallotSource,
    Lines,
    MemorySource,
    StreamSource,
    read_ballot_line,
    resolve_lines,
)
from tinnhiem.tally import (
    EmptySumError,
    ProcedureText,
    RuleSource,
    check_empty_sums,
    check_round_step,
    compute_results,
    rule_digest,
    step_result,
    verify_ceremony_json,
    verify_head_signature,
)

__all__ = ["RecordInvalid", "VerificationReport", "verify_record"]


@dataclass
class VerificationReport:
    """What was checked, and how long each step took (seconds)."""

    ballots: int = 0
    rows: int = 0
    counted: int = 0
    officials: int = 0
    timings: dict[str, float] = field(default_factory=dict)


Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: called as the verifier advances."""


def _fail(check: str, where: str, message: str) -> RecordInvalid:
    return RecordInvalid(check, message, where=where)


def verify_record(
    record: ElectionRecord | BallotSource,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    runner: Runner | None = None,
) -> VerificationReport:
    """Check everything; raise ``RecordInvalid`` at the first failure.

    ``record``: a decoded record, or a ``BallotSource`` (a streaming record file).
    ``runner``: where the ballot chunks run (default: ``workers`` local processes).
    """
    source: BallotSource = MemorySource(record) if isinstance(record, ElectionRecord) else record
    header = source.header
    workers = default_workers() if workers is None else max(1, workers)
    own_runner = runner is None
    if runner is None:
        runner = make_runner(workers)
    report = VerificationReport(ballots=source.count, officials=len(header.manifest.officials))

    def note(step: str) -> None:
        if progress is not None:
            progress(step, 0, 0)

    started = time.perf_counter()

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        note(name)
        try:
            out = fn()
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
            # A section whose inner shape is wrong (the structure check only reads the
            # outer layout): name the step rather than crash.
            raise _fail(name, name, f"malformed content: {type(exc).__name__}: {exc}") from exc
        report.timings[name] = time.perf_counter() - t0
        return out

    try:
        refs = source.refs()
        rule = timed("rule", lambda: _check_rule(header))
        timed("roster", lambda: _check_roster(header))
        timed("board", lambda: _check_board(header, refs))
        timed("restarts", lambda: _check_restarts(header))
        key = timed("committee", lambda: _check_committee(header))
        timed("fingerprint", lambda: _check_fingerprint(header, key))
        timed("credentials", lambda: _check_credentials(header))
        counted, totals = timed(
            "ballots", lambda: _check_ballots(source, refs, key.public_key, runner, progress)
        )
    finally:
        if own_runner:
            runner.close()
    report.counted = counted
    report.rows = source.count * len(header.manifest.officials)
    timed("close", lambda: _check_close(header, source.count, counted))
    aggregates = timed("aggregates", lambda: _check_aggregates(header, counted, totals))
    sums = timed("decryption", lambda: _check_decryption(header, key, aggregates, counted))
    timed("results", lambda: _check_results(header, rule, sums, counted))
    timed("signatures", lambda: _check_signatures(header, key))
    report.timings["total"] = time.perf_counter() - started
    return report


# -- the steps, in order ------------------------------------------------------------------


def _check_rule(record: ElectionRecord) -> RuleSource | ProcedureText:
    m = record.manifest
    if record.rule["id"] != m.rule_id:
        raise _fail(
            "rule",
            "rule.id",
            f"the record's rule is {record.rule['id']}, the manifest names {m.rule_id}",
        )
    # The digest before the grammar: a changed text is named by its hash, whatever it says.
    digest = rule_digest(record.rule["text"])
    if digest != record.rule["digest"]:
        raise _fail("rule", "rule.digest", "is not the SHA-256 of rule.text")
    if digest != m.rule_version:
        raise _fail(
            "rule",
            "manifest.rule.version",
            f"the manifest names rule version {m.rule_version}, the record carries {digest}",
        )
    if m.kind.personnel:
        return _check_procedure(record)
    try:
        source = RuleSource.from_text(record.rule["text"], where="rule.text")
    except InputError as exc:
        raise _fail("rule", "rule.text", str(exc)) from exc
    if source.rule.id != m.rule_id:
        raise _fail("rule", "rule.text", f"the rule text is rule {source.rule.id}")
    if source.rule.kind.value != m.kind.value:
        raise _fail(
            "rule",
            "manifest.kind",
            f"rule {source.id} governs a {source.rule.kind.value}, the round is a {m.kind.value}",
        )
    return source


def _check_procedure(record: ElectionRecord) -> ProcedureText:
    """A personnel round's rule is its procedure file: it parses, and the round is the step
    it names (its ballot kind, its k, the link to the previous step)."""
    try:
        source = ProcedureText.from_text(record.rule["text"], where="rule.text")
    except InputError as exc:
        raise _fail("rule", "rule.text", str(exc)) from exc
    try:
        check_round_step(record.manifest, source.procedure)
    except InputError as exc:
        raise _fail("rule", exc.where or "manifest.personnel", str(exc)) from exc
    return source


def _check_roster(record: ElectionRecord) -> None:
    if roster_fingerprint(record.manifest) != record.roster:
        raise _fail("roster", "roster", "is not the hash of the manifest's officials")


def _check_committee(record: ElectionRecord) -> CommitteeKey:
    m = record.manifest
    try:
        key = verify_ceremony_json(m, record.committee)
    except CryptoError as exc:
        member = getattr(exc, "member", None)
        where = f"committee (member {member})" if member else "committee"
        raise _fail("committee", where, f"key ceremony does not verify: {exc}") from exc
    except (KeyError, TypeError) as exc:
        raise _fail("committee", "committee", f"malformed ceremony: {exc}") from exc
    try:
        recorded = CommitteeKey.from_dict(record.committee.get("key", {}))
    except CryptoError as exc:
        raise _fail("committee", "committee.key", str(exc)) from exc
    if recorded != key:
        raise _fail(
            "committee", "committee.key", "does not match the key derived from the ceremony"
        )
    return key


def _check_fingerprint(record: ElectionRecord, key: CommitteeKey) -> None:
    if election_fingerprint(record.manifest, key.public_key.to_bytes()) != record.fingerprint:
        raise _fail("fingerprint", "fingerprint", "is not H(manifest, committee public key)")


def _check_credentials(record: ElectionRecord) -> None:
    try:
        ordered = check_credentials(record.credentials, summoned=record.manifest.summoned)
    except InputError as exc:
        raise _fail("credentials", exc.where or "credentials", str(exc)) from exc
    if ordered != record.credentials:
        raise _fail("credentials", "credentials", "are not in sorted order")
    if len(ordered) >= record.manifest.weight_base:
        raise _fail("credentials", "credentials", "more voters than the weight base allows")


_SECTION = {"open": "credentials"}  # board kind -> the record field it covers


def _check_board(record: ElectionRecord, refs: Sequence[BallotRef]) -> None:
    try:
        head = BulletinBoard.check_chain(record.board)
    except BoardError as exc:
        raise _fail("board", exc.where or "board", str(exc)) from exc
    if head != record.head:
        raise _fail("board", "board.head", "is not the hash of the last entry")
    before = record.section_payloads()
    after = record.closing_payloads()
    expected_len = len(before) + len(refs) + len(after)
    if len(record.board) != expected_len:
        raise _fail(
            "board", "board.entries", f"{len(record.board)} entries, expected {expected_len}"
        )
    posts: list[tuple[str, bytes, str]] = [
        (kind, payload_hash(kind, payload), _SECTION.get(kind, kind)) for kind, payload in before
    ]
    posts += [("ballot", b.hash, f"ballots[{i}]") for i, b in enumerate(refs)]
    posts += [(kind, payload_hash(kind, payload), kind) for kind, payload in after]
    for index, (entry, (kind, digest, section)) in enumerate(zip(record.board, posts, strict=True)):
        if entry.kind != kind:
            raise _fail(
                "board", f"board.entries[{index}].kind", f"is {entry.kind!r}, expected {kind!r}"
            )
        if entry.payload_hash != digest:
            raise _fail("board", section, f"does not match what board entry {index} recorded")
    for i, b in enumerate(refs):
        if b.board_index != len(before) + i:
            raise _fail(
                "board",
                f"ballots[{i}].board_index",
                f"is {b.board_index}, the ballot is board entry {len(before) + i}",
            )


def _check_restarts(record: ElectionRecord) -> None:
    """Each abandoned key ceremony: numbered in order, its manifest the same round but for
    the committee, which lost (or replaced) exactly the members its complaints accused."""
    following = record.manifest
    checked: list[tuple[Manifest, list[int], int]] = []
    for i, restart in enumerate(record.restarts):
        where = f"restarts[{i}]"
        section, entry = restart["manifest"], restart["restart"]
        if entry.get("attempt") != i + 1:
            raise _fail("restarts", f"{where}.restart.attempt", f"must be {i + 1}")
        try:
            previous = Manifest.from_json(section.get("manifest"), where=f"{where}.manifest")
        except InputError as exc:
            raise _fail("restarts", exc.where or where, str(exc)) from exc
        if section.get("rule") != record.rule:
            raise _fail("restarts", f"{where}.manifest.rule", "is not the record's rule")
        if section.get("roster") != roster_fingerprint(previous).hex():
            raise _fail("restarts", f"{where}.manifest.roster", "is not its roster hash")
        accused = entry.get("accused")
        complaints = entry.get("complaints")
        named = {c.get("accused") for c in complaints} if isinstance(complaints, list) else set()
        if (
            not isinstance(accused, list)
            or not all(isinstance(a, int) and not isinstance(a, bool) for a in named)
            or not named
            or accused != sorted(int(a) for a in named if a is not None)
        ):
            raise _fail(
                "restarts", f"{where}.restart.accused", "is not the members the complaints name"
            )
        checked.append((previous, accused, i))
    for j, (previous, accused, i) in enumerate(checked):
        following = checked[j + 1][0] if j + 1 < len(checked) else record.manifest
        try:
            following.check_restart_from(previous, accused)
        except InputError as exc:
            raise _fail("restarts", f"restarts[{i}]", str(exc)) from exc


def _check_ballots(
    source: BallotSource,
    refs: Sequence[BallotRef],
    public_key: Point,
    runner: Runner,
    progress: Progress | None,
) -> tuple[int, list[bytes]]:
    """Hashes, trackers and the ballot box's rules in order, here; each chunk's signatures,
    proofs and the partial sums of its counted ballots on ``runner``. The first failing
    ballot (lowest index) is reported. Returns the number of counted ballots and the column
    sums of their ciphertexts (64 bytes each).

    Memory stays flat: the ballots are read chunk by chunk, and at most a few chunks per
    worker are in flight."""
    header = source.header
    m = header.manifest
    fp = header.fingerprint
    counted = set(counted_indices(r.credential for r in refs))
    context = (m.to_json(), fp, public_key.to_bytes())
    ledger = ArrivalLedger(header.credentials)
    size = max(1, min(BATCH_BALLOTS, source.count // max(1, runner.workers * 4)))
    if isinstance(source, StreamSource):
        return _check_ballot_lines(source, counted, context, ledger, size, runner, progress)
    in_flight: deque[tuple[int, Pending]] = deque()
    limit = 2 * runner.workers + 2
    totals: list[bytes] | None = None
    done = 0

    def collect() -> None:
        """The oldest chunk's verdict: raise at its first bad ballot, else add its sums."""
        nonlocal totals, done
        n, pending = in_flight.popleft()
        errors, partial = pending.result()
        for i, err in errors:
            for _, later in in_flight:  # the verdict is in: the rest need not finish
                cancel = getattr(later, "cancel", None)
                if cancel is not None:
                    cancel()
            raise _ballot_failure(i, err)
        totals = partial if totals is None else _add_columns(totals, partial)
        done += n
        if progress is not None:
            progress("ballots", done, source.count)

    chunk: list[tuple[int, Ballot, bool]] = []
    first_bad: RecordInvalid | None = None
    for i, rb in enumerate(source.ballots()):
        problem = _sequential_checks(m, fp, ledger, i, rb)
        if problem is not None:
            first_bad = problem
            break
        ledger.admit(rb.ballot, rb.hash)
        chunk.append((i, rb.ballot, i in counted))
        if len(chunk) >= size:
            in_flight.append((len(chunk), runner.submit(_verify_task, context, chunk)))
            chunk = []
            while len(in_flight) > limit:
                collect()
    if chunk:
        in_flight.append((len(chunk), runner.submit(_verify_task, context, chunk)))
    while in_flight:
        collect()
    if first_bad is not None:
        raise first_bad
    if totals is None:
        totals = [Ciphertext.zero().to_bytes() for _ in range(m.columns)]
    return len(counted), totals


def _sequential_checks(
    m: Manifest, fp: bytes, ledger: ArrivalLedger, i: int, rb: RecordedBallot
) -> RecordInvalid | None:
    """The checks that depend on the ballots before: hash, tracker, the arrival policy."""
    h, problem = _hash_checks(fp, i, rb)
    if problem is not None:
        return problem
    try:
        check_arrival(ledger, m.revote, rb.ballot, h)
    except BallotRejected as exc:
        return _arrival_failure(f"ballots[{i}]", exc)
    return None


def _hash_checks(fp: bytes, i: int, rb: RecordedBallot) -> tuple[bytes, RecordInvalid | None]:
    """The ballot's hash and tracker against its content: its hash, and the failure."""
    where = f"ballots[{i}]"
    h = rb.ballot.ballot_hash(fp)
    if h != rb.hash:
        return h, _fail("ballot", f"{where}.hash", "does not match the ballot's contents")
    if format_tracker(h) != rb.tracker:
        return h, _fail(
            "ballot",
            f"{where}.tracker",
            f"is {rb.tracker!r}, the ballot hash gives {format_tracker(h)!r}",
        )
    return h, None


def _ballot_failure(i: int, err: BallotRejected) -> RecordInvalid:
    where = f"ballots[{i}]"
    if err.row is not None:
        where += f".rows[{err.row}]"
        where += ".proof" if err.reason == "bad_proof" else ".ct"
    elif err.reason == "bad_signature":
        where += ".signature"
    return _fail("ballot", where, f"{err.reason}: {err.message}")


def _add_columns(a: Sequence[bytes], b: Sequence[bytes]) -> list[bytes]:
    return [
        (
            Ciphertext.from_bytes(x, allow_identity=True)
            + Ciphertext.from_bytes(y, allow_identity=True)
        ).to_bytes()
        for x, y in zip(a, b, strict=True)
    ]


#: Where an arrival-policy refusal points in the record, and how it reads there.
_ARRIVAL_FAILURES = {
    "not_eligible": ("credential", "was not issued for this poll"),
    "duplicate": ("", "is a copy of an earlier ballot"),
    "already_voted": ("credential", "voted twice, and the round refuses re-votes"),
}


def _arrival_failure(where: str, exc: BallotRejected) -> RecordInvalid:
    if exc.reason == "replay" and exc.row is not None:
        return _fail(
            "ballot",
            f"{where}.rows[{exc.row}].ct",
            "reuses the randomness (α) of another ciphertext",
        )
    field, message = _ARRIVAL_FAILURES.get(exc.reason, ("", f"{exc.reason}: {exc.message}"))
    return _fail("ballot", f"{where}.{field}" if field else where, message)


_WORKER: dict[str, Any] = {}


def _init_worker(manifest: Manifest, fingerprint: bytes, public_key: bytes) -> None:
    _WORKER["args"] = (manifest, fingerprint, Point.from_bytes(public_key))


def _verify_chunk(chunk: Sequence[tuple[int, Ballot]]) -> list[tuple[int, BallotRejected]]:
    manifest, fingerprint, public_key = _WORKER["args"]
    verdicts = verify_ballots(manifest, fingerprint, public_key, [b for _, b in chunk])
    return [(i, err) for (i, _), err in zip(chunk, verdicts, strict=True) if err is not None]


def _verify_task(
    context: tuple[dict[str, Any], bytes, bytes], chunk: Sequence[tuple[int, Ballot, bool]]
) -> tuple[list[tuple[int, BallotRejected]], list[bytes]]:
    """One chunk, wherever it runs: the verdicts of ``_verify_chunk`` and the column sums
    of the chunk's counted ballots (only when every ballot passed)."""
    manifest_json, fingerprint, public_key = context
    if _WORKER.get("context") != (fingerprint, public_key):
        _init_worker(Manifest.from_json(manifest_json), fingerprint, public_key)
        _WORKER["context"] = (fingerprint, public_key)
    errors = _verify_chunk([(i, b) for i, b, _ in chunk])
    if errors:
        return errors, []
    manifest = _WORKER["args"][0]
    return [], _sum_chunk(
        [(manifest.columns, b) for _, b, c in chunk if c] or [(manifest.columns, None)]
    )


@dataclass(frozen=True)
class _Seen:
    """What a worker read of one ballot line for the checks that stay in order: its hash,
    credential and α's, and the hash or tracker failure (or the error parsing raised)."""

    hash: bytes
    credential: bytes
    alphas: tuple[bytes, ...]
    problem: RecordInvalid | None = None
    error: BaseException | None = None


def _check_ballot_lines(
    source: StreamSource,
    counted: set[int],
    context: tuple[dict[str, Any], bytes, bytes],
    ledger: ArrivalLedger,
    size: int,
    runner: Runner,
    progress: Progress | None,
) -> tuple[int, list[bytes]]:
    """``_check_ballots`` for a streaming record: the ballot lines go to the runner as they
    are (parsing, the hash and tracker, the signatures, proofs and sums run there); this
    process keeps only the arrival policy, in order. The first failure by ballot index is
    reported, and for one ballot in the same order as ``_check_ballots``: hash, tracker,
    arrival policy, then signature and proofs."""
    m = source.header.manifest
    in_flight: deque[tuple[int, Pending]] = deque()
    limit = 2 * runner.workers + 2
    totals: list[bytes] | None = None
    done = 0

    def collect() -> None:
        nonlocal totals, done
        start, pending = in_flight.popleft()
        seen, errors, partial = pending.result()
        proof_errors = dict(errors)
        for j, ballot in enumerate(seen):
            i = start + j
            failure: BaseException | None = ballot.error or ballot.problem
            if failure is None:
                try:
                    check_arrival_of(
                        ledger, m.revote, ballot.credential, ballot.alphas, ballot.hash
                    )
                except BallotRejected as exc:
                    failure = _arrival_failure(f"ballots[{i}]", exc)
            if failure is None and i in proof_errors:
                failure = _ballot_failure(i, proof_errors[i])
            if failure is not None:
                for _, later in in_flight:
                    cancel = getattr(later, "cancel", None)
                    if cancel is not None:
                        cancel()
                raise failure
            ledger.admit_of(ballot.credential, ballot.alphas, ballot.hash)
        totals = partial if totals is None else _add_columns(totals, partial)
        done += len(seen)
        if progress is not None:
            progress("ballots", done, source.count)

    for start, count, lines in source.chunks(size, by_place=runner.shares_files):
        flags = [start + j in counted for j in range(count)]
        in_flight.append((start, runner.submit(_verify_lines_task, context, start, lines, flags)))
        while len(in_flight) > limit:
            collect()
    while in_flight:
        collect()
    if totals is None:
        totals = [Ciphertext.zero().to_bytes() for _ in range(m.columns)]
    return len(counted), totals


def _verify_lines_task(
    context: tuple[dict[str, Any], bytes, bytes],
    start: int,
    chunk: Lines,
    counted: Sequence[bool],
) -> tuple[list[_Seen], list[tuple[int, BallotRejected]], list[bytes]]:
    """Ballot lines ``start`` …, wherever they run: each one's ``_Seen``, the signature and
    proof failures by index, and the column sums of the counted ballots (only when every
    ballot passed everything this task checks)."""
    manifest_json, fingerprint, public_key = context
    if _WORKER.get("context") != (fingerprint, public_key):
        _init_worker(Manifest.from_json(manifest_json), fingerprint, public_key)
        _WORKER["context"] = (fingerprint, public_key)
    manifest = _WORKER["args"][0]
    seen: list[_Seen] = []
    ballots: list[tuple[int, Ballot, bool]] = []
    for j, line in enumerate(resolve_lines(chunk)):
        i = start + j
        try:
            rb = read_ballot_line(line, i)
        except (InputError, KeyError, TypeError, ValueError) as exc:
            seen.append(_Seen(b"", b"", (), error=exc))
            continue
        h, problem = _hash_checks(fingerprint, i, rb)
        seen.append(_Seen(h, rb.ballot.credential, tuple(alphas_of(rb.ballot)), problem))
        ballots.append((i, rb.ballot, counted[j]))
    errors = _verify_chunk([(i, b) for i, b, _ in ballots])
    if errors or any(b.problem or b.error for b in seen):
        return seen, errors, []
    sums = _sum_chunk(
        [(manifest.columns, b) for _, b, c in ballots if c] or [(manifest.columns, None)]
    )
    return seen, errors, sums


def _check_close(record: ElectionRecord, accepted: int, counted: int) -> None:
    expected = {"accepted": accepted, "counted": counted}
    if record.close != expected:
        raise _fail("close", "close", f"is {record.close}, expected {expected}")


def _sum_chunk(chunk: Sequence[tuple[int, Ballot | None]]) -> list[bytes]:
    # The counted ballots are verified: each column a checked ciphertext.
    columns = [b.columns() for _, b in chunk if b is not None]
    if not columns:
        return [Ciphertext.zero().to_bytes() for _ in range(chunk[0][0])]
    return [Ciphertext.sum_encoded([c[j] for c in columns]).to_bytes() for j in range(chunk[0][0])]


def _check_aggregates(record: ElectionRecord, counted: int, sums: list[bytes]) -> list[Ciphertext]:
    m = record.manifest
    columns = m.columns
    if len(record.aggregates) != columns:
        raise _fail(
            "aggregates",
            "aggregates",
            f"{len(record.aggregates)} aggregates for {columns} columns "
            f"({len(m.officials)} officials × {m.per_row})",
        )
    recorded_cts = []
    for j, raw in enumerate(record.aggregates):
        try:
            recorded_cts.append(Ciphertext.from_bytes(raw, allow_identity=True))
        except CryptoError as exc:
            raise _fail("aggregates", f"aggregates[{j}]", f"is not a ciphertext: {exc}") from exc
    try:
        check_empty_sums(recorded_cts, counted=counted)
    except EmptySumError as exc:
        raise _fail("aggregates", exc.where or "aggregates", exc.reason) from exc
    totals = [Ciphertext.from_bytes(t, allow_identity=True) for t in sums]
    for j, (total, recorded) in enumerate(zip(totals, record.aggregates, strict=True)):
        if total.to_bytes() != recorded:
            raise _fail(
                "aggregates",
                f"aggregates[{j}]",
                f"is not the sum of the counted ballots' rows for official "
                f"{m.column_official(j).id}",
            )
    return totals


def _check_decryption(
    record: ElectionRecord, key: CommitteeKey, aggregates: list[Ciphertext], returned: int
) -> list[int]:
    d = record.decryption
    m = record.manifest
    try:
        raw_shares = d["shares"]
        present = d["present"]
        sums = d["sums"]
        shares = {}
        for i, raw in enumerate(raw_shares):
            try:
                share = DecryptionShare.from_dict(raw)
            except CryptoError as exc:
                raise _fail("decryption", f"decryption.shares[{i}]", str(exc)) from exc
            if share.member in shares:
                raise _fail(
                    "decryption",
                    f"decryption.shares[{i}]",
                    f"member {share.member} decrypted twice",
                )
            shares[share.member] = share
    except (KeyError, TypeError) as exc:
        raise _fail("decryption", "decryption", f"malformed: {exc}") from exc
    if present != sorted(shares):
        raise _fail(
            "decryption",
            "decryption.present",
            f"is {present}, the shares are from members {sorted(shares)}",
        )
    if returned == 0:
        return _check_empty_decryption(record, shares, sums)
    if len(shares) < key.t:
        raise _fail(
            "decryption",
            "decryption.shares",
            f"{len(shares)} members decrypted, at least t = {key.t} needed",
        )
    ctx = Context(record.fingerprint)
    order = sorted(shares)
    try:
        points = combine(ctx, key, aggregates, shares)
    except CryptoError as exc:
        member = getattr(exc, "member", None)
        pos = order.index(member) if member in order else None
        where = f"decryption.shares[{pos}]" if pos is not None else "decryption.shares"
        raise _fail("decryption", where, f"member {member}'s share does not verify: {exc}") from exc
    if not isinstance(sums, list) or len(sums) != len(points):
        raise _fail("decryption", "decryption.sums", "one sum per official is needed")
    bound = m.dlog_bound(returned)
    for j, (point, total) in enumerate(zip(points, sums, strict=True)):
        if not isinstance(total, int) or isinstance(total, bool) or not 0 <= total <= bound:
            raise _fail("decryption", f"decryption.sums[{j}]", f"{total!r} is out of range")
        if Point.base_mul(Scalar.from_int(total)) != point:
            raise _fail(
                "decryption",
                f"decryption.sums[{j}]",
                f"{total} is not what the shares decrypt to for official {m.column_official(j).id}",
            )
    return sums


def _check_empty_decryption(
    record: ElectionRecord, shares: dict[int, DecryptionShare], sums: Any
) -> list[int]:
    """No ballot counted: the aggregates (already checked to be the empty sum) are never
    decrypted, so no share may be recorded and every sum is 0."""
    if shares:
        raise _fail(
            "decryption",
            "decryption.shares",
            "no ballot was counted: the aggregates are the empty sum, which is never "
            f"decrypted, yet {len(shares)} decryption share(s) are recorded",
        )
    columns = record.manifest.columns
    if not isinstance(sums, list) or len(sums) != columns:
        raise _fail("decryption", "decryption.sums", "one sum per official is needed")
    for j, total in enumerate(sums):
        if not isinstance(total, int) or isinstance(total, bool) or total != 0:
            raise _fail(
                "decryption",
                f"decryption.sums[{j}]",
                f"is {total!r}: the empty sum decrypts to 0 "
                f"(official {record.manifest.column_official(j).id})",
            )
    return [0] * columns


def _check_step_result(
    record: ElectionRecord, source: ProcedureText, sums: list[int], returned: int
) -> None:
    """A personnel round: the step's counts, shares, decision and clauses, recomputed."""
    m = record.manifest
    try:
        want = step_result(
            m, source.procedure, sums, present=len(record.credentials), returned=returned
        )
    except InputError as exc:
        raise _fail("results", "decryption.sums", f"the step cannot be decided: {exc}") from exc
    got = record.results
    if not isinstance(got, dict):
        raise _fail("results", "results", "a personnel round's result is one object")
    for name in sorted(set(got) | set(want)):
        g, w = got.get(name), want.get(name)
        if g == w:
            continue
        if isinstance(g, list) and isinstance(w, list) and len(g) == len(w):
            for i, (gi, wi) in enumerate(zip(g, w, strict=True)):
                if gi != wi:
                    raise _fail(
                        "results", f"results.{name}[{i}]", f"recorded {gi!r}, recomputed {wi!r}"
                    )
        raise _fail("results", f"results.{name}", f"recorded {g!r}, recomputed {w!r}")


def _check_results(
    record: ElectionRecord, rule: RuleSource | ProcedureText, sums: list[int], returned: int
) -> None:
    if isinstance(rule, ProcedureText):
        _check_step_result(record, rule, sums, returned)
        return
    if not isinstance(record.results, list):
        raise _fail("results", "results", "a confidence round's results are one row per official")
    m = record.manifest
    try:
        expected = [
            r.to_json()
            for r in compute_results(
                m, rule.rule, sums, issued=len(record.credentials), returned=returned
            )
        ]
    except InputError as exc:
        raise _fail("results", "decryption.sums", f"the sums do not unpack: {exc}") from exc
    if len(record.results) != len(expected):
        raise _fail(
            "results", "results", f"{len(record.results)} rows for {len(expected)} officials"
        )
    for j, (got, want) in enumerate(zip(record.results, expected, strict=True)):
        for name in sorted(set(got) | set(want)):
            g, w = got.get(name), want.get(name)
            if g == w:
                continue
            if isinstance(g, dict) and isinstance(w, dict):
                for sub in sorted(set(g) | set(w)):
                    if g.get(sub) != w.get(sub):
                        raise _fail(
                            "results",
                            f"results[{j}].{name}.{sub}",
                            f"recorded {g.get(sub)!r}, recomputed {w.get(sub)!r} "
                            f"(official {m.officials[j].id})",
                        )
            raise _fail(
                "results",
                f"results[{j}].{name}",
                f"recorded {g!r}, recomputed {w!r} (official {m.officials[j].id})",
            )


def _check_signatures(record: ElectionRecord, key: CommitteeKey) -> None:
    """Every member who decrypted signed the final board head (§3.12), in the order of
    ``present`` (the strict record already holds them to that order)."""
    present = record.decryption["present"]
    signed = [s["member"] for s in record.signatures]
    if signed != present:
        missing = [m for m in present if m not in signed]
        raise _fail(
            "signatures",
            "signatures",
            f"member {missing[0] if missing else signed} of present did not sign the board head",
        )
    for i, entry in enumerate(record.signatures):
        try:
            verify_head_signature(
                record.fingerprint,
                key,
                entry["member"],
                record.head,
                bytes.fromhex(entry["signature"]),
            )
        except (CryptoError, ValueError) as exc:
            raise _fail(
                "signatures",
                f"signatures[{i}].signature",
                f"is not member {entry['member']}'s signature of the board head: {exc}",
            ) from exc
