"""The poll engine (bộ máy một đợt bỏ phiếu điện tử): one round's protocol, decided once.

A round's public state is its bulletin board, in this order (docs/record-format.md):
``manifest`` (posted when the ceremony starts: the round is frozen from then on),
``committee`` (when every member confirmed the key ceremony), ``open`` (the election
fingerprint and the public credentials: ballots issued), one ``ballot`` per accepted
ballot, ``close``, ``aggregates``, ``decryption``, ``results``. Beside the board the store
keeps the ceremony messages, the audited (spent) ballots and the decryption shares.

``PollEngine`` reads that state from a ``PollStore`` and decides every step: it checks the
step against the state and the protocol, then appends what the step adds. A refused step
raises (``PollError``, ``BallotRejected``) before anything is appended. The demo, the
benchmarks and the tests drive it over a ``MemoryStore``; the web drives it over its ORM
store, one engine per request, inside the round's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from functools import cached_property
from typing import Any

from tinnhiem.ballots import (
    Accepted,
    Ballot,
    BallotRejected,
    BoardEntry,
    Manifest,
    check_credentials,
    election_fingerprint,
    entry_hash,
    format_tracker,
    to_hex,
    verify_ballot,
)
from tinnhiem.ballots.arrival import ArrivalFacts, alphas_of, check_arrival, counted_indices
from tinnhiem.ballots.board import GENESIS
from tinnhiem.ballots.pool import chunked, parallel_map
from tinnhiem.crypto import Ciphertext, Context, CryptoError, Point
from tinnhiem.crypto.dkg import CommitteeKey
from tinnhiem.crypto.threshold import DecryptionShare, verify_decryption_share
from tinnhiem.errors import InputError
from tinnhiem.poll.audit import AuditRow, check_audit
from tinnhiem.poll.ceremony import CeremonyTranscript, check_ceremony_message, committee_section
from tinnhiem.poll.errors import PollStateError, StepRefused
from tinnhiem.poll.store import CeremonyPost, PollStore
from tinnhiem.record.model import ElectionRecord, RecordedBallot, payload_hash, roster_fingerprint
from tinnhiem.tally import (
    OfficialResult,
    ProcedureText,
    RuleSource,
    aggregate,
    check_round_step,
    compute_results,
    decrypt_sums,
    step_result,
    verify_head_signature,
)

__all__ = ["SECTIONS", "Phase", "PollEngine"]

#: The board's sections, in the order they are posted (ballots come between open and close).
SECTIONS = ("manifest", "committee", "open", "close", "aggregates", "decryption", "results")


class Phase(StrEnum):
    """Where a round stands, read off its board."""

    NEW = "new"  # nothing posted
    CEREMONY = "ceremony"  # manifest frozen, key ceremony under way
    KEYED = "keyed"  # committee key fixed, not open yet
    OPEN = "open"  # credentials fixed, ballots accepted
    CLOSED = "closed"  # aggregates posted, waiting for t decryption shares
    TALLIED = "tallied"  # decrypted, results posted


_PHASE_AFTER = {
    None: Phase.NEW,
    "manifest": Phase.CEREMONY,
    "restart": Phase.CEREMONY,
    "committee": Phase.KEYED,
    "open": Phase.OPEN,
    "close": Phase.CLOSED,
    "aggregates": Phase.CLOSED,
    "decryption": Phase.CLOSED,
    "results": Phase.TALLIED,
}


class _Arrival:
    """The arrival policy's questions about one ballot: eligibility from the board, the
    rest from the store, asked at once (``PollStore.arrival_facts``) and only once the
    credential is known to be eligible."""

    def __init__(
        self, store: PollStore, eligible: frozenset[bytes], ballot: Ballot, ballot_hash: bytes
    ) -> None:
        self.store = store
        self.eligible = eligible
        self.ballot = ballot
        self.ballot_hash = ballot_hash
        self._facts: ArrivalFacts | None = None

    @property
    def facts(self) -> ArrivalFacts:
        if self._facts is None:
            self._facts = self.store.arrival_facts(
                self.ballot_hash, self.ballot.credential, alphas_of(self.ballot)
            )
        return self._facts

    def is_eligible(self, credential: bytes) -> bool:
        return credential in self.eligible

    def seen_hash(self, ballot_hash: bytes) -> bool:
        return self.facts.seen_hash

    def is_spent(self, ballot_hash: bytes) -> bool:
        return self.facts.spent

    def seen_alphas(self, alphas: Sequence[bytes]) -> frozenset[bytes]:
        return self.facts.seen_alphas

    def has_voted(self, credential: bytes) -> bool:
        return self.facts.voted


#: What never changes once the committee key is fixed: the manifest (no restart after it),
#: the rule text, the key and the fingerprint; and, once open, the credentials.
_FIXED_WHEN_KEYED = frozenset({"manifest", "rule", "procedure", "key", "fingerprint"})
_FIXED_WHEN_OPEN = frozenset({"credentials", "credentials_set"})


class PollEngine:
    """One round's protocol over ``store``. Cheap to build: state is read when needed.

    ``memo``: a host serving many requests for one round may pass the same dict to each
    engine of that ceremony (e.g. keyed by the election fingerprint): the values that can
    no longer change (the manifest, rule, key and fingerprint once the committee key is
    fixed, the credentials once open) are parsed once and kept there.
    """

    def __init__(self, store: PollStore, *, memo: dict[str, Any] | None = None) -> None:
        self.store = store
        self.memo = memo
        self._last_section: str | None = None
        self._last_known = False

    # -- reading the state -------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        if not self._last_known:
            self._last_section = self.store.last_section()
            self._last_known = True
        return _PHASE_AFTER[self._last_section]

    def _fixed(self, name: str, make: Any) -> Any:
        """``make()``, kept in the memo when it can no longer change."""
        memo = self.memo
        if memo is not None and name in memo:
            return memo[name]
        value = make()
        if memo is not None:
            phase = self.phase
            keyed = phase not in (Phase.NEW, Phase.CEREMONY)
            opened = keyed and phase is not Phase.KEYED
            if (name in _FIXED_WHEN_KEYED and keyed) or (name in _FIXED_WHEN_OPEN and opened):
                memo[name] = value
        return value

    def _need(self, *phases: Phase, step: str) -> None:
        phase = self.phase
        if phase not in phases:
            raise PollStateError(
                "phase",
                f"cannot {step} now: the round is at {phase.value}, and {step} needs "
                + " or ".join(p.value for p in phases),
                step=step,
                phase=phase.value,
            )

    def _section(self, kind: str) -> Any:
        payload = self.store.section(kind)
        if payload is None:
            raise PollStateError("phase", f"the board has no {kind} section yet", step=kind)
        return payload

    @cached_property
    def manifest(self) -> Manifest:
        """The manifest frozen when the ceremony started (or restarted, last)."""
        return self._fixed(  # type: ignore[no-any-return]
            "manifest", lambda: Manifest.from_json(self._section("manifest")["manifest"])
        )

    @property
    def attempt(self) -> int:
        """0 for the first key ceremony, k after its k-th restart."""
        restart = self.store.section("restart")
        return 0 if restart is None else int(restart["attempt"])

    @cached_property
    def rule(self) -> RuleSource:
        """The rule text frozen with the manifest (not the rule file as it reads today)."""

        def make() -> RuleSource:
            if self.manifest.kind.personnel:
                raise PollStateError(
                    "kind", "a personnel round's rule is its procedure (engine.procedure)"
                )
            frozen = self._section("manifest")["rule"]
            return RuleSource.from_text(frozen["text"], where="manifest.rule")

        return self._fixed("rule", make)  # type: ignore[no-any-return]

    @cached_property
    def procedure(self) -> ProcedureText:
        """A personnel round's procedure text, frozen with the manifest."""

        def make() -> ProcedureText:
            frozen = self._section("manifest")["rule"]
            return ProcedureText.from_text(frozen["text"], where="manifest.rule")

        return self._fixed("procedure", make)  # type: ignore[no-any-return]

    @cached_property
    def key(self) -> CommitteeKey:
        return self._fixed(  # type: ignore[no-any-return]
            "key", lambda: CommitteeKey.from_dict(self._section("committee")["key"])
        )

    @property
    def public_key(self) -> Point:
        return self.key.public_key

    @cached_property
    def fingerprint(self) -> bytes:
        """H(manifest, committee public key): every proof of the round is bound to it."""
        return self._fixed(  # type: ignore[no-any-return]
            "fingerprint",
            lambda: election_fingerprint(self.manifest, self.public_key.to_bytes()),
        )

    @cached_property
    def credentials(self) -> tuple[bytes, ...]:
        return self._fixed(  # type: ignore[no-any-return]
            "credentials",
            lambda: tuple(bytes.fromhex(c) for c in self._section("open")["credentials"]),
        )

    @cached_property
    def _eligible(self) -> frozenset[bytes]:
        return self._fixed(  # type: ignore[no-any-return]
            "credentials_set", lambda: frozenset(self.credentials)
        )

    def transcript(self) -> CeremonyTranscript:
        """The current attempt's ceremony messages (those of an abandoned one never count)."""
        attempt = self.attempt
        posts = self.store.ceremony_posts()
        return CeremonyTranscript.from_posts(p for p in posts if p.attempt == attempt)

    def aggregates(self) -> list[Ciphertext]:
        return [Ciphertext.from_hex(a, allow_identity=True) for a in self._section("aggregates")]

    def accepted(self, ballot: Ballot) -> Accepted | None:
        """The receipt of ``ballot`` if this very ballot is on the board (a host answers a
        retransmission with it; the arrival policy still refuses it as a copy)."""
        if self.phase not in (Phase.OPEN, Phase.CLOSED, Phase.TALLIED):
            return None
        ballot_hash = ballot.ballot_hash(self.fingerprint)
        return self.store.find_ballot(ballot_hash)

    def counted(self) -> list[Accepted]:
        """The ballots that count: each credential's last accepted ballot, in board order."""
        accepted = self.store.ballots()
        return [accepted[i] for i in counted_indices(a.ballot.credential for a in accepted)]

    def step_result(self) -> dict[str, Any]:
        """A personnel round's result as posted (its step's decision and clauses)."""
        return dict(self._section("results"))

    def results(self) -> list[OfficialResult]:
        """The results as posted, re-read with the frozen manifest and rule."""
        decryption = self._section("decryption")
        close = self._section("close")
        return compute_results(
            self.manifest,
            self.rule.rule,
            decryption["sums"],
            issued=len(self.credentials),
            returned=close["counted"],
        )

    # -- posting -----------------------------------------------------------------------------

    def _post(self, kind: str, payload: Any, digest: bytes | None = None) -> BoardEntry:
        last = self.store.last_entry()
        index = 0 if last is None else last.index + 1
        previous = GENESIS if last is None else last.hash
        if digest is None:
            digest = payload_hash(kind, payload)
        entry = BoardEntry(index, previous, kind, digest, entry_hash(index, previous, kind, digest))
        self.store.post(entry, payload)
        if kind != "ballot":
            self._last_section = kind
            self._last_known = True
        return entry

    # -- 1. freezing the round ---------------------------------------------------------------

    def freeze(self, manifest: Manifest, rule: RuleSource | ProcedureText) -> None:
        """Post the manifest with its rule text (a personnel round: its procedure file's):
        from now on the round is what it says."""
        self._need(Phase.NEW, step="freeze")
        if rule.id != manifest.rule_id:
            raise InputError(
                f"the manifest names rule {manifest.rule_id}, not {rule.id}", where="rule"
            )
        if rule.digest != manifest.rule_version:
            raise InputError(
                "the manifest's rule_version is not this rule text's digest",
                where="manifest.rule.version",
            )
        if isinstance(rule, ProcedureText) or manifest.kind.personnel:
            if not isinstance(rule, ProcedureText):
                raise InputError(
                    f"a {manifest.kind.value} round is decided by a procedure file",
                    where="manifest.kind",
                )
            check_round_step(manifest, rule.procedure)
        elif rule.rule.kind.value != manifest.kind.value:
            raise InputError(
                f"rule {rule.id} governs a {rule.rule.kind.value}, the round is a "
                f"{manifest.kind.value}",
                where="manifest.kind",
            )
        rule_json = {"id": rule.id, "digest": rule.digest, "text": rule.text}
        self._post("manifest", _manifest_section(manifest, rule_json))

    # -- 2. the key ceremony (mediator) ------------------------------------------------------

    def post_ceremony_message(self, member: int, kind: str, payload: Any) -> CommitteeKey | None:
        """Check and keep one ceremony message of ``member``; when the last member confirms,
        post the ``committee`` section and return the committee key."""
        self._need(Phase.CEREMONY, step="ceremony")
        transcript = self.transcript()
        kept, key = check_ceremony_message(self.manifest, transcript, member, kind, payload)
        self.store.add_ceremony_post(CeremonyPost(member, kind, kept, self.attempt))
        if kind != "confirm":
            return None
        transcript.confirms[member] = kept
        if len(transcript.confirms) < len(self.manifest.committee):
            return None
        assert key is not None
        self._post("committee", committee_section(key, transcript))
        return key

    def restart_ceremony(self, manifest: Manifest, *, reason: str = "") -> None:
        """Start the key ceremony again after complaints, with the committee of
        ``manifest``: every accused member gone, or replaced (``check_restart_from``). The
        board records it: a ``restart`` entry (the attempt, the accused, the complaints,
        the reason), then the new ``manifest``; the abandoned attempt's messages stay kept
        and no longer count."""
        self._need(Phase.CEREMONY, step="restart")
        transcript = self.transcript()
        accused = sorted({int(c["accused"]) for c in transcript.complaints})
        if not accused:
            raise StepRefused(
                "no_complaint", "the ceremony restarts only after a complaint names a member"
            )
        try:
            manifest.check_restart_from(self.manifest, accused)
        except InputError as exc:
            raise StepRefused("restart", str(exc), error=str(exc)) from exc
        rule_json = dict(self._section("manifest")["rule"])
        self._post(
            "restart",
            {
                "attempt": self.attempt + 1,
                "accused": accused,
                "complaints": transcript.complaints,
                "reason": reason[:500],
            },
        )
        self._post("manifest", _manifest_section(manifest, rule_json))
        self.__dict__.pop("manifest", None)

    # -- 3. opening: the ballots issued ------------------------------------------------------

    def open(self, credentials: Iterable[bytes]) -> None:
        """Fix the public credentials (ballots issued) and open the poll."""
        self._need(Phase.KEYED, step="open")
        ordered = check_credentials(credentials, summoned=self.manifest.summoned)
        if len(ordered) >= self.manifest.weight_base:
            raise InputError(
                "more credentials than the packed encoding allows", where="credentials"
            )
        self._post(
            "open",
            {"fingerprint": to_hex(self.fingerprint), "credentials": [to_hex(c) for c in ordered]},
        )

    # -- 4. casting (the one arrival policy) -------------------------------------------------

    def check_ballot(self, ballot: Ballot) -> None:
        """The stateless checks (shape, signature, proofs): safe to run outside any lock."""
        verify_ballot(self.manifest, self.fingerprint, self.public_key, ballot)

    def _arrival(self, ballot: Ballot, ballot_hash: bytes) -> _Arrival:
        return _Arrival(self.store, self._eligible, ballot, ballot_hash)

    def check_arrival(self, ballot: Ballot) -> None:
        """The arrival policy alone, changing nothing: a host checks it before the proofs
        so that a refused ballot gets the policy's first reason, as in ``cast``."""
        self._need(Phase.OPEN, step="cast")
        ballot_hash = ballot.ballot_hash(self.fingerprint)
        check_arrival(self._arrival(ballot, ballot_hash), self.manifest.revote, ballot, ballot_hash)

    def cast(self, ballot: Ballot, *, checked: bool = False) -> Accepted:
        """Accept one ballot or raise ``BallotRejected``. ``checked``: ``check_ballot`` has
        already passed for this very ballot (the host ran it before taking the lock)."""
        self._need(Phase.OPEN, step="cast")
        return self._accept(ballot, checked=checked)

    def _accept(self, ballot: Ballot, *, checked: bool) -> Accepted:
        ballot_hash = ballot.ballot_hash(self.fingerprint)
        check_arrival(self._arrival(ballot, ballot_hash), self.manifest.revote, ballot, ballot_hash)
        if not checked:
            self.check_ballot(ballot)
        entry = self._post("ballot", {"tracker": format_tracker(ballot_hash)}, ballot_hash)
        accepted = Accepted(ballot, ballot_hash, format_tracker(ballot_hash), entry.index)
        self.store.add_ballot(accepted)
        return accepted

    def cast_many(
        self,
        ballots: Sequence[Ballot],
        *,
        workers: int = 1,
        progress: Callable[[int], None] | None = None,
    ) -> list[Accepted | BallotRejected]:
        """Cast ``ballots`` in order, their proofs checked on ``workers`` processes first;
        returns each ballot's receipt or refusal (nothing is raised)."""
        self._need(Phase.OPEN, step="cast")
        size = max(1, min(32, len(ballots) // max(1, workers * 4)))
        verdicts = [
            v
            for chunk in parallel_map(
                _verify_chunk,
                chunked(ballots, size),
                workers=workers,
                initializer=_init_worker,
                initargs=(self.manifest, self.fingerprint, self.public_key.to_bytes()),
                progress=progress,
            )
            for v in chunk
        ]
        out: list[Accepted | BallotRejected] = []
        for ballot, verdict in zip(ballots, verdicts, strict=True):
            try:
                if verdict is not None:
                    # The arrival checks come first, as in ``cast``: a copy is a copy.
                    self.check_arrival(ballot)
                    raise verdict
                out.append(self._accept(ballot, checked=True))
            except BallotRejected as exc:
                out.append(exc)
        return out

    # -- Benaloh audits: spent ballots -------------------------------------------------------

    def audit(self, ballot: Ballot, reveal: Any) -> list[AuditRow]:
        """Re-check a voter's audit of a sealed ballot, then spend it: the ballot and its
        randomness can never be cast. A ballot already cast cannot be audited (its reveal
        would show a counted vote); a malformed reveal spends nothing."""
        self._need(Phase.OPEN, step="audit")
        ballot_hash = ballot.ballot_hash(self.fingerprint)
        if self.store.seen_hash(ballot_hash):
            raise StepRefused(
                "cast_already", "this ballot was cast: only a ballot not cast can be audited"
            )
        rows = check_audit(self.manifest, self.public_key, ballot, reveal)
        if not self.store.is_spent(ballot_hash):
            self.store.spend(ballot, ballot_hash)
        return rows

    # -- 5. closing: the aggregates ----------------------------------------------------------

    def close(
        self, *, workers: int = 1, progress: Callable[[int], None] | None = None
    ) -> list[Ciphertext]:
        """Post ``close`` and the ``aggregates`` of the counted ballots. With no ballot
        counted the aggregates are the empty sum: never decrypted, all counts 0, so the
        round is tallied at once."""
        self._need(Phase.OPEN, step="close")
        accepted = self.store.ballot_count()
        counted = self.counted()
        self._post("close", {"accepted": accepted, "counted": len(counted)})
        sums = aggregate(
            self.manifest.columns,
            [a.ballot for a in counted],
            workers=workers,
            progress=progress,
        )
        self._post("aggregates", [a.hex() for a in sums])
        if not counted:
            self._tally({})
        return sums

    # -- 6. decryption (mediator) and results ------------------------------------------------

    def post_share(self, member: int, payload: Any) -> bool:
        """Check and keep ``member``'s partial decryption; with t verified shares in,
        decrypt, apply the rule and post ``decryption`` and ``results``. Returns whether
        the round is now tallied."""
        self._need(Phase.CLOSED, step="decrypt")
        if member not in self.key.verification_keys:
            raise StepRefused("not_member", f"there is no committee member {member}", member=member)
        shares = self.store.shares()
        if member in shares:
            raise PollStateError("repeat", f"member {member} already decrypted", member=member)
        if not isinstance(payload, dict):
            raise StepRefused("malformed", "a decryption share is a JSON object")
        try:
            share = DecryptionShare.from_dict(payload)
        except CryptoError as exc:
            raise StepRefused("malformed", f"decryption share: {exc}", error=str(exc)) from exc
        if share.member != member:
            raise StepRefused(
                "wrong_member",
                f"the share is labelled member {share.member}, it was posted by member {member}",
                found=share.member,
                member=member,
            )
        ctx = Context(self.fingerprint)
        try:
            verify_decryption_share(ctx, self.key, self.aggregates(), share)
        except CryptoError as exc:
            raise StepRefused(
                "bad_share", f"the share does not verify: {exc}", error=str(exc)
            ) from exc
        self.store.add_share(member, share.to_dict())
        shares[member] = share.to_dict()
        if len(shares) < self.key.t:
            return False
        self._tally({m: DecryptionShare.from_dict(p) for m, p in shares.items()})
        return True

    def _tally(self, shares: dict[int, DecryptionShare]) -> None:
        counted = self._section("close")["counted"]
        sums = decrypt_sums(
            Context(self.fingerprint),
            self.key,
            self.aggregates(),
            shares,
            bound=self.manifest.dlog_bound(counted),
            counted=counted,
        )
        self._post(
            "decryption",
            {
                "present": sorted(shares),
                "shares": [shares[m].to_dict() for m in sorted(shares)],
                "sums": list(sums),
            },
        )
        if self.manifest.kind.personnel:
            self._post(
                "results",
                step_result(
                    self.manifest,
                    self.procedure.procedure,
                    sums,
                    present=len(self.credentials),
                    returned=counted,
                ),
            )
            return
        results = compute_results(
            self.manifest, self.rule.rule, sums, issued=len(self.credentials), returned=counted
        )
        self._post("results", [r.to_json() for r in results])

    # -- 7. the committee signs the final board head ------------------------------------------

    def head(self) -> bytes:
        """The hash of the board's last entry (after ``results``: the final head)."""
        last = self.store.last_entry()
        if last is None:
            raise PollStateError("phase", "the board is empty", step="head")
        return last.hash

    def present(self) -> list[int]:
        """The members who decrypted (the record's ``decryption.present``)."""
        return list(self._section("decryption")["present"])

    def sign_head(self, member: int, signature: str) -> bool:
        """Keep member ``member``'s signature (hex) of the final board head; only a member
        who decrypted signs, once. Returns whether every member who decrypted has signed."""
        self._need(Phase.TALLIED, step="sign")
        present = self.present()
        if member not in present:
            raise StepRefused(
                "not_present",
                f"member {member} did not decrypt this round: only {present} sign its head",
                member=member,
            )
        signed = self.store.head_signatures()
        if member in signed:
            raise PollStateError("repeat", f"member {member} already signed", member=member)
        try:
            raw = bytes.fromhex(signature) if isinstance(signature, str) else b""
            if raw.hex() != signature:
                raise CryptoError("a signature is 64 bytes of lowercase hex")
            verify_head_signature(self.fingerprint, self.key, member, self.head(), raw)
        except (CryptoError, ValueError) as exc:
            raise StepRefused(
                "bad_signature", f"the head signature does not verify: {exc}", error=str(exc)
            ) from exc
        self.store.add_head_signature(member, signature)
        signed[member] = signature
        return all(m in signed for m in present)

    def signatures(self) -> list[dict[str, Any]]:
        """The head signatures received, in the order of ``present``."""
        signed = self.store.head_signatures()
        return [{"member": m, "signature": signed[m]} for m in self.present() if m in signed]

    # -- the election record -----------------------------------------------------------------

    def record(self) -> ElectionRecord:
        """The election record of a tallied round, exactly as its board holds it."""
        self._need(Phase.TALLIED, step="record")
        first = self._section("manifest")
        entries = self.store.entries()
        manifests = self.store.sections("manifest")
        restarts = tuple(
            {"manifest": m, "restart": r}
            for m, r in zip(manifests[:-1], self.store.sections("restart"), strict=True)
        )
        return ElectionRecord(
            manifest=self.manifest,
            rule=dict(first["rule"]),
            roster=bytes.fromhex(first["roster"]),
            committee=dict(self._section("committee")),
            fingerprint=bytes.fromhex(self._section("open")["fingerprint"]),
            credentials=self.credentials,
            ballots=tuple(
                RecordedBallot(a.ballot, a.ballot_hash, a.tracker, a.board_index)
                for a in self.store.ballots()
            ),
            close=dict(self._section("close")),
            aggregates=tuple(bytes.fromhex(a) for a in self._section("aggregates")),
            decryption=dict(self._section("decryption")),
            results=_results_copy(self._section("results")),
            board=tuple(entries),
            head=entries[-1].hash,
            restarts=restarts,
            signatures=tuple(self.signatures()),
        )


def _results_copy(results: Any) -> list[dict[str, Any]] | dict[str, Any]:
    """The posted results: rows per official, or a personnel round's step result."""
    return dict(results) if isinstance(results, dict) else list(results)


def _manifest_section(manifest: Manifest, rule: dict[str, str]) -> dict[str, Any]:
    """What the board's ``manifest`` section holds."""
    return {
        "manifest": manifest.to_json(),
        "rule": rule,
        "roster": to_hex(roster_fingerprint(manifest)),
    }


_WORKER: dict[str, Any] = {}


def _init_worker(manifest: Manifest, fingerprint: bytes, public_key: bytes) -> None:
    _WORKER["args"] = (manifest, fingerprint, Point.from_bytes(public_key))


def _verify_chunk(ballots: Sequence[Ballot]) -> list[BallotRejected | None]:
    manifest, fingerprint, public_key = _WORKER["args"]
    out: list[BallotRejected | None] = []
    for ballot in ballots:
        try:
            verify_ballot(manifest, fingerprint, public_key, ballot)
            out.append(None)
        except BallotRejected as exc:
            out.append(exc)
    return out
