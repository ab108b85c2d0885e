"""``tinnhiem results``: apply a rule version to published counts read from a CSV file.

CSV columns (docs/results-json.md): ``official,position,high,confident,low`` for a poll
rule, ``official,position,confidence,no_confidence`` for a formal-vote rule; optional
``issued``, ``returned``, ``invalid`` per row, and optional printed percentages
(``high_pct``, ``confident_pct``, ``low_pct``, ``confidence_pct``, ``no_confidence_pct``)
that are checked against the counts.
"""

from __future__ import annotations

import csv
import io
import sys
import unicodedata
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tinnhiem.ballots.codec import canonical_json
from tinnhiem.errors import InputError, TinnhiemError
from tinnhiem.rules import (
    FormalCounts,
    Outcome,
    PollCounts,
    RoundKind,
    Rule,
    check_printed_percent,
    evaluate_formal,
    evaluate_poll,
    format_percent,
    load_rule,
)

__all__ = [
    "CountRow",
    "evaluate_rows",
    "read_counts",
    "register",
    "results_document",
    "with_defaults",
]

SCHEMA = "tinnhiem.results/1"
_OPTIONAL = ("issued", "returned", "invalid")
# Which option supplies a missing number the evaluator asked for (InputError.where).
_HINTS = {
    "members": " (option --members N)",
    "returned": " (option --returned N or a 'returned' column)",
    "quorum": " (options --present N --summoned N)",
}


@dataclass(frozen=True)
class CountRow:
    """One CSV row: who, and their counts by level (plus optional per-row base numbers)."""

    line: int
    official: str
    position: str
    counts: dict[str, int]
    issued: int | None
    returned: int | None
    invalid: int
    printed: dict[str, str]


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text.strip())


def _whole(value: str, where: str, column: str) -> int:
    text = value.strip()
    if not text.isdigit():
        raise InputError(f"column '{column}': '{value}' is not a whole number >= 0", where=where)
    return int(text)


def read_counts(path: Path, rule: Rule) -> list[CountRow]:
    """Read the counts CSV (UTF-8, with or without BOM); names are NFC-normalised."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the counts file: {exc.strerror}", where=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 (byte {exc.start}); save the CSV as UTF-8", where=name
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise InputError("the counts file is empty", where=name)
    columns = [_nfc(h).lower() for h in header]
    levels = list(rule.levels)
    required = ["official", "position", *levels]
    missing = [c for c in required if c not in columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)};"
            f" a {rule.kind} rule needs {','.join(required)}",
            where=f"{name}, line 1",
        )
    known = set(required) | set(_OPTIONAL) | {f"{lv}_pct" for lv in levels}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise InputError(f"unknown column(s) {', '.join(unknown)}", where=f"{name}, line 1")
    if len(set(columns)) != len(columns):
        raise InputError("a column name appears twice", where=f"{name}, line 1")
    rows: list[CountRow] = []
    for cells in reader:
        line = reader.line_num
        where = f"{name}, line {line}"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise InputError(f"expected {len(columns)} cells, got {len(cells)}", where=where)
        row = dict(zip(columns, cells, strict=True))
        official = _nfc(row["official"])
        if not official:
            raise InputError("column 'official' is empty", where=where)
        optional = {
            c: _whole(row[c], where, c) if row.get(c, "").strip() else None for c in _OPTIONAL
        }
        rows.append(
            CountRow(
                line=line,
                official=official,
                position=_nfc(row["position"]),
                counts={lv: _whole(row[lv], where, lv) for lv in levels},
                issued=optional["issued"],
                returned=optional["returned"],
                invalid=optional["invalid"] or 0,
                printed={lv: row[f"{lv}_pct"] for lv in levels if row.get(f"{lv}_pct", "").strip()},
            )
        )
    if not rows:
        raise InputError("no rows of counts", where=name)
    return rows


def with_defaults(
    rows: list[CountRow], *, issued: int | None, returned: int | None
) -> list[CountRow]:
    """Fill each row's missing ``issued``/``returned`` from the command-line values."""
    return [
        replace(
            row,
            issued=row.issued if row.issued is not None else issued,
            returned=row.returned if row.returned is not None else returned,
        )
        for row in rows
    ]


