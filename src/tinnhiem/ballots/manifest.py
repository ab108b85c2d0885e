"""The round manifest (định nghĩa vòng lấy phiếu): what is voted on, by whom, under which rule.

The manifest is fixed before the poll opens. Its canonical JSON, hashed together with the
committee's public key, is the election fingerprint that every proof and signature of the
round is bound to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from tinnhiem.ballots.codec import as_int as _int
from tinnhiem.ballots.codec import as_list as _list
from tinnhiem.ballots.codec import as_obj as _obj
from tinnhiem.ballots.codec import as_str as _str
from tinnhiem.ballots.codec import canonical_json, tagged_hash
from tinnhiem.errors import InputError

__all__ = [
    "BLANK_COLUMN",
    "CHOICE_ROW",
    "MANIFEST_VERSION",
    "MAX_CANDIDATES",
    "MAX_WEIGHT_BASE",
    "CommitteeMember",
    "Encoding",
    "ExemptOfficial",
    "ListSource",
    "Manifest",
    "Official",
    "PersonnelStep",
    "RevotePolicy",
    "RoundKind",
    "StepLink",
    "ceremony_fingerprint",
    "election_fingerprint",
    "encoding_for",
]

MANIFEST_VERSION = 1
MAX_WEIGHT_BASE = 2001
"""The largest B of a packed row: the tally's discrete log grows as B³ (2000 voters)."""


class Encoding(StrEnum):
    """How a row carries a mark (docs/record-format.md §3.1).

    ``packed``: one ciphertext per official, the levels as powers of B (B > voters; the
    discrete log of a column sum grows as B³, so at most 2000 voters). ``per_level``: one
    0/1 ciphertext per level, with a proof that each is 0 or 1 and that their sum is 0 or
    1; every column sum is at most the number of voters, so any electorate fits.
    """

    PACKED = "packed"
    PER_LEVEL = "per_level"


def encoding_for(summoned: int) -> Encoding:
    """The encoding a round of ``summoned`` voters uses: packed rows while they fit."""
    return Encoding.PACKED if summoned + 1 <= MAX_WEIGHT_BASE else Encoding.PER_LEVEL


class RoundKind(StrEnum):
    """``poll``: lấy phiếu tín nhiệm (three levels); ``formal_vote``: bỏ phiếu tín nhiệm;
    the personnel votes (bỏ phiếu nhân sự, docs/rules.md "Personnel votes"):
    ``choose_at_most`` (chọn tối đa k người trong danh sách) and ``agree_disagree``
    (đồng ý / không đồng ý đối với từng người)."""

    POLL = "poll"
    FORMAL_VOTE = "formal_vote"
    CHOOSE_AT_MOST = "choose_at_most"
    AGREE_DISAGREE = "agree_disagree"

    @property
    def personnel(self) -> bool:
        """A step of a personnel procedure (decided by ``rules.appointment.decide_step``)."""
        return self in (RoundKind.CHOOSE_AT_MOST, RoundKind.AGREE_DISAGREE)


#: The most candidates one personnel ballot lists (a choose row holds one ciphertext each).
MAX_CANDIDATES = 64

#: The id of a ``choose_at_most`` ballot's one row (its proofs are bound to it).
CHOICE_ROW = "choice"

#: What error messages call a choose row's last column, the blank indicator b (phiếu
#: trống / không chọn ai), when the manifest has one (``PersonnelStep.blank_column``).
BLANK_COLUMN = "blank"


class ListSource(StrEnum):
    """Where a personnel step's list of candidates comes from."""

    PLANNING = "planning"  # the body's planning list (danh sách quy hoạch)
    ENTERED = "entered"  # entered by the organiser
    PREVIOUS = "previous"  # who went on from the previous step (``advancing``)


