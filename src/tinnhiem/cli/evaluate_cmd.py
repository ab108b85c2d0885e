"""``tinnhiem evaluate``: evaluation beyond the poll (đánh giá ngoài phiếu tín nhiệm).

The heavy modules (numpy, scipy, openpyxl, weasyprint) are imported inside the command, so
``tinnhiem --help`` stays fast.
"""

from __future__ import annotations

import csv
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tinnhiem.cli.failure import exit_for
from tinnhiem.errors import InputError, TinnhiemError
from tinnhiem.text import spreadsheet_row

if TYPE_CHECKING:
    from rich.console import Console

    from tinnhiem.evaluation import EvaluationReport
    from tinnhiem.rules import PollCounts, Rule

__all__ = ["register"]


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"not a date: {text!r} (write 2025-12-31)", where="--at") from None


def _write_demo_files(directory: Path, seed: int) -> None:
    from tinnhiem.evaluation import demo_body, write_programme

    body = demo_body(seed)
    directory.mkdir(parents=True, exist_ok=True)
    write_programme(body.programme, directory / "programme.csv")
    write_programme(body.programme, directory / "programme.xlsx")
    _write_counts(directory / "poll.csv", [(n, p, c) for n, p, c in body.polls])
    for label, rows in body.history:
        _write_counts(directory / f"poll-{label}.csv", [(n, "", c) for n, c in rows.items()])
    for i, (_, rows) in enumerate(body.other_bodies, start=1):
        _write_counts(directory / f"other-body-{i}.csv", [(n, "", c) for n, c in rows.items()])