def evaluate_rows(
    rule: Rule,
    rows: list[CountRow],
    file: str,
    *,
    members: int | None,
    present: int | None,
    summoned: int | None,
) -> list[Outcome]:
    """Evaluate every row; an error names the CSV line and the reason.

    Rows without their own ``issued``/``returned`` take the command-line values (see
    ``with_defaults``).
    """
    outcomes: list[Outcome] = []
    for row in rows:
        where = f"{file}, line {row.line}"
        row_issued, row_returned = row.issued, row.returned
        try:
            if rule.kind is RoundKind.POLL:
                poll = PollCounts(
                    row_issued,
                    row_returned,
                    row.counts["high"],
                    row.counts["confident"],
                    row.counts["low"],
                    row.invalid,
                )
                outcome = evaluate_poll(
                    rule, poll, members=members, present=present, summoned=summoned
                )
            else:
                formal = FormalCounts(
                    row_issued,
                    row_returned,
                    row.counts["confidence"],
                    row.counts["no_confidence"],
                    row.invalid,
                )
                outcome = evaluate_formal(
                    rule, formal, members=members, present=present, summoned=summoned
                )
            for level, printed in row.printed.items():
                check_printed_percent(row.counts[level], outcome.base, printed, where=level)
        except InputError as exc:
            hint = _HINTS.get(exc.where or "", "")
            raise InputError(f"{row.official}: {exc}{hint}", where=where) from None
        outcomes.append(outcome)
    return outcomes


def _level_doc(count: int, base: int) -> dict[str, Any]:
    return {
        "count": count,
        "percent": format_percent(Fraction(count, base)),
        "exact": f"{count}/{base}",
    }


def results_document(rule: Rule, rows: list[CountRow], outcomes: list[Outcome]) -> dict[str, Any]:
    """The JSON document of docs/results-json.md (plain data: ints, strings, lists)."""
    quorum = outcomes[0].quorum
    results: list[dict[str, Any]] = []
    for row, out in zip(rows, outcomes, strict=True):
        band = out.band
        results.append(
            {
                "line": row.line,
                "official": row.official,
                "position": row.position,
                "base": out.base,
                "issued": row.issued,
                "returned": row.returned,
                "invalid": row.invalid,
                "unmarked": out.unmarked,
                "levels": {lv: _level_doc(n, out.base) for lv, n in out.counts.items()},
                "band": None
                if band is None
                else {
                    "id": band.id,
                    "title_vi": band.title_vi,
                    "title_en": band.title_en,
                    "formula": band.formula(rule.measure_symbol),
                },
                "consequences": [
                    {
                        "code": c.code,
                        "vi": c.text_vi,
                        "en": c.text_en,
                        "citation": c.citation,
                        "rule_id": c.rule_id,
                        "mandatory": c.mandatory,
                        "resignation": c.resignation,
                    }
                    for c in out.consequences
                ],
                "formal_vote": str(out.formal_vote),
                "formal_vote_follows": out.formal_vote_follows,
                "formal_rule": out.formal_rule,
                "resignation_open": out.resignation_open,
            }
        )
    return {
        "schema": SCHEMA,
        "rule": {
            "id": rule.id,
            "kind": str(rule.kind),
            "title_vi": rule.title_vi,
            "title_en": rule.title_en,
            "source": rule.source.document,
            "denominator": str(rule.denominator),
        },
        "quorum": {
            "status": str(quorum.status),
            "present": quorum.present,
            "summoned": quorum.summoned,
            "required": None if quorum.required is None else str(quorum.required),
            "inclusive": quorum.inclusive if quorum.required is not None else None,
            "citation": quorum.citation or None,
        },
        "results": results,
    }