@dataclass(frozen=True)
class StepLink:
    """The previous step's record this round follows: its round id, step and final board
    head and, when that step waited on a person, the digest of the settlement that made
    this round's list (docs/record-format.md §3.13)."""

    round_id: str
    step: str
    head: str  # 64 lowercase hex digits
    settlement: str | None = None  # 64 lowercase hex digits (tinnhiem.rules.settlement)
    #: ``"record"``: an electronic round's record, ``head`` its final board head;
    #: ``"paper"``: a paper round's entry log, ``head`` the log's head when its count was
    #: complete. Written only for paper (``"source": "paper"``).
    source: str = "record"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"round_id": self.round_id, "step": self.step, "head": self.head}
        if self.settlement is not None:
            out["settlement"] = self.settlement
        if self.source != "record":
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class PersonnelStep:
    """What a personnel round decides: the step ``step`` of the procedure (the manifest's
    rule), ``k`` (the most names a choose ballot may mark; 1 for agree/disagree), the post
    being filled, where the list came from and, after the first step, the link to the
    previous step's record.

    ``blank_column`` (choose ballots only): the row ends with a blank indicator b, one more
    0/1 ciphertext, and its check is the weighted sum ``Σ x_i + k·b`` in 1 … k, so b is
    exactly "this ballot names nobody" and its column counts the blank ballots
    (docs/crypto.md §6.3). Written ``"blank_column": true``; a manifest without it (the
    first personnel records) has the row without b, its sum in 0 … k.

    ``write_ins`` (a step whose procedure lets voters name other eligible people, e.g. NĐ
    170/2025 Điều 33 bước 3): the last ``write_ins`` candidates are not on the previous
    step's list; the list starts with exactly that step's ``advancing`` list. Written
    ``"write_ins": n`` when n >= 1 (docs/record-format.md §3.13)."""

    step: str
    k: int
    post: str
    list_source: ListSource
    previous: StepLink | None = None
    blank_column: bool = False
    write_ins: int = 0

    def to_json(self) -> dict[str, Any]:
        return (
            {
                "step": self.step,
                "k": self.k,
                "post": self.post,
                "list_source": self.list_source.value,
                "previous": None if self.previous is None else self.previous.to_json(),
            }
            | ({"blank_column": True} if self.blank_column else {})
            | ({"write_ins": self.write_ins} if self.write_ins else {})
        )


class RevotePolicy(StrEnum):
    """What a second ballot from the same credential does: refused, or replaces the first."""

    REJECT = "reject"
    LAST_COUNTS = "last_counts"


@dataclass(frozen=True)
class Official:
    """Người được lấy phiếu: an official on the ballot, in ballot order (``order`` from 1)."""

    id: str
    name: str
    post: str
    order: int


@dataclass(frozen=True)
class ExemptOfficial:
    """An official left off the ballot, with the reason (e.g. retirement notice)."""

    id: str
    name: str
    post: str
    reason: str


@dataclass(frozen=True)
class CommitteeMember:
    """Thành viên Ban kiểm phiếu: holds key share ``index`` (1..n)."""

    index: int
    name: str