def _write_counts(path: Path, rows: list[tuple[str, str, PollCounts]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["official", "position", "high", "confident", "low", "returned", "issued", "invalid"]
        )
        for name, position, c in rows:
            writer.writerow(
                spreadsheet_row(
                    [name, position, c.high, c.confident, c.low, c.returned, c.issued, c.invalid]
                )
            )


def _demo_report(seed: int, policy_ref: str | None, draw_seed: int | None) -> EvaluationReport:
    from tinnhiem.evaluation import PollEntry, demo_body, evaluate_body, load_policy
    from tinnhiem.rules import evaluate_poll, load_rule

    body = demo_body(seed)
    rule = load_rule(body.rule)
    polls = [
        PollEntry(name, position, counts, evaluate_poll(rule, counts, members=None))
        for name, position, counts in body.polls
    ]
    policy = load_policy(policy_ref) if policy_ref else load_policy()
    return evaluate_body(
        body.programme,
        polls,
        policy,
        at=body.at,
        rule_label=rule.id,
        history=body.history,
        other_bodies=body.other_bodies,
        seed=draw_seed,
    )


def _labelled(values: list[str], option: str) -> list[tuple[str, Path]]:
    out = []
    for value in values:
        label, sep, path = value.partition("=")
        if not sep or not label.strip() or not path.strip():
            raise InputError(f"write LABEL=FILE, got {value!r}", where=option)
        out.append((label.strip(), Path(path.strip())))
    return out


def _other_polls(
    values: list[str], option: str, rule: Rule
) -> list[tuple[str, dict[str, PollCounts]]]:
    from tinnhiem.rules.counts_csv import read_counts

    return [
        (label, {row.official: row.poll_counts() for row in read_counts(path, rule)})
        for label, path in _labelled(values, option)
    ]


def _file_report(
    programme_path: Path,
    poll_path: Path,
    rule_ref: str,
    policy_ref: str | None,
    at: date | None,
    bases: dict[str, int | None],
    draw_seed: int | None,
    others: dict[str, list[str]],
    label: str | None,
) -> EvaluationReport:
    from tinnhiem.evaluation import PollEntry, evaluate_body, load_policy, load_programme
    from tinnhiem.rules import RoundKind, load_rule
    from tinnhiem.rules.counts_csv import evaluate_rows, read_counts, with_defaults

    rule = load_rule(rule_ref)
    if rule.kind is not RoundKind.POLL:
        raise InputError(
            f"rule {rule.id} is a formal-vote rule; evaluate needs a poll rule", where="--rule"
        )
    programme = load_programme(programme_path)
    rows = with_defaults(
        read_counts(poll_path, rule), issued=bases["issued"], returned=bases["returned"]
    )
    outcomes = evaluate_rows(
        rule,
        rows,
        str(poll_path),
        members=bases["members"],
        present=bases["present"],
        summoned=bases["summoned"],
    )
    polls = [
        PollEntry(row.official, row.position, row.poll_counts(), outcome)
        for row, outcome in zip(rows, outcomes, strict=True)
    ]
    policy = load_policy(policy_ref) if policy_ref else load_policy()
    return evaluate_body(
        programme,
        polls,
        policy,
        at=at or programme.cycle_end,
        rule_label=rule.id,
        round_label=label or "",
        history=_other_polls(others["history"], "--history", rule),
        other_bodies=_other_polls(others["other_body"], "--other-body", rule),
        seed=draw_seed,
    )


def _print_report(report: EvaluationReport, console: Console) -> None:
    from rich.table import Table

    from tinnhiem.evaluation import BODY_POLICY_VI, format_points
    from tinnhiem.rules import format_date_vi, format_number, format_percent_vi

    def _n(x: float | Fraction, d: int) -> str:
        return format_number(x, d)

    def _sn(x: float, d: int) -> str:
        return ("+" if x >= 0 else "") + format_number(x, d)

    p = report.policy
    console.print(
        f"[bold]{report.programme.body}[/bold] — {report.programme.title}\n"
        f"Đánh giá {format_date_vi(report.at)} · quy định {report.rule_label} · "
        f"chính sách {p.id} v{p.version} "
        f"({'khóa từ ' + format_date_vi(p.locked_on) if p.locked_on else 'chưa khóa'})\n"
        f"SHA-256 {p.sha256}",
        highlight=False,
    )
    console.print(f"[italic]{BODY_POLICY_VI}[/italic]", highlight=False)
    spi = report.scores.schedule_index
    console.print(
        f"Điểm chương trình / programme score {format_percent_vi(report.scores.score)}% · "
        f"SPI {'—' if spi is None else f'{_n(spi, 2)}'}",
        highlight=False,
    )
    level = round(100 * float(p.interval_level))
    share_name = "cao" if p.confidence_share == "high" else "cao+TN"
    table = Table(
        title="Đánh giá / Evaluation (kiểm phiếu giữ nguyên / legal tally unchanged)",
        show_lines=False,
    )
    for head, justify in (
        ("#", "right"),
        ("Người được lấy phiếu\nOfficial", "left"),
        ("Cao/TN/Thấp (N)\nHigh/Conf/Low", "right"),
        ("Ngưỡng\nBand", "left"),
        ("Công việc\nWork", "right"),
        (f"Tỷ lệ {share_name}\nShare", "right"),
        (f"Wilson\n{level}%", "right"),
        (f"Jeffreys\n{level}%", "right"),
        ("Co về\nShrunk", "right"),
        ("Gợi ý xem xét\nFlag for review", "left"),
        ("Điểm\nPoints", "right"),
        ("Xếp loại\nRating", "left"),
    ):
        table.add_column(head, justify=justify, no_wrap=head.startswith("Người"))  # type: ignore[arg-type]
    for i, r in enumerate(report.officials, start=1):
        c = r.poll.counts if r.poll else None
        outcome = r.poll.outcome if r.poll else None
        s = r.share
        f = r.flag
        flag = ""
        if f is not None and f.flag is not None:
            flag = (
                f"[yellow]{f.flag.text_vi}[/yellow] (z={_n(f.z, 1)}, "
                f"{_n(100 * (f.frequency or 0), 0)}% lần rút)"
            )
        table.add_row(
            str(i),
            r.official,
            f"{c.high}/{c.confident}/{c.low} ({outcome.base if outcome else '?'})" if c else "—",
            outcome.band.formula() if outcome and outcome.band else "",
            "—" if r.work is None else f"{format_percent_vi(r.work.score)}%",
            "—" if s is None else f"{format_percent_vi(s.share)}%",
            "—" if s is None else f"{_n(100 * s.wilson.low, 1)}–{_n(100 * s.wilson.high, 1)}",
            "—" if s is None else f"{_n(100 * s.jeffreys.low, 1)}–{_n(100 * s.jeffreys.high, 1)}",
            "—" if s is None else f"{_n(100 * s.shrunk, 1)}",
            flag,
            "—" if r.rating.points is None else format_points(r.rating.points),
            (r.rating.rating.short_vi + (" *" if r.rating.findings else ""))
            if r.rating.rating
            else "—",
        )
    console.print(table)
    for r in report.officials:
        for finding in r.rating.findings:
            console.print(
                f"* {r.official}: {finding.kind.value} {finding.level} — {finding.source} "
                "(xếp loại không hoàn thành / rated not completed)",
                highlight=False,
                markup=False,
            )
    combined = [(r, x) for r in report.officials for x in r.consequences]
    if combined:
        console.print("[bold]Hệ quả và nguồn / Consequences and their sources[/bold]")
        for r, x in combined:
            console.print(
                f"• {r.official}: {x.text_vi} / {x.text_en}", highlight=False, markup=False
            )
            for src in x.sources:
                console.print(
                    f"    ← {src.reference}: {src.detail} [{src.citation}]",
                    highlight=False,
                    markup=False,
                )
    trends = [
        r for r in report.officials if any(t.change is not None and t.change.clear for t in r.trend)
    ]
    if any(r.trend for r in report.officials):
        console.print(
            "[bold]Xu hướng qua các lần lấy phiếu / Trend across rounds[/bold] "
            "(chỉ thay đổi rõ; đủ trong --json/--xlsx / clear changes only; all in "
            "--json/--xlsx)",
            highlight=False,
        )
        for r in trends:
            steps = []
            for t in r.trend:
                text = (
                    f"{t.label} {format_percent_vi(t.share)}% "
                    f"[{_n(100 * t.wilson.low, 1)}–{_n(100 * t.wilson.high, 1)}]"
                )
                if t.change is not None:
                    mark = " rõ / clear" if t.change.clear else ""
                    text += (
                        f" ({_sn(100 * t.change.difference, 1)} điểm, "
                        f"{_sn(100 * t.change.interval.low, 1)}…"
                        f"{_sn(100 * t.change.interval.high, 1)}{mark})"
                    )
                steps.append(text)
            console.print(f"• {r.official}: " + " → ".join(steps), highlight=False, markup=False)
    sides = [r for r in report.officials if r.comparisons or r.hidden]
    if sides:
        console.print(
            "[bold]Cơ quan khác đánh giá cùng người / Other bodies rating the same official[/bold]"
        )
        for r in sides:
            for cmp in r.comparisons:
                mark = " rõ / clear" if cmp.clear else ""
                console.print(
                    f"• {r.official}: {cmp.first} {format_percent_vi(cmp.first_share)}% · "
                    f"{cmp.second} {format_percent_vi(cmp.second_share)}% — chênh / difference "
                    f"{_sn(100 * cmp.difference, 1)} ({_sn(100 * cmp.interval.low, 1)}…"
                    f"{_sn(100 * cmp.interval.high, 1)}{mark})",
                    highlight=False,
                    markup=False,
                )
            for label in r.hidden:
                console.print(
                    f"• {r.official}: {label} — không hiển thị, dưới {report.policy.min_group} "
                    f"người đánh giá / not shown, fewer than {report.policy.min_group} raters",
                    highlight=False,
                    markup=False,
                )
    console.print("[bold]Tỷ lệ xuất sắc / Excellent quota[/bold]")
    for q in report.quota:
        state = "đạt / ok" if q.ok else "[red]VƯỢT / exceeded[/red]"
        console.print(
            f"• {q.unit}: xuất sắc {q.excellent}, tốt {q.good}, tối đa "
            f"{q.quota} × {q.good} = {_n(q.limit, 2)} — {state}",
            highlight=False,
        )
    if report.flags is not None:
        fl = report.flags
        console.print(
            f"[bold]Gợi ý xem xét / Flags[/bold]: Theil–Sen, phần dư bỏ-một / leave-one-out, "
            f"|z| > {fl.threshold:g} và ≥ {_n(100 * fl.min_frequency, 0)}% "
            f"trong {fl.draws} lần rút "
            f"(seed {fl.seed})",
            highlight=False,
        )
        for f in fl.flagged():
            assert f.flag is not None
            console.print(
                f"• {f.official}: {f.flag.text_vi} / {f.flag.text_en} — z = {_n(f.z, 2)}, "
                f"đúng trong {_n(100 * (f.frequency or 0), 1)}% lần rút / holds in "
                f"{_n(100 * (f.frequency or 0), 1)}% of redraws",
                highlight=False,
                markup=False,
            )
        for vi, en in fl.caveats:
            console.print(f"  ! {vi} / {en}", highlight=False, markup=False)
    for note in report.notes:
        console.print(f"  · {note}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``evaluate`` command to ``app``."""

    @app.command("evaluate")
    def evaluate_command(
        programme: Annotated[
            Path | None,
            typer.Option("--programme", help="work programme, .csv or .xlsx (docs/evaluation.md)"),
        ] = None,
        poll: Annotated[
            Path | None,
            typer.Option(
                "--poll",
                help="poll counts CSV, as for `tinnhiem results` "
                "(official,position,high,confident,low[,returned,issued,invalid])",
            ),
        ] = None,
        rule: Annotated[
            str | None,
            typer.Option("--rule", help="poll rule id or .toml path (tinnhiem rules list)"),
        ] = None,
        policy: Annotated[
            str | None,
            typer.Option(
                "--policy", help="evaluation policy id or .toml path (default qd366-2025)"
            ),
        ] = None,
        at: Annotated[
            str | None,
            typer.Option("--at", help="evaluation date YYYY-MM-DD (default: the cycle's end)"),
        ] = None,
        returned: Annotated[
            int | None, typer.Option("--returned", min=0, help="ballots returned")
        ] = None,
        issued: Annotated[
            int | None, typer.Option("--issued", min=0, help="ballots issued")
        ] = None,
        members: Annotated[
            int | None, typer.Option("--members", min=0, help="members of the body")
        ] = None,
        present: Annotated[
            int | None, typer.Option("--present", min=0, help="people present")
        ] = None,
        summoned: Annotated[
            int | None, typer.Option("--summoned", min=0, help="people summoned")
        ] = None,
        seed: Annotated[
            int | None,
            typer.Option("--seed", help="seed of the posterior redraws (default: the policy's)"),
        ] = None,
        demo_seed: Annotated[
            int, typer.Option("--demo-seed", help="seed that generates the demo body")
        ] = 2025,
        history: Annotated[
            list[str] | None,
            typer.Option(
                "--history",
                help="an earlier round of the same body, LABEL=FILE.csv (repeat, "
                "oldest first): the trend",
            ),
        ] = None,
        other_body: Annotated[
            list[str] | None,
            typer.Option(
                "--other-body",
                help="another body rating the same officials, LABEL=FILE.csv "
                "(repeat): side by side",
            ),
        ] = None,
        label: Annotated[
            str | None,
            typer.Option("--label", help="this round's label in the trend (default: the year)"),
        ] = None,
        as_json: Annotated[
            bool,
            typer.Option("--json", help="print the report as JSON (schema tinnhiem.evaluation/1)"),
        ] = False,
        xlsx: Annotated[
            Path | None, typer.Option("--xlsx", help="write the report as XLSX")
        ] = None,
        pdf: Annotated[Path | None, typer.Option("--pdf", help="write the report as PDF")] = None,
        demo: Annotated[
            bool,
            typer.Option(
                "--demo", help="evaluate the seeded demo body (44 officials, 17 assignments)"
            ),
        ] = False,
        demo_files: Annotated[
            Path | None,
            typer.Option(
                "--demo-files", help="write the demo's programme.csv/.xlsx and poll.csv to DIR"
            ),
        ] = None,
    ) -> None:
        """Đánh giá kết quả công việc bên cạnh phiếu tín nhiệm / evaluate work beside the
        poll: scores, intervals, flags for review, rating suggestions."""
        from rich.console import Console

        try:
            if demo_files is not None:
                _write_demo_files(demo_files, demo_seed)
                typer.echo(
                    f"wrote programme.csv, programme.xlsx, poll.csv, poll-2024.csv, "
                    f"other-body-1.csv, other-body-2.csv to {demo_files}"
                )
                if not demo:
                    return
            if demo:
                report = _demo_report(demo_seed, policy, seed)
            else:
                missing = [
                    name
                    for name, value in (
                        ("--programme", programme),
                        ("--poll", poll),
                        ("--rule", rule),
                    )
                    if value is None
                ]
                if missing:
                    raise InputError(
                        f"missing {', '.join(missing)} (or use --demo)", where="evaluate"
                    )
                assert programme is not None and poll is not None and rule is not None
                bases = {
                    "returned": returned,
                    "issued": issued,
                    "members": members,
                    "present": present,
                    "summoned": summoned,
                }
                others = {"history": history or [], "other_body": other_body or []}
                report = _file_report(
                    programme, poll, rule, policy, _date(at), bases, seed, others, label
                )
            if xlsx is not None:
                from tinnhiem.evaluation import write_xlsx

                write_xlsx(report, xlsx)
            if pdf is not None:
                from tinnhiem.evaluation import write_pdf

                write_pdf(report, pdf)
        except TinnhiemError as exc:
            raise exit_for(exc) from None
        if as_json:
            from tinnhiem.codec import canonical_json
            from tinnhiem.evaluation import report_document

            typer.echo(canonical_json(report_document(report)).decode())
            return
        console = Console()
        if not console.is_terminal:  # a file or a pipe: wide enough for the whole table
            console = Console(width=180)
        _print_report(report, console)
        for path in (xlsx, pdf):
            if path is not None:
                console.print(f"→ {path}", highlight=False)