def _print_table(rule: Rule, rows: list[CountRow], outcomes: list[Outcome]) -> None:
    console = Console(soft_wrap=False)
    console.print(f"[bold]{rule.id}[/bold] — {rule.title_vi}", highlight=False)
    console.print(f"  {rule.title_en}", highlight=False)
    base_name = (
        "phiếu thu về / ballots returned"
        if rule.denominator == "returned"
        else ("tổng số thành viên / all members")
    )
    console.print(f"Mẫu số N / base: {base_name}", highlight=False)
    console.print(outcomes[0].quorum.describe(), highlight=False)
    table = Table(show_lines=False)
    table.add_column("Dòng\nLine", justify="right")
    table.add_column("Người được lấy phiếu\nOfficial")
    table.add_column("Chức vụ\nPosition")
    table.add_column("N", justify="right")
    for code, vi, _ in rule.level_labels:
        table.add_column(f"{vi}\n{code}", justify="right")
    table.add_column("Khung\nBand", no_wrap=True)
    for row, out in zip(rows, outcomes, strict=True):
        cells = [str(row.line), row.official, row.position, str(out.base)]
        for code, _, _ in rule.level_labels:
            cells.append(f"{out.counts[code]} ({format_percent(out.percentages[code])}%)")
        cells.append(out.band.id if out.band else "—")
        table.add_row(*cells)
    console.print(table)
    for row, out in zip(rows, outcomes, strict=True):
        if not out.consequences and not out.notes:
            continue
        console.print(f"[bold]{row.official}[/bold] ({row.position}):", highlight=False)
        if out.band is not None:
            formula = out.band.formula(rule.measure_symbol)
            console.print(
                f"  {out.band.title_vi} / {out.band.title_en} [{formula}]", highlight=False
            )
        for c in out.consequences:
            console.print(
                f"  • {c.text_vi} / {c.text_en} ({c.rule_id}: {c.citation})",
                highlight=False,
                markup=False,
            )
        if out.formal_vote_follows:
            console.print(
                f"  → Bỏ phiếu tín nhiệm / formal vote follows ({out.formal_vote},"
                f" rule {out.formal_rule or rule.id})",
                highlight=False,
                markup=False,
            )
        for note in out.notes:
            console.print(f"  ! {note}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``results`` command to ``app``."""

    @app.command("results")
    def results_command(
        rule_ref: Annotated[
            str, typer.Option("--rule", help="rule id or path to a .toml rule file")
        ],
        counts: Annotated[
            Path, typer.Option("--counts", help="CSV: official,position,high,confident,low")
        ],
        returned: Annotated[
            int | None, typer.Option("--returned", min=0, help="ballots returned (thu về)")
        ] = None,
        members: Annotated[
            int | None, typer.Option("--members", min=0, help="members of the body")
        ] = None,
        issued: Annotated[
            int | None, typer.Option("--issued", min=0, help="ballots issued (phát ra)")
        ] = None,
        present: Annotated[
            int | None, typer.Option("--present", min=0, help="people present (có mặt)")
        ] = None,
        summoned: Annotated[
            int | None, typer.Option("--summoned", min=0, help="people summoned (triệu tập)")
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="print JSON (docs/results-json.md)")
        ] = False,
    ) -> None:
        """Áp dụng quy định vào số phiếu / apply a rule to the counts in a CSV file."""
        try:
            rule = load_rule(rule_ref)
            rows = with_defaults(read_counts(counts, rule), issued=issued, returned=returned)
            outcomes = evaluate_rows(
                rule,
                rows,
                str(counts),
                members=members,
                present=present,
                summoned=summoned,
            )
        except TinnhiemError as exc:
            print(f"tinnhiem: error: {exc}", file=sys.stderr)
            raise typer.Exit(2) from None
        if as_json:
            typer.echo(canonical_json(results_document(rule, rows, outcomes)).decode())
        else:
            _print_table(rule, rows, outcomes)
