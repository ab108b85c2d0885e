"""A Hypothesis state machine over the poll engine: random interleavings of ceremony steps
(in and out of turn, honest and tampered), casts, re-votes, copies, strangers' ballots,
audits and casts of audited ballots, attempts to change the frozen round, opening,
closing and decryption shares (honest, tampered, repeated).

Invariants: a refused step changes nothing; every accepted ballot is on the board at its
position; once tallied, the record verifies and every decrypted sum is the sum of the
plaintexts of the ballots that count (each credential's last one under ``last_counts``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tinnhiem.ballots import (
    BallotRejected,
    CommitteeMember,
    Manifest,
    Mark,
    Official,
    RevotePolicy,
    RoundKind,
    ceremony_fingerprint,
    mark_value,
    seal_ballot,
)
from tinnhiem.crypto import Context, CredentialKey
from tinnhiem.crypto.dkg import DkgMember
from tinnhiem.crypto.threshold import partial_decrypt
from tinnhiem.poll import MemoryStore, Phase, PollEngine, PollError
from tinnhiem.record import verify_record
from tinnhiem.tally import load_rule_source, sign_head

OFFICIALS = ("o1", "o2")
VOTERS = 4  # summoned; a fifth key is a stranger's
MARKS = (Mark.HIGH, Mark.CONFIDENT, Mark.LOW, Mark.BLANK)
marks_strategy = st.fixed_dictionaries({o: st.sampled_from(MARKS) for o in OFFICIALS})


class PollMachine(RuleBasedStateMachine):
    @initialize(revote=st.sampled_from(list(RevotePolicy)))
    def start(self, revote: RevotePolicy) -> None:
        source = load_rule_source("nq96-2023")
        self.manifest = Manifest(
            round_id="hdnd/1",
            body="HĐND tỉnh",
            title="Lấy phiếu",
            kind=RoundKind.POLL,
            rule_id=source.id,
            rule_version=source.digest,
            officials=tuple(
                Official(o, o.upper(), "Chức vụ", i + 1) for i, o in enumerate(OFFICIALS)
            ),
            summoned=VOTERS,
            committee=tuple(CommitteeMember(i, f"M{i}") for i in (1, 2, 3)),
            threshold=2,
            weight_base=VOTERS + 1,
            revote=revote,
            date="2026-12-03",
        )
        self.engine = PollEngine(MemoryStore())
        self.engine.freeze(self.manifest, source)
        # The honest transcript, posted step by step in whatever order the rules choose.
        ctx = Context(ceremony_fingerprint(self.manifest))
        members = {i: DkgMember(ctx, i, 2, 3) for i in (1, 2, 3)}
        commits = {i: m.commit() for i, m in members.items()}
        reveals = {i: m.reveal(commits) for i, m in members.items()}
        self.member_shares = {}
        confirms = {}
        for i, m in members.items():
            key, share = m.finish(reveals)
            self.member_shares[i] = share
            confirms[i] = {
                "member": i,
                "verification_key": key.verification_keys[i].hex(),
                "public_key": key.public_key.hex(),
            }
        self.transcript = {
            "commit": {i: c.to_dict() for i, c in commits.items()},
            "reveal": {i: r.to_dict() for i, r in reveals.items()},
            "confirm": confirms,
        }
        self.keys = [CredentialKey.generate() for _ in range(VOTERS + 1)]
        self.counted: dict[bytes, dict[str, Mark]] = {}  # credential -> marks that count
        self.cast_ballots: list[Any] = []
        self.audited: list[Any] = []
        self.verified = False

    # -- helpers -------------------------------------------------------------------------------

    def snapshot(self) -> tuple[Any, ...]:
        store = self.engine.store
        return (
            [e.hash for e in store.entries()],
            len(store.ceremony_posts()),
            sorted(store.shares()),
            len(store.ballots()),
            sorted(store.head_signatures()),
        )

    def attempt(self, step: Any) -> bool:
        """Run a step; a refusal must leave everything as it was."""
        before = self.snapshot()
        try:
            step()
        except (PollError, BallotRejected):
            assert self.snapshot() == before
            return False
        return True

    def keyed(self) -> bool:
        return self.engine.phase not in (Phase.NEW, Phase.CEREMONY)

    # -- the key ceremony ----------------------------------------------------------------------

    @rule(member=st.sampled_from([1, 2, 3]), kind=st.sampled_from(["commit", "reveal", "confirm"]))
    def ceremony_message(self, member: int, kind: str) -> None:
        payload = self.transcript[kind][member]
        self.attempt(lambda: self.engine.post_ceremony_message(member, kind, payload))

    @rule(member=st.sampled_from([1, 2, 3]), other=st.sampled_from([1, 2, 3]))
    def tampered_ceremony_message(self, member: int, other: int) -> None:
        """A member posts another member's message as their own: always refused."""
        if member == other:
            return
        for kind in ("commit", "reveal", "confirm"):
            payload = self.transcript[kind][other]
            assert not self.attempt(
                lambda: self.engine.post_ceremony_message(member, kind, payload)
            )

    @rule()
    def advance(self) -> None:
        """Honest progress to the next phase but the close (so that runs get somewhere):
        every missing ceremony message in protocol order, the opening, or the shares."""
        phase = self.engine.phase
        if phase is Phase.CEREMONY:
            for kind in ("commit", "reveal", "confirm"):
                for member, payload in self.transcript[kind].items():
                    post = self.engine.post_ceremony_message
                    self.attempt(lambda: post(member, kind, payload))
        elif phase is Phase.KEYED:
            self.open()
        elif phase is Phase.CLOSED:
            for member in (1, 2, 3):
                self.decryption_share(member, tamper=False)

    # -- the frozen round ----------------------------------------------------------------------

    @rule()
    def change_the_frozen_round(self) -> None:
        """A roster edit after the freeze: the engine refuses a second manifest."""
        edited = replace(self.manifest, summoned=VOTERS + 2, weight_base=VOTERS + 3)
        source = load_rule_source("nq96-2023")
        assert not self.attempt(lambda: self.engine.freeze(edited, source))

    @rule()
    def open(self) -> None:
        self.attempt(lambda: self.engine.open(k.public for k in self.keys[:VOTERS]))

    # -- ballots -------------------------------------------------------------------------------

    @rule(voter=st.integers(0, VOTERS), marks=marks_strategy)
    def cast(self, voter: int, marks: dict[str, Mark]) -> None:
        if not self.keyed():
            return
        key = self.keys[voter]
        sealed = seal_ballot(
            self.manifest, self.engine.fingerprint, self.engine.public_key, key, marks
        )
        voted = key.public in self.counted
        if self.attempt(lambda: self.engine.cast(sealed.ballot)):
            assert voter < VOTERS, "a stranger's ballot was accepted"
            assert not voted or self.manifest.revote is RevotePolicy.LAST_COUNTS
            self.counted[key.public] = marks
            self.cast_ballots.append(sealed.ballot)

    @rule(data=st.data())
    def cast_a_copy(self, data: st.DataObject) -> None:
        if self.cast_ballots:
            ballot = data.draw(st.sampled_from(self.cast_ballots))
            assert not self.attempt(lambda: self.engine.cast(ballot))

    @rule(voter=st.integers(0, VOTERS - 1), marks=marks_strategy)
    def audit(self, voter: int, marks: dict[str, Mark]) -> None:
        if not self.keyed():
            return
        sealed = seal_ballot(
            self.manifest, self.engine.fingerprint, self.engine.public_key, self.keys[voter], marks
        )
        rows: list[Any] = []
        if self.attempt(lambda: rows.extend(self.engine.audit(sealed.ballot, sealed.reveal))):
            assert all(r.ok for r in rows)
            self.audited.append(sealed.ballot)

    @rule(data=st.data())
    def cast_an_audited_ballot(self, data: st.DataObject) -> None:
        if self.audited:
            ballot = data.draw(st.sampled_from(self.audited))
            assert not self.attempt(lambda: self.engine.cast(ballot))

    # -- closing and decrypting ----------------------------------------------------------------

    @rule()
    def close(self) -> None:
        self.attempt(self.engine.close)

    @rule(member=st.sampled_from([1, 2, 3]), tamper=st.booleans())
    def decryption_share(self, member: int, tamper: bool) -> None:
        if self.engine.phase is not Phase.CLOSED:
            assert not self.attempt(lambda: self.engine.post_share(member, {}))
            return
        aggregates = self.engine.aggregates()
        if any(a.alpha.is_identity() for a in aggregates):
            return  # an empty round is tallied at close; nothing to decrypt
        share = partial_decrypt(
            Context(self.engine.fingerprint), self.member_shares[member], aggregates
        ).to_dict()
        if tamper:  # each factor under the other official's proof: neither proof holds
            share["factors"] = list(reversed(share["factors"]))
            assert not self.attempt(lambda: self.engine.post_share(member, share))
        else:
            self.attempt(lambda: self.engine.post_share(member, share))

    @rule(member=st.sampled_from([1, 2, 3]), forge=st.booleans())
    def head_signature(self, member: int, forge: bool) -> None:
        """A member signs the final board head: refused before the tally, from a member who
        did not decrypt, twice, or forged (signed with another member's share)."""
        if self.engine.phase is not Phase.TALLIED:
            assert not self.attempt(lambda: self.engine.sign_head(member, "00" * 64))
            return
        signer = self.member_shares[member % 3 + 1 if forge else member]
        signature = sign_head(self.engine.fingerprint, signer, self.engine.head()).hex()
        signed = self.attempt(lambda: self.engine.sign_head(member, signature))
        assert not (signed and forge)

    def sign_the_head(self) -> None:
        signed = self.engine.store.head_signatures()
        for member in self.engine.present():
            if member not in signed:
                share = self.member_shares[member]
                signature = sign_head(self.engine.fingerprint, share, self.engine.head()).hex()
                self.engine.sign_head(member, signature)

    # -- invariants ----------------------------------------------------------------------------

    def teardown(self) -> None:
        event(f"phase reached: {self.engine.phase.value}")

    @invariant()
    def accepted_ballots_are_on_the_board(self) -> None:
        entries = self.engine.store.entries()
        for accepted in self.engine.store.ballots():
            entry = entries[accepted.board_index]
            assert entry.kind == "ballot" and entry.payload_hash == accepted.ballot_hash

    @invariant()
    def a_tallied_round_verifies_and_adds_up(self) -> None:
        if self.engine.phase is not Phase.TALLIED or self.verified:
            return
        self.sign_the_head()
        record = self.engine.record()
        report = verify_record(record, workers=1)
        assert report.counted == len(self.counted)
        expected = [
            sum(mark_value(self.manifest, marks[o]) for marks in self.counted.values())
            for o in OFFICIALS
        ]
        assert record.decryption["sums"] == expected
        self.verified = True


TestPollEngine = PollMachine.TestCase
TestPollEngine.settings = settings(
    max_examples=100,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
