"""Independent double (or triple) entry (nhập phiếu độc lập), for ballots and for totals.

An *item* (one paper ballot by its serial, or the totals sheet) is entered separately by
``required`` operators, each on their own device. An operator opens a draft, sets, changes
and clears values field by field, and submits. An item counts only when every required
entry is in and, field by field, all entries agree; a field where they differ is a
*disagreement* (chênh lệch) until the committee reads the paper and records a *resolution*
(who resolved it and the value). Nothing here is ever deleted: the state is a fold over the
entry log's events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from tinnhiem.paper.errors import EntryRejected

__all__ = ["Disagreement", "DoubleEntryBook", "Draft", "Entry", "Resolution"]


@dataclass
class Draft:
    """An entry being typed (not yet submitted)."""

    item: str
    operator: str
    device: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """A submitted entry: what one operator read on one item."""

    item: str
    operator: str
    device: str
    values: Mapping[str, str]
    seq: int


@dataclass(frozen=True)
class Resolution:
    """The committee's reading of one disputed field, and who made it."""

    item: str
    field: str
    value: str
    resolved_by: str
    note: str
    seq: int


@dataclass(frozen=True)
class Disagreement:
    """A field on which the required entries differ: ``entered`` maps operator → value
    (``None`` where the operator entered nothing for that field)."""

    item: str
    field: str
    entered: tuple[tuple[str, str | None], ...]


@dataclass
class _Item:
    entries: list[Entry] = field(default_factory=list)
    drafts: dict[str, Draft] = field(default_factory=dict)
    resolutions: dict[str, Resolution] = field(default_factory=dict)
    flagged: dict[str, str] = field(default_factory=dict)  # field → why a reader doubts it
    machine: bool = False  # read by the scanner: its reading alone may count


class DoubleEntryBook:
    """Entries, drafts and resolutions for every item of one round."""

    def __init__(self, required: int, *, distinct_devices: bool = True) -> None:
        self.required = required
        self.distinct_devices = distinct_devices
        self._items: dict[str, _Item] = {}

    # --- actions (each validates first, then changes the state) ---

    def start(self, item: str, operator: str, device: str) -> None:
        state = self._items.setdefault(item, _Item())
        where = f"item {item}"
        if operator in state.drafts:
            raise EntryRejected(f"{operator} already has an open entry", where=where)
        if any(e.operator == operator for e in state.entries):
            raise EntryRejected(
                f"{operator} already submitted an entry; a second reading must come from "
                "another operator, and a difference is resolved by the committee",
                where=where,
            )
        capacity = self.required + (1 if state.machine else 0)
        if len(state.entries) + len(state.drafts) >= capacity:
            raise EntryRejected(
                f"already has its {capacity} entries (submitted or open)", where=where
            )
        used = [e.device for e in state.entries] + [d.device for d in state.drafts.values()]
        if self.distinct_devices and device in used:
            raise EntryRejected(
                f"device {device!r} was already used for this item; entries must be "
                "independent (another device)",
                where=where,
            )
        state.drafts[operator] = Draft(item, operator, device)

    def draft(self, item: str, operator: str) -> Draft:
        state = self._items.get(item)
        if state is None or operator not in state.drafts:
            raise EntryRejected(f"{operator} has no open entry", where=f"item {item}")
        return state.drafts[operator]

    def set_value(self, item: str, operator: str, key: str, value: str) -> None:
        self.draft(item, operator).values[key] = value

    def clear_value(self, item: str, operator: str, key: str) -> None:
        draft = self.draft(item, operator)
        if key not in draft.values:
            raise EntryRejected(f"{key} has no value to clear", where=f"item {item}")
        del draft.values[key]

    def cancel(self, item: str, operator: str) -> None:
        self.draft(item, operator)
        del self._items[item].drafts[operator]

    def submit(self, item: str, operator: str, values: Mapping[str, str], seq: int) -> Entry:
        """Close the draft with its final ``values`` (checked by the caller)."""
        draft = self.draft(item, operator)
        entry = Entry(item, operator, draft.device, dict(values), seq)
        state = self._items[item]
        del state.drafts[operator]
        state.entries.append(entry)
        return entry

    def resolve(
        self, item: str, key: str, value: str, resolved_by: str, note: str, seq: int
    ) -> Resolution:
        state = self._items.get(item)
        where = f"item {item}, {key}"
        if state is None or not self.is_complete(item):
            raise EntryRejected(
                f"not every required entry is in ({self.required} needed); "
                "resolve only after all readings",
                where=where,
            )
        if key not in state.resolutions and not self._differs(state, key):
            raise EntryRejected("the entries agree here; nothing to resolve", where=where)
        resolution = Resolution(item, key, value, resolved_by, note, seq)
        state.resolutions[key] = resolution
        return resolution

    def machine_read(self, item: str) -> None:
        """The scanner reads ``item``: one reading counts (when nothing in it is flagged), and
        room is kept for the operators' entries beside it."""
        self._items.setdefault(item, _Item()).machine = True

    def flag(self, item: str, key: str, reason: str) -> None:
        """A reader doubts ``key`` of ``item`` (a faint mark, two marks, …): the field is
        disputed until the committee resolves it."""
        self._items.setdefault(item, _Item()).flagged[key] = reason

    # --- queries ---

    def flags(self, item: str) -> Mapping[str, str]:
        state = self._items.get(item)
        return dict(state.flagged) if state else {}

    def items(self) -> tuple[str, ...]:
        return tuple(self._items)

    def entries(self, item: str) -> tuple[Entry, ...]:
        state = self._items.get(item)
        return tuple(state.entries) if state else ()

    def drafts(self) -> tuple[Draft, ...]:
        return tuple(d for state in self._items.values() for d in state.drafts.values())

    def resolutions(self, item: str) -> Mapping[str, Resolution]:
        state = self._items.get(item)
        return dict(state.resolutions) if state else {}

    def is_complete(self, item: str) -> bool:
        """All required entries are submitted."""
        state = self._items.get(item)
        if state is None:
            return False
        return len(state.entries) >= (1 if state.machine else self.required)

    def disagreements(self, item: str, keys: Iterable[str]) -> list[Disagreement]:
        """Unresolved differences among the submitted entries on ``keys``."""
        state = self._items.get(item)
        if state is None:
            return []
        return [
            Disagreement(item, key, tuple((e.operator, e.values.get(key)) for e in state.entries))
            for key in keys
            if key not in state.resolutions and self._differs(state, key)
        ]

    def final_value(self, item: str, key: str) -> str | None:
        """The resolved value, else the value all entries agree on, else ``None``."""
        state = self._items.get(item)
        if state is None or not self.is_complete(item):
            return None
        if key in state.resolutions:
            return state.resolutions[key].value
        if self._differs(state, key):
            return None
        return state.entries[0].values.get(key)

    @staticmethod
    def _differs(state: _Item, key: str) -> bool:
        return key in state.flagged or len({e.values.get(key) for e in state.entries}) > 1