@dataclass(frozen=True)
class Manifest:
    """The definition of one round (vòng lấy phiếu / bỏ phiếu).

    ``weight_base`` is B of the packed encoding (B > the number of voters);
    ``rule_version`` is the ``sha256:`` digest of the rule's text; ``members`` is the size
    of the body (tổng số thành viên), for rules whose base is all members (None: the
    number summoned); ``summoned`` is the number summoned to the conference.
    """

    round_id: str
    body: str
    title: str
    kind: RoundKind
    rule_id: str
    rule_version: str
    officials: tuple[Official, ...]
    summoned: int
    committee: tuple[CommitteeMember, ...]
    threshold: int
    weight_base: int
    exempt: tuple[ExemptOfficial, ...] = ()
    revote: RevotePolicy = RevotePolicy.REJECT
    date: str = ""
    members: int | None = None
    encoding: Encoding = Encoding.PACKED
    personnel: PersonnelStep | None = None
    version: int = field(default=MANIFEST_VERSION)

    def __post_init__(self) -> None:
        self.validate()

    # -- checks ---------------------------------------------------------------------------

    def validate(self) -> None:
        """Raise ``InputError`` naming the field when the manifest is inconsistent."""
        if self.version != MANIFEST_VERSION:
            raise InputError(
                f"unsupported manifest version {self.version}", where="manifest.version"
            )
        for name in ("round_id", "body", "rule_id", "rule_version"):
            if not getattr(self, name):
                raise InputError("must not be empty", where=f"manifest.{name}")
        if not self.officials:
            raise InputError("a round needs at least one official", where="manifest.officials")
        ids = [o.id for o in self.officials]
        for i, official in enumerate(self.officials):
            where = f"manifest.officials[{i}]"
            if not official.id or not official.name:
                raise InputError("id and name must not be empty", where=where)
            if official.id in ids[:i]:
                raise InputError(f"duplicate official id {official.id!r}", where=where)
            if official.order != i + 1:
                raise InputError(
                    f"order must be {i + 1} (ballot order), got {official.order}", where=where
                )
        for i, ex in enumerate(self.exempt):
            where = f"manifest.exempt[{i}]"
            if ex.id in ids:
                raise InputError(f"exempt official {ex.id!r} is also on the ballot", where=where)
            if not ex.reason:
                raise InputError("an exemption needs a reason", where=where)
        if self.summoned < 1:
            raise InputError("must be at least 1", where="manifest.summoned")
        if self.members is not None and self.members < 1:
            raise InputError("must be at least 1", where="manifest.members")
        n = len(self.committee)
        if n < 1:
            raise InputError("the committee needs members", where="manifest.committee")
        if [m.index for m in self.committee] != list(range(1, n + 1)):
            raise InputError("member indices must be 1..n in order", where="manifest.committee")
        if not 1 <= self.threshold <= n:
            raise InputError(f"threshold must be between 1 and {n}", where="manifest.threshold")
        if self.encoding is Encoding.PACKED and self.weight_base > MAX_WEIGHT_BASE:
            raise InputError(
                f"B={self.weight_base}: packed rows support at most {MAX_WEIGHT_BASE - 1} "
                "voters; a larger body uses the per-level encoding (encoding: per_level)",
                where="manifest.weight_base",
            )
        if self.weight_base <= self.summoned:
            raise InputError(
                f"B={self.weight_base} must exceed the number of voters ({self.summoned})",
                where="manifest.weight_base",
            )
        self._validate_personnel()

    def _validate_personnel(self) -> None:
        p = self.personnel
        if not self.kind.personnel:
            if p is not None:
                raise InputError(
                    f"a {self.kind.value} round has no personnel step", where="manifest.personnel"
                )
            return
        if p is None:
            raise InputError(
                f"a {self.kind.value} round names its procedure step", where="manifest.personnel"
            )
        if self.encoding is not Encoding.PER_LEVEL:
            raise InputError(
                "a personnel round uses one 0/1 ciphertext per candidate and option "
                "(encoding: per_level)",
                where="manifest.encoding",
            )
        if len(self.officials) > MAX_CANDIDATES:
            raise InputError(
                f"at most {MAX_CANDIDATES} candidates on one ballot", where="manifest.officials"
            )
        if self.exempt:
            raise InputError("a personnel round has no exempt list", where="manifest.exempt")
        if not p.step:
            raise InputError("must not be empty", where="manifest.personnel.step")
        if p.blank_column and self.kind is not RoundKind.CHOOSE_AT_MOST:
            raise InputError(
                "only a choose_at_most ballot has a blank column",
                where="manifest.personnel.blank_column",
            )
        limit = len(self.officials) if self.kind is RoundKind.CHOOSE_AT_MOST else 1
        if not 1 <= p.k <= limit:
            raise InputError(
                f"k must be between 1 and {limit} for a {self.kind.value} ballot",
                where="manifest.personnel.k",
            )
        if p.write_ins < 0 or (p.write_ins and p.previous is None):
            raise InputError(
                "write-ins follow a previous step's list: a whole number >= 1 on a linked step",
                where="manifest.personnel.write_ins",
            )
        if p.write_ins >= len(self.officials):
            raise InputError(
                f"{p.write_ins} write-ins leave nobody of the previous step's list on the ballot"
                f" of {len(self.officials)}",
                where="manifest.personnel.write_ins",
            )
        link = p.previous
        if (link is None) != (p.list_source is not ListSource.PREVIOUS):
            raise InputError(
                "a list taken from the previous step needs the link to its record, and only "
                "such a list has one",
                where="manifest.personnel.previous",
            )
        if link is not None:
            if not link.round_id or not link.step:
                raise InputError("round_id and step", where="manifest.personnel.previous")
            if len(link.head) != 64 or any(c not in "0123456789abcdef" for c in link.head):
                raise InputError(
                    "the head is 64 lowercase hex digits", where="manifest.personnel.previous.head"
                )
            if link.source not in ("record", "paper"):
                raise InputError(
                    "is 'paper' when present (a paper round's entry log)",
                    where="manifest.personnel.previous.source",
                )
            if link.settlement is not None and (
                len(link.settlement) != 64
                or any(c not in "0123456789abcdef" for c in link.settlement)
            ):
                raise InputError(
                    "the settlement digest is 64 lowercase hex digits",
                    where="manifest.personnel.previous.settlement",
                )

    def check_restart_from(self, previous: Manifest, accused: Sequence[int]) -> None:
        """Check that this manifest may follow ``previous`` when its key ceremony restarts
        after complaints against the members ``accused`` (indices in ``previous``).

        Only the committee may change: every accused member leaves (their name is gone),
        every other member stays, in the same order, and new members may take the places
        of those who left; indices are renumbered 1..n and ``t ≤ n`` still holds. Raises
        ``InputError`` naming what else changed.
        """
        where = "manifest.committee"
        mine, theirs = self.to_json(), previous.to_json()
        for key in sorted(set(mine) | set(theirs)):
            if key != "committee" and mine.get(key) != theirs.get(key):
                raise InputError(
                    f"a restart may change only the committee, not {key}", where=f"manifest.{key}"
                )
        if self.threshold != previous.threshold:
            raise InputError("a restart keeps the threshold t", where="manifest.threshold")
        known = {m.index for m in previous.committee}
        if not accused or any(a not in known for a in accused):
            raise InputError(
                f"the accused {list(accused)} are not members 1..{len(known)}", where=where
            )
        leaving = {m.name for m in previous.committee if m.index in set(accused)}
        staying = [m.name for m in previous.committee if m.index not in set(accused)]
        names = [m.name for m in self.committee]
        if leaving & set(names):
            raise InputError(
                f"an accused member is still on the committee: {sorted(leaving & set(names))}",
                where=where,
            )
        if [n for n in names if n in set(staying)] != staying:
            raise InputError(
                "every member not accused stays on the committee, in the same order", where=where
            )

    # -- derived --------------------------------------------------------------------------

    @property
    def official_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.officials)

    def official(self, official_id: str) -> Official:
        for o in self.officials:
            if o.id == official_id:
                return o
        raise InputError(f"no official {official_id!r} in this round", where="manifest")

    @property
    def choose_blank(self) -> bool:
        """A choose ballot whose row ends with the blank indicator b (``blank_column``)."""
        return (
            self.kind is RoundKind.CHOOSE_AT_MOST
            and self.personnel is not None
            and self.personnel.blank_column
        )

    @property
    def levels(self) -> int:
        """The marks a row may carry besides blank: 3 (poll), 2 (formal vote, and agree /
        disagree), one per candidate (a choose ballot's one row), and the blank indicator
        last when the choose row has one."""
        if self.kind is RoundKind.CHOOSE_AT_MOST:
            return len(self.officials) + self.choose_blank
        return 3 if self.kind is RoundKind.POLL else 2

    @property
    def row_ids(self) -> tuple[str, ...]:
        """The ids of a ballot's rows, in order: one per official, or the one
        ``CHOICE_ROW`` of a choose ballot (its levels are the candidates)."""
        if self.kind is RoundKind.CHOOSE_AT_MOST:
            return (CHOICE_ROW,)
        return self.official_ids

    @property
    def per_row(self) -> int:
        """Ciphertexts in one row: 1 (packed) or one per level."""
        return 1 if self.encoding is Encoding.PACKED else self.levels

    @property
    def columns(self) -> int:
        """Ciphertexts in one ballot, and so aggregates, decryption factors and sums:
        one per official (packed) or one per official and level, official by official
        (a choose ballot: one per candidate)."""
        return len(self.row_ids) * self.per_row

    def column_official(self, column: int) -> Official:
        """The official whose row holds ciphertext ``column`` of a ballot (a choose
        ballot's blank column: a stand-in named ``BLANK_COLUMN``)."""
        if self.kind is RoundKind.CHOOSE_AT_MOST:
            if column == len(self.officials) and self.choose_blank:
                return Official(BLANK_COLUMN, "Phiếu trống / blank ballots", "", column + 1)
            return self.officials[column]
        return self.officials[column // self.per_row]

    def sum_allowed(self) -> tuple[int, ...]:
        """What the (weighted, ``sum_weights``) sum of a per-level row's ciphertexts may
        be: 0 or 1 (at most one mark per row), 0 … k for a choose ballot without a blank
        column (at most k names), 1 … k with one (``Σ x_i + k·b``: b = 1 and no name, or
        b = 0 and 1 … k names)."""
        if self.kind is RoundKind.CHOOSE_AT_MOST:
            assert self.personnel is not None
            return tuple(range(int(self.choose_blank), self.personnel.k + 1))
        return (0, 1)

    def sum_weights(self) -> tuple[int, ...]:
        """The weight of each level in a per-level row's checked sum: 1 each, and k for a
        choose row's blank indicator."""
        if self.choose_blank:
            assert self.personnel is not None
            return (1,) * len(self.officials) + (self.personnel.k,)
        return (1,) * self.levels

    def allowed_values(self) -> tuple[int, ...]:
        """The plaintexts one ciphertext may encrypt (blank first).

        Packed poll: blank 0, low 1, confident B, high B². Packed formal vote: blank 0, no
        confidence 1, confidence B. Per level: 0 or 1 (each level, and their sum).
        """
        if self.encoding is Encoding.PER_LEVEL:
            return (0, 1)
        b = self.weight_base
        if self.kind is RoundKind.POLL:
            return (0, 1, b, b * b)
        return (0, 1, b)

    def dlog_bound(self, voters: int) -> int:
        """The largest column sum ``voters`` ballots can reach, for the dlog table."""
        return max(self.allowed_values()) * voters

    # -- serialisation ---------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return (
            {
                "version": self.version,
                "round_id": self.round_id,
                "body": self.body,
                "title": self.title,
                "kind": self.kind.value,
                "rule": {"id": self.rule_id, "version": self.rule_version},
                "officials": [
                    {"id": o.id, "name": o.name, "post": o.post, "order": o.order}
                    for o in self.officials
                ],
                "exempt": [
                    {"id": e.id, "name": e.name, "post": e.post, "reason": e.reason}
                    for e in self.exempt
                ],
                "summoned": self.summoned,
                "members": self.members,
                "committee": {
                    "threshold": self.threshold,
                    "members": [{"index": m.index, "name": m.name} for m in self.committee],
                },
                "weight_base": self.weight_base,
                "revote": self.revote.value,
                "date": self.date,
            }
            | ({} if self.encoding is Encoding.PACKED else {"encoding": self.encoding.value})
            | ({} if self.personnel is None else {"personnel": self.personnel.to_json()})
        )

    @classmethod
    def from_json(cls, data: Any, *, where: str = "manifest") -> Manifest:
        """Rebuild a manifest from its JSON form; ``InputError`` says which field is wrong."""
        d = _obj(data, where)
        try:
            rule = _obj(d["rule"], f"{where}.rule")
            committee = _obj(d["committee"], f"{where}.committee")
            return cls(
                version=_int(d["version"], f"{where}.version"),
                round_id=_str(d["round_id"], f"{where}.round_id"),
                body=_str(d["body"], f"{where}.body"),
                title=_str(d["title"], f"{where}.title"),
                kind=_enum(RoundKind, d["kind"], f"{where}.kind"),
                rule_id=_str(rule["id"], f"{where}.rule.id"),
                rule_version=_str(rule["version"], f"{where}.rule.version"),
                officials=tuple(
                    Official(
                        id=_str(o["id"], f"{where}.officials[{i}].id"),
                        name=_str(o["name"], f"{where}.officials[{i}].name"),
                        post=_str(o["post"], f"{where}.officials[{i}].post"),
                        order=_int(o["order"], f"{where}.officials[{i}].order"),
                    )
                    for i, o in enumerate(_list(d["officials"], f"{where}.officials"))
                ),
                exempt=tuple(
                    ExemptOfficial(
                        id=_str(e["id"], f"{where}.exempt[{i}].id"),
                        name=_str(e["name"], f"{where}.exempt[{i}].name"),
                        post=_str(e["post"], f"{where}.exempt[{i}].post"),
                        reason=_str(e["reason"], f"{where}.exempt[{i}].reason"),
                    )
                    for i, e in enumerate(_list(d["exempt"], f"{where}.exempt"))
                ),
                summoned=_int(d["summoned"], f"{where}.summoned"),
                members=(None if d["members"] is None else _int(d["members"], f"{where}.members")),
                committee=tuple(
                    CommitteeMember(
                        index=_int(m["index"], f"{where}.committee.members[{i}].index"),
                        name=_str(m["name"], f"{where}.committee.members[{i}].name"),
                    )
                    for i, m in enumerate(_list(committee["members"], f"{where}.committee"))
                ),
                threshold=_int(committee["threshold"], f"{where}.committee.threshold"),
                weight_base=_int(d["weight_base"], f"{where}.weight_base"),
                revote=_enum(RevotePolicy, d["revote"], f"{where}.revote"),
                date=_str(d["date"], f"{where}.date"),
                encoding=(
                    _enum(Encoding, d["encoding"], f"{where}.encoding")
                    if "encoding" in d
                    else Encoding.PACKED
                ),
                personnel=(
                    _personnel(d["personnel"], f"{where}.personnel") if "personnel" in d else None
                ),
            )
        except KeyError as exc:
            raise InputError(f"missing field {exc.args[0]!r}", where=where) from exc
        except TypeError as exc:
            raise InputError(f"malformed: {exc}", where=where) from exc

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.to_json())


