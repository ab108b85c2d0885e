"""A web round seen through the core: its manifest, its rule text, its bulletin board's
sections and the election record rebuilt from the stored rows (no state changes here: the
``poll_*`` actions post to the board).

The web board holds exactly what ``tinnhiem.record.Election`` posts, in the same order —
``manifest``, ``committee``, ``open``, one ``ballot`` per cast ballot, ``close``,
``aggregates``, ``decryption``, ``results`` — each entry's ``payload`` being the section's
JSON, so the record written from it passes ``tinnhiem verify``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils import timezone

from tinnhiem.ballots import (
    Ballot,
    CommitteeMember,
    ExemptOfficial,
    Manifest,
    Official,
    RevotePolicy,
    RoundKind,
    ceremony_fingerprint,
    to_hex,
)
from tinnhiem.record import ElectionRecord, RecordedBallot, roster_fingerprint
from tinnhiem.rules import Denominator
from tinnhiem.tally import RuleSource, load_rule_source
from tinnhiem.web.lib.board import core_entries
from tinnhiem.web.models import Ballot as BallotRow
from tinnhiem.web.models import BoardEntry, Person, Round, Summons
from tinnhiem.web.models import CommitteeMember as MemberRow
from tinnhiem.web.models import Official as OfficialRow

__all__ = [
    "SECTIONS",
    "board_rows",
    "ceremony_context",
    "display_name",
    "manifest_for",
    "official_names",
    "record_for",
    "rule_json",
    "rule_source_for",
    "section",
    "stored_payload",
]

#: The board's section kinds, in the order they are posted.
SECTIONS = ("manifest", "committee", "open", "close", "aggregates", "decryption", "results")


@lru_cache(maxsize=32)
def rule_source_for(rule_id: str) -> RuleSource:
    """The built-in rule version with its exact text (what the record embeds)."""
    return load_rule_source(rule_id)


def rule_json(source: RuleSource) -> dict[str, str]:
    return {"id": source.id, "digest": source.digest, "text": source.text}


def display_name(user: Any) -> str:
    """A committee member's name: their roster name, else the account's name."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        return str(person.full_name)
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.username)


def manifest_for(round: Round) -> Manifest:
    """The round's manifest, built from the rows fixed when the ceremony started.

    Officials on the ballot are the non-exempt ones in ballot order (renumbered 1..k);
    their ``id`` is the roster code. ``B`` (weight base) is one more than the voters
    summoned. One ballot counts per credential: a second is refused.
    """
    source = rule_source_for(round.rule_id)
    officials = list(
        OfficialRow.objects.filter(round=round).select_related("person").order_by("order", "id")
    )
    on_ballot = [o for o in officials if not o.exempt]
    summoned = Summons.objects.filter(round=round).count()
    members = MemberRow.objects.filter(round=round).select_related("user").order_by("index")
    body_size = None
    if source.rule.denominator is Denominator.MEMBERS:
        body_size = Person.objects.filter(body=round.body).count()
    return Manifest(
        round_id=f"{round.body.code}/{round.pk}",
        body=round.body.name,
        title=round.title,
        kind=RoundKind(round.kind),
        rule_id=source.id,
        rule_version=source.digest,
        officials=tuple(
            Official(id=o.person.external_id, name=o.person.full_name, post=o.post, order=i + 1)
            for i, o in enumerate(on_ballot)
        ),
        exempt=tuple(
            ExemptOfficial(
                id=o.person.external_id,
                name=o.person.full_name,
                post=o.post,
                reason=o.exempt_reason,
            )
            for o in officials
            if o.exempt
        ),
        summoned=summoned,
        members=body_size,
        committee=tuple(CommitteeMember(index=m.index, name=display_name(m.user)) for m in members),
        threshold=round.threshold,
        weight_base=summoned + 1,
        revote=RevotePolicy.REJECT,
        # The round's date where it is held (TIME_ZONE, Asia/Ho_Chi_Minh), not UTC: a poll
        # opened at 02:00 on the 29th in Hà Nội is dated the 29th on the minutes.
        date=timezone.localdate(round.opens_at).isoformat() if round.opens_at else "",
    )


def ceremony_context(manifest: Manifest) -> bytes:
    """The Fiat-Shamir fingerprint of the key ceremony: H(manifest)."""
    return ceremony_fingerprint(manifest)


def official_names(manifest: Manifest) -> dict[str, str]:
    return {o.id: o.name for o in manifest.officials}


def board_rows(round: Round) -> list[BoardEntry]:
    return list(BoardEntry.objects.filter(round=round).order_by("seq"))


#: Sections whose payload is a JSON list: stored as ``{"items": [...]}`` in the entry's
#: ``payload`` column (an object); the hash is over the list itself.
LIST_SECTIONS = frozenset({"aggregates", "results"})


def stored_payload(kind: str, payload: Any) -> dict[str, Any]:
    """The object kept in ``BoardEntry.payload`` for a section's payload."""
    return {"items": list(payload)} if kind in LIST_SECTIONS else dict(payload)


def _unwrap(kind: str, stored: Any) -> Any:
    return stored["items"] if kind in LIST_SECTIONS else stored


def section(round: Round, kind: str) -> Any:
    """The payload of the board section ``kind``, or None when not posted yet."""
    row = BoardEntry.objects.filter(round=round, kind=kind).order_by("seq").first()
    return None if row is None else _unwrap(kind, row.payload)


def record_for(round: Round) -> ElectionRecord:
    """The election record of a tallied round, rebuilt from the stored board and ballots
    (``tinnhiem.record`` writes and verifies it)."""
    rows = board_rows(round)
    by_kind: dict[str, Any] = {}
    for row in rows:
        if row.kind in SECTIONS:
            by_kind[row.kind] = _unwrap(row.kind, row.payload)
    missing = [k for k in SECTIONS if k not in by_kind]
    if missing:
        raise LookupError(f"the round's board has no {', '.join(missing)} section yet")
    first = by_kind["manifest"]
    manifest = Manifest.from_json(first["manifest"])
    opened = by_kind["open"]
    ballots = tuple(
        RecordedBallot(
            ballot=Ballot.from_json(b.payload, where=f"ballot {b.pk}"),
            hash=bytes.fromhex(b.ballot_hash),
            tracker=b.tracker,
            board_index=b.board_seq,
        )
        for b in BallotRow.objects.filter(round=round).order_by("board_seq")
    )
    entries = core_entries(rows)
    return ElectionRecord(
        manifest=manifest,
        rule=dict(first["rule"]),
        roster=roster_fingerprint(manifest),
        committee=dict(by_kind["committee"]),
        fingerprint=bytes.fromhex(opened["fingerprint"]),
        credentials=tuple(bytes.fromhex(c) for c in opened["credentials"]),
        ballots=ballots,
        close=dict(by_kind["close"]),
        aggregates=tuple(bytes.fromhex(a) for a in by_kind["aggregates"]),
        decryption=dict(by_kind["decryption"]),
        results=list(by_kind["results"]),
        board=tuple(entries),
        head=entries[-1].hash,
    )


def manifest_payload(manifest: Manifest, source: RuleSource) -> dict[str, Any]:
    """What the board's ``manifest`` section holds (as ``Election`` posts it)."""
    return {
        "manifest": manifest.to_json(),
        "rule": rule_json(source),
        "roster": to_hex(roster_fingerprint(manifest)),
    }
