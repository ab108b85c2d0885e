"""The tally minutes of an electronic round, from its election record.

The counts are the record's published results; the band and consequences are applied
again with the rule text the record itself carries (so the minutes cite exactly the rule
version the round ran under), and must agree with the record's own verdict. The board's
head hash is printed so that anyone can tie the paper minutes to the published record.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from tinnhiem.errors import InputError
from tinnhiem.record import ElectionRecord
from tinnhiem.reports.minutes import (
    CommitteeLine,
    MinutesData,
    TallyInput,
    committee_role,
    minutes_from_counts,
)
from tinnhiem.rules import Rule, RuleError, parse_rule

__all__ = ["minutes_from_record", "record_rule"]


def record_rule(record: ElectionRecord) -> Rule:
    """The rule version embedded in the record (``rule.text``)."""
    try:
        return parse_rule(tomllib.loads(record.rule["text"]), "record rule.text")
    except (tomllib.TOMLDecodeError, RuleError) as exc:
        raise InputError(
            f"the record's rule text is not a valid rule: {exc}", where="rule.text"
        ) from exc


def _result_field(result: dict[str, Any], name: str, index: int) -> Any:
    if name not in result:
        raise InputError(f"missing {name!r}", where=f"results[{index}]")
    return result[name]


def minutes_from_record(
    record: ElectionRecord,
    *,
    when: str | None = None,
    place: str = "",
    committee: Sequence[CommitteeLine] | None = None,
    session: str = "",
    opened_at: str = "",
    closed_at: str = "",
) -> MinutesData:
    """Minutes of an electronic round. ``when`` (YYYY-MM-DD) overrides the manifest's date;
    ``committee`` the signers (by default the key holders named in the manifest, the first
    as Trưởng ban, the second as Thư ký); the exempted people and their reasons come from
    the manifest."""
    manifest = record.manifest
    rule = record_rule(record)
    date = when or manifest.date
    if not date:
        raise InputError("the record has no date: give one (--date YYYY-MM-DD)", where="date")
    if not isinstance(record.results, list):
        raise InputError("a personnel step's minutes are not a confidence round's", where="results")
    by_id = {str(r.get("official")): (i, r) for i, r in enumerate(record.results)}
    officials, issued_returned = [], set()
    for official in manifest.officials:
        if official.id not in by_id:
            raise InputError(f"no result for official {official.id!r}", where="results")
        index, result = by_id[official.id]
        counts = _result_field(result, "counts", index)
        issued_returned.add(
            (
                int(_result_field(result, "issued", index)),
                int(_result_field(result, "returned", index)),
            )
        )
        officials.append(
            TallyInput(
                official.id,
                official.name,
                official.post,
                {str(k): int(v) for k, v in counts.items()},
                int(_result_field(result, "blank", index)),
            )
        )
    if len(issued_returned) != 1:
        raise InputError("results disagree on ballots issued/returned", where="results")
    ((issued, returned),) = issued_returned
    signers = (
        committee
        if committee is not None
        else [
            CommitteeLine(member.name, committee_role(i))
            for i, member in enumerate(manifest.committee)
        ]
    )
    minutes = minutes_from_counts(
        kind="electronic",
        round_id=manifest.round_id,
        title=manifest.title,
        body=manifest.body,
        when=date,
        rule=rule,
        officials=officials,
        issued=issued,
        returned=returned,
        members=manifest.members if manifest.members is not None else manifest.summoned,
        present=issued,
        summoned=manifest.summoned,
        committee=signers,
        place=place,
        session=session,
        opened_at=opened_at,
        closed_at=closed_at,
        exempt=[(e.name, e.post, e.reason) for e in manifest.exempt],
    )
    for row in minutes.rows:
        index, result = by_id[row.official_id]
        if result.get("band") != row.band_id:
            raise InputError(
                f"the record says band {result.get('band')!r}, its rule gives {row.band_id!r}",
                where=f"results[{index}].band",
            )
    return replace(minutes, board_head=record.head.hex())
