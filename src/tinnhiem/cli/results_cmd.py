"""``tinnhiem results``: apply a rule version to published counts read from a CSV file.

The CSV format (docs/results-json.md) is read by tinnhiem.rules.counts_csv:
``official,position,high,confident,low`` for a poll rule,
``official,position,confidence,no_confidence`` for a formal-vote rule, with optional
``issued``, ``returned``, ``invalid`` and printed ``*_pct`` columns.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from tinnhiem.cli.failure import exit_for
from tinnhiem.codec import canonical_json
from tinnhiem.errors import TinnhiemError
from tinnhiem.rules import Outcome, Rule, format_percent, format_percent_vi, load_rule

# The counts CSV and its evaluation live in the core (tinnhiem evaluate reads the same
# files); re-exported here for callers of the old place.
from tinnhiem.rules.counts_csv import CountRow, evaluate_rows, read_counts, with_defaults

__all__ = [
    "CountRow",
    "evaluate_rows",
    "read_counts",
    "register",
    "results_document",
    "with_defaults",
]

SCHEMA = "tinnhiem.results/1"


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
                        "citation_verified": c.cite is not None and c.cite.verified,
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
            cells.append(f"{out.counts[code]} ({format_percent_vi(out.percentages[code])}%)")
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
            raise exit_for(exc) from None
        if as_json:
            typer.echo(canonical_json(results_document(rule, rows, outcomes)).decode())
        else:
            _print_table(rule, rows, outcomes)