def election_fingerprint(manifest: Manifest, committee_public_key: bytes) -> bytes:
    """Dấu vân tay của cuộc bỏ phiếu: SHA-256 over the canonical manifest and the public key."""
    if len(committee_public_key) != 32:
        raise InputError("the committee public key must be 32 bytes", where="fingerprint")
    return tagged_hash("tinnhiem/fingerprint/v1", manifest.canonical_bytes(), committee_public_key)


def _personnel(data: Any, where: str) -> PersonnelStep:
    d = _obj(data, where)
    link = d["previous"]
    previous = None
    if link is not None:
        ld = _obj(link, f"{where}.previous")
        previous = StepLink(
            round_id=_str(ld["round_id"], f"{where}.previous.round_id"),
            step=_str(ld["step"], f"{where}.previous.step"),
            head=_str(ld["head"], f"{where}.previous.head"),
            settlement=(
                _str(ld["settlement"], f"{where}.previous.settlement")
                if "settlement" in ld
                else None
            ),
        )
        if "source" in ld:
            if ld["source"] != "paper":
                raise InputError(
                    "is 'paper' when present (an electronic record's link omits it)",
                    where=f"{where}.previous.source",
                )
            previous = replace(previous, source="paper")
    if "blank_column" in d and d["blank_column"] is not True:
        raise InputError(
            "is true when present (a choose row without a blank column omits it)",
            where=f"{where}.blank_column",
        )
    write_ins = 0
    if "write_ins" in d:
        write_ins = _int(d["write_ins"], f"{where}.write_ins")
        if write_ins < 1:
            raise InputError(
                "is a whole number >= 1 when present (a list without write-ins omits it)",
                where=f"{where}.write_ins",
            )
    return PersonnelStep(
        step=_str(d["step"], f"{where}.step"),
        k=_int(d["k"], f"{where}.k"),
        post=_str(d["post"], f"{where}.post"),
        list_source=_enum(ListSource, d["list_source"], f"{where}.list_source"),
        previous=previous,
        blank_column="blank_column" in d,
        write_ins=write_ins,
    )


def _enum(kind: Any, value: Any, where: str) -> Any:
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(repr(k.value) for k in kind)
        raise InputError(f"{value!r} is not one of {allowed}", where=where) from exc


def ceremony_fingerprint(manifest: Manifest) -> bytes:
    """The Fiat-Shamir context of the key ceremony, before the public key exists: H(manifest)."""
    return tagged_hash("tinnhiem/ceremony/v1", manifest.canonical_bytes())
