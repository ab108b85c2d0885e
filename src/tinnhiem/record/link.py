"""Linked personnel rounds (các bước nối tiếp): a step's record against the record of the
step whose result made its list (docs/record-format.md §3.13, §4 step 14).

``verify_link(record, previous)`` checks that the round names ``previous`` exactly (its
round id, its step and its final board head), that both follow the same procedure text,
and that the round's candidates are the previous step's ``advancing`` list, in order and
with the same names. Each record is verified on its own first (``verify_record``).
"""

from __future__ import annotations

from tinnhiem.record.errors import RecordInvalid
from tinnhiem.record.model import ElectionRecord

__all__ = ["verify_link"]


def _fail(where: str, message: str) -> RecordInvalid:
    return RecordInvalid("previous", message, where=where)


def verify_link(record: ElectionRecord, previous: ElectionRecord) -> None:
    """Raise ``RecordInvalid`` (check ``previous``) when ``record`` does not follow
    ``previous`` as its procedure says."""
    m = record.manifest
    where = "manifest.personnel.previous"
    if m.personnel is None:
        raise _fail("manifest.kind", f"a {m.kind.value} round is not a step of a procedure")
    link = m.personnel.previous
    if link is None:
        raise _fail(where, f"step {m.personnel.step} takes the eligible list: it links no record")
    pm = previous.manifest
    if pm.personnel is None or not isinstance(previous.results, dict):
        raise _fail(where, f"the previous record is a {pm.kind.value} round, not a step")
    if link.round_id != pm.round_id:
        raise _fail(f"{where}.round_id", f"is {link.round_id!r}, the record is {pm.round_id!r}")
    if link.step != pm.personnel.step:
        raise _fail(f"{where}.step", f"is {link.step!r}, the record is step {pm.personnel.step!r}")
    if link.head != previous.head.hex():
        raise _fail(
            f"{where}.head", "is not the previous record's final board head (another record?)"
        )
    if record.rule["digest"] != previous.rule["digest"]:
        raise _fail("rule.digest", "the two steps follow different procedure texts")
    advancing = previous.results.get("advancing")
    if previous.results.get("pending") or not advancing:
        raise _fail(
            "manifest.officials",
            "the previous step sent nobody on (it waits on a person's decision, or stopped)",
        )
    if list(m.official_ids) != list(advancing):
        raise _fail(
            "manifest.officials",
            f"the list is {list(m.official_ids)}, the previous step sent on {advancing}",
        )
    names = {o.id: o.name for o in pm.officials}
    for i, o in enumerate(m.officials):
        if names.get(o.id) != o.name:
            raise _fail(
                f"manifest.officials[{i}].name",
                f"is {o.name!r}, the previous step lists {o.id} as {names.get(o.id)!r}",
            )
