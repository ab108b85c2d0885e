"""The poll engine's store over the database (``tinnhiem.poll.PollStore``).

Every question the engine asks is one indexed query: the board's last entry by
``(round, seq)``, a section by ``(round, kind, seq)``, a ballot hash by its unique column,
the α's of a ballot by ``(round, alpha)`` (unique: a replay is found without reading any
earlier ballot), a credential's ballots by ``(round, credential)``. Every write is an
insert. Build one store per action, inside the action's transaction, on the locked round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection

from tinnhiem.ballots import Accepted, Ballot, BoardEntry, BulletinBoard, to_hex
from tinnhiem.ballots.arrival import ArrivalFacts, alphas_of
from tinnhiem.poll import CeremonyPost
from tinnhiem.web.models import Ballot as BallotRow
from tinnhiem.web.models import (
    BallotAlpha,
    CeremonyMessage,
    CommitteeMember,
    Round,
    SpentBallot,
    VoterCredential,
)
from tinnhiem.web.models import BoardEntry as EntryRow
from tinnhiem.web.models import DecryptionShare as ShareRow

__all__ = ["OrmPollStore", "core_entry", "verify_chain"]

#: Sections whose payload is a JSON list: kept as ``{"items": [...]}`` in the entry's
#: ``payload`` column (an object); the hash is over the list itself. A personnel round's
#: ``results`` is an object (its step result, record-format §3.13): stored as it is.
LIST_SECTIONS = frozenset({"aggregates", "results"})
HEAD_SIGNATURE = "head_signature"


def core_entry(row: EntryRow) -> BoardEntry:
    """A stored board row as the core's entry."""
    return BoardEntry(
        index=row.seq,
        previous=bytes.fromhex(row.previous),
        kind=row.kind,
        payload_hash=bytes.fromhex(row.payload_hash),
        hash=bytes.fromhex(row.hash),
    )


def verify_chain(rows: Iterable[EntryRow]) -> bytes:
    """Check a stored chain (rows in ``seq`` order); returns the head hash or raises
    ``BoardError`` naming the first bad entry."""
    return BulletinBoard.check_chain(core_entry(r) for r in rows)


def _stored(kind: str, payload: Any) -> dict[str, Any]:
    if kind in LIST_SECTIONS and not isinstance(payload, Mapping):
        return {"items": list(payload)}
    return dict(payload)


def _unwrap(kind: str, stored: Any) -> Any:
    if kind in LIST_SECTIONS and isinstance(stored, dict) and set(stored) == {"items"}:
        return stored["items"]
    return stored


class OrmPollStore:
    """``PollStore`` for one round, read and written through the ORM."""

    def __init__(self, round: Round) -> None:
        self.round = round
        self._sections: dict[str, Any] = {}
        self._members: dict[int, CommitteeMember] | None = None
        self._credential_ids: dict[str, int] = {}
        # The board's head once read or written by this store (it holds the round's lock:
        # nobody else appends meanwhile), so that a group of casts reads it once.
        self._head: BoardEntry | None = None

    def remember_credential(self, public_key_hex: str, pk: int) -> None:
        """The host already looked this credential up: ``add_ballot`` need not again."""
        self._credential_ids[public_key_hex] = pk

    # -- the bulletin board ------------------------------------------------------------------

    def last_entry(self) -> BoardEntry | None:
        if self._head is not None:
            return self._head
        row = (
            EntryRow.objects.filter(round=self.round)
            .only("seq", "previous", "kind", "payload_hash", "hash")
            .order_by("-seq")
            .first()
        )
        self._head = None if row is None else core_entry(row)
        return self._head

    def last_section(self) -> str | None:
        kind = (
            EntryRow.objects.filter(round=self.round)
            .exclude(kind="ballot")
            .order_by("-seq")
            .values_list("kind", flat=True)
            .first()
        )
        return None if kind is None else str(kind)

    def section(self, kind: str) -> Any:
        if kind not in self._sections:
            row = EntryRow.objects.filter(round=self.round, kind=kind).order_by("-seq").first()
            if row is None:
                return None  # not cached: it may be posted later in this action
            self._sections[kind] = _unwrap(kind, row.payload)
        return self._sections[kind]

    def sections(self, kind: str) -> list[Any]:
        rows = EntryRow.objects.filter(round=self.round, kind=kind).order_by("seq")
        return [_unwrap(kind, r.payload) for r in rows]

    def entries(self) -> list[BoardEntry]:
        return [core_entry(r) for r in EntryRow.objects.filter(round=self.round).order_by("seq")]

    def post(self, entry: BoardEntry, payload: Any) -> None:
        self._sections.pop(entry.kind, None)
        self._head = entry
        EntryRow.objects.create(
            round=self.round,
            seq=entry.index,
            kind=entry.kind,
            payload=_stored(entry.kind, payload),
            payload_hash=entry.payload_hash.hex(),
            previous=entry.previous.hex(),
            hash=entry.hash.hex(),
        )

    # -- the key ceremony --------------------------------------------------------------------

    def _member(self, index: int) -> CommitteeMember:
        if self._members is None:
            seats = CommitteeMember.objects.seated(self.round)
            self._members = {m.index: m for m in seats}
        return self._members[index]

    def ceremony_posts(self) -> list[CeremonyPost]:
        rows = CeremonyMessage.objects.filter(round=self.round).select_related("sender")
        return [
            CeremonyPost(r.sender.index, r.kind, r.payload, r.attempt) for r in rows.order_by("id")
        ]

    def add_ceremony_post(self, post: CeremonyPost) -> None:
        sender = self._member(post.member)
        CeremonyMessage.objects.create(
            round=self.round,
            sender=sender,
            kind=post.kind,
            payload=post.payload,
            attempt=post.attempt,
        )
        if post.kind == "commit" and not sender.public_key:
            sender.public_key = str(post.payload["box_public"])
            sender.save(update_fields=["public_key"])

    # -- ballots -----------------------------------------------------------------------------

    def seen_hash(self, ballot_hash: bytes) -> bool:
        return BallotRow.objects.filter(round=self.round, ballot_hash=ballot_hash.hex()).exists()

    def is_spent(self, ballot_hash: bytes) -> bool:
        return SpentBallot.objects.filter(round=self.round, ballot_hash=ballot_hash.hex()).exists()

    def arrival_facts(
        self, ballot_hash: bytes, credential: bytes, alphas: Sequence[bytes]
    ) -> ArrivalFacts:
        # One statement for the four questions (each an indexed lookup): it runs inside
        # the round's write lock, where every round trip holds up the hall.
        hexes = [a.hex() for a in alphas]
        ballot, spent, alpha, credential_table = (
            m._meta.db_table for m in (BallotRow, SpentBallot, BallotAlpha, VoterCredential)
        )
        marks = ", ".join(["%s"] * len(hexes)) or "NULL"
        sql = (
            f'SELECT EXISTS (SELECT 1 FROM "{ballot}" WHERE "round_id" = %s '  # noqa: S608
            'AND "ballot_hash" = %s), '
            f'EXISTS (SELECT 1 FROM "{spent}" WHERE "round_id" = %s AND "ballot_hash" = %s), '
            f'EXISTS (SELECT 1 FROM "{alpha}" WHERE "round_id" = %s AND "alpha" IN ({marks})), '
            f'EXISTS (SELECT 1 FROM "{ballot}" b JOIN "{credential_table}" c '
            'ON b."credential_id" = c."id" WHERE b."round_id" = %s AND c."public_key" = %s)'
        )
        pk = self.round.pk
        params: list[str | int] = [pk, ballot_hash.hex(), pk, ballot_hash.hex(), pk, *hexes]
        params += [pk, to_hex(credential)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            seen_hash, is_spent, any_alpha, voted = cursor.fetchone()
        seen: frozenset[bytes] = frozenset()
        if any_alpha:  # a replay: which α's (rare, so asked only then)
            found = BallotAlpha.objects.filter(round=self.round, alpha__in=hexes)
            seen = frozenset(bytes.fromhex(a) for a in found.values_list("alpha", flat=True))
        return ArrivalFacts(
            seen_hash=bool(seen_hash), spent=bool(is_spent), seen_alphas=seen, voted=bool(voted)
        )

    def add_ballot(self, accepted: Accepted) -> None:
        public = to_hex(accepted.ballot.credential)
        credential_id = self._credential_ids.get(public)
        if credential_id is None:
            credential_id = VoterCredential.objects.get(round=self.round, public_key=public).pk
        row = BallotRow.objects.create(
            round=self.round,
            credential_id=credential_id,
            payload=accepted.ballot.to_json(),
            tracker=accepted.tracker,
            ballot_hash=accepted.ballot_hash.hex(),
            board_seq=accepted.board_index,
        )
        # One statement, no model instances: a ballot has a row per official (44 and more).
        table = BallotAlpha._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f'INSERT INTO "{table}" ("round_id", "alpha", "ballot_id") '  # noqa: S608
                "VALUES (%s, %s, %s)",
                [(self.round.pk, a.hex(), row.pk) for a in alphas_of(accepted.ballot)],
            )

    def spend(self, ballot: Ballot, ballot_hash: bytes) -> None:
        from tinnhiem.ballots import format_tracker

        SpentBallot.objects.create(
            round=self.round, ballot_hash=ballot_hash.hex(), tracker=format_tracker(ballot_hash)
        )
        BallotAlpha.objects.bulk_create(
            [BallotAlpha(round=self.round, alpha=a.hex()) for a in alphas_of(ballot)],
            ignore_conflicts=True,
        )

    def ballots(self) -> list[Accepted]:
        rows = BallotRow.objects.filter(round=self.round).order_by("board_seq")
        return [
            Accepted(
                Ballot.from_json(r.payload, where=f"ballot {r.pk}"),
                bytes.fromhex(r.ballot_hash),
                r.tracker,
                r.board_seq,
            )
            for r in rows
        ]

    def ballot_count(self) -> int:
        return BallotRow.objects.filter(round=self.round).count()

    def find_ballot(self, ballot_hash: bytes) -> Accepted | None:
        found = BallotRow.objects.filter(round=self.round, ballot_hash=ballot_hash.hex())
        if not found.exists():  # the usual case: one indexed lookup, no payload read
            return None
        row = found.get()
        ballot = Ballot.from_json(row.payload, where=f"ballot {row.pk}")
        return Accepted(ballot, ballot_hash, row.tracker, row.board_seq)

    # -- decryption --------------------------------------------------------------------------

    def shares(self) -> dict[int, dict[str, Any]]:
        rows = ShareRow.objects.filter(round=self.round).select_related("member")
        return {r.member.index: dict(r.payload) for r in rows}

    def add_share(self, member: int, payload: dict[str, Any]) -> None:
        ShareRow.objects.create(round=self.round, member=self._member(member), payload=payload)

    # -- the committee's signatures of the final board head -----------------------------------
    # Kept as committee messages of kind ``head_signature`` (one per member, append-only),
    # beside the ceremony's: the engine reads only the ceremony's kinds from those.

    def head_signatures(self) -> dict[int, str]:
        rows = CeremonyMessage.objects.filter(round=self.round, kind=HEAD_SIGNATURE)
        return {r.sender.index: str(r.payload["signature"]) for r in rows.select_related("sender")}

    def add_head_signature(self, member: int, signature: str) -> None:
        CeremonyMessage.objects.create(
            round=self.round,
            sender=self._member(member),
            kind=HEAD_SIGNATURE,
            payload={"member": member, "signature": signature},
        )
