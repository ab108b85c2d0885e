"""``tinnhiem demo``: a whole confidence poll with nothing to set up (vòng lấy phiếu mẫu).

Generates a realistic round of one of three bodies (``--body``): a provincial People's
Council (``hdnd``, the default: 25 officials, 72 delegates voting, rule nq96-2023), a
provincial Party executive committee (``party``, rule qd96-2023) or the National Assembly
(``quochoi``: 44 officials, 480 deputies voting, rule nq96-2023). It runs the real key
ceremony of a 5-member counting committee (Ban kiểm phiếu) with threshold 3, encrypts and
checks every ballot, tallies, decrypts with one member absent, applies the rule, writes the election
record, verifies it from the file, and prints the results and the time of each phase.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tinnhiem.ballots import RoundKind, default_workers
from tinnhiem.cli.verify_cmd import run_verification
from tinnhiem.errors import InputError, TinnhiemError
from tinnhiem.poll.demo import BODIES, DemoConfig, DemoRun, run_demo
from tinnhiem.poll.personnel import run_demo_steps
from tinnhiem.record import ElectionRecord, RecordInvalid, open_record, read_record, write_record
from tinnhiem.record.link import verify_link
from tinnhiem.rules import format_number, format_percent_vi
from tinnhiem.tally import (
    OfficialResult,
    ProcedureText,
    RuleSource,
    cite_text,
    load_procedure_text,
    load_rule_source,
)
from tinnhiem.text import format_date_vi

__all__ = ["register", "results_table"]

PHASE_LABELS = {
    "setup": "Thiết lập vòng / round set-up",
    "key_ceremony": "Lễ tạo khóa (DKG) / key ceremony",
    "credentials": "Cấp thẻ cử tri / credentials issued",
    "encrypt": "Mã hóa lá phiếu / encrypting ballots",
    "cast": "Nhận và kiểm tra phiếu / casting and checking",
    "tally": "Cộng dồn bản mã / homomorphic tally",
    "decrypt": "Giải mã ngưỡng / threshold decryption",
    "results": "Áp dụng quy định / applying the rule",
    "write": "Ghi hồ sơ / writing the record",
    "verify": "Kiểm chứng hồ sơ / verifying the record",
}


def _band_text(result: OfficialResult, symbol: str = "L") -> str:
    band = result.outcome.band
    return "—" if band is None else band.formula(symbol)


def results_table(run: DemoRun) -> Table:
    """The tally minutes as a Rich table (one row per official)."""
    election = run.election
    manifest = election.manifest
    poll = manifest.kind is RoundKind.POLL
    levels = ("high", "confident", "low") if poll else ("confidence", "no_confidence")
    heads = (
        {"high": "Cao", "confident": "TN", "low": "Thấp"}
        if poll
        else {"confidence": "TN", "no_confidence": "Không TN"}
    )
    table = Table(title=f"{manifest.title}\n{manifest.body}", show_lines=False)
    table.add_column("STT", justify="right")
    table.add_column("Họ và tên / Name", no_wrap=True)
    table.add_column("Chức vụ / Post", max_width=40, no_wrap=True, overflow="ellipsis")
    for level in levels:
        table.add_column(heads[level], justify="right")
        table.add_column("%", justify="right")
    table.add_column("Trống", justify="right")
    table.add_column("Mức / Band", no_wrap=True)
    assert isinstance(election.rule, RuleSource)
    symbol = election.rule.rule.measure_symbol
    for r in election.results():
        pct = r.percentages
        cells = [str(r.official.order), r.official.name, r.official.post]
        for level in levels:
            cells += [str(r.counts[level]), pct[level].replace(".", ",")]
        style = "bold red" if r.outcome.band is not None else None
        table.add_row(*cells, str(r.blank), _band_text(r, symbol), style=style)
    return table


def _print_consequences(console: Console, run: DemoRun) -> None:
    results = run.election.results()
    flagged = [r for r in results if r.outcome.band is not None]
    console.print(f"\n[bold]Hệ quả theo quy định {run.election.rule.id} / consequences[/]")
    if not flagged:
        console.print("  Không ai thuộc mức phải xử lý / nobody falls in a band.")
    assert isinstance(run.election.rule, RuleSource)
    rule = run.election.rule.rule
    for r in flagged:
        band = r.outcome.band
        assert band is not None
        vi, en = rule.label(band.measure)
        console.print(
            f"  {r.official.order}. {r.official.name} — {r.official.post}: "
            f"{vi} / {en} {r.counts[band.measure]}/{r.outcome.base} "
            f"= {format_percent_vi(r.outcome.percentages[band.measure])}% "
            f"({band.formula(rule.measure_symbol)}): {band.title_vi}",
            highlight=False,
        )
        for c in r.outcome.consequences:
            console.print(
                f"     • {c.text_vi} / {c.text_en} [{c.citation}]", highlight=False, markup=False
            )
    q = results[0].outcome.quorum if results else None
    if q is not None:
        console.print(f"  Điều kiện hội nghị / quorum: {q.describe()}", highlight=False)
    exempt = run.election.manifest.exempt
    if exempt:
        console.print("[bold]Không lấy phiếu / exempt (not on the ballot)[/]")
        for e in exempt:
            console.print(f"  {e.name} — {e.post}: {e.reason}", highlight=False)


def demo(
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="poll: một vòng lấy phiếu tín nhiệm / a confidence poll; appointment: quy "
            "trình bổ nhiệm và bổ nhiệm lại (mỗi bước một hồ sơ trong --out) / a whole "
            "appointment and a reappointment, one record per step in the --out folder.",
        ),
    ] = "poll",
    body: Annotated[
        str,
        typer.Option(
            help="Cơ quan mẫu / demo body: hdnd (HĐND tỉnh), party (Ban Chấp hành Đảng bộ "
            "tỉnh), quochoi (Quốc hội)."
        ),
    ] = "hdnd",
    officials: Annotated[
        int | None, typer.Option(min=1, help="Số người được lấy phiếu (mặc định theo cơ quan).")
    ] = None,
    voters: Annotated[
        int | None, typer.Option(min=1, help="Số người bỏ phiếu (mặc định theo cơ quan).")
    ] = None,
    rule: Annotated[
        str | None, typer.Option(help="Quy định / rule id or .toml file (mặc định theo cơ quan).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Tệp hồ sơ / record file (.json or .json.gz).")] = Path(
        "out/demo-record.json"
    ),
    seed: Annotated[int, typer.Option(help="Hạt giống danh sách và phiếu / roster seed.")] = 2026,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Số tiến trình / processes (mặc định: mọi lõi / all cores)."),
    ] = None,
) -> None:
    """Chạy một vòng lấy phiếu mẫu đầy đủ / run a complete demonstration poll."""
    console = Console()
    if not console.is_terminal:
        console = Console(width=150)  # a file or a pipe: keep the table's rows on one line
    err = Console(stderr=True)
    n = workers or default_workers()
    if kind == "appointment":
        folder = Path("out/appointment") if out == Path("out/demo-record.json") else out
        run_appointment_demo(folder, console, err, workers=n)
        return
    if kind != "poll":
        err.print(f"[bold red]Lỗi / error[/]: --kind is poll or appointment, not {kind!r}")
        raise typer.Exit(2)
    try:
        if body not in BODIES:
            raise InputError(f"unknown body {body!r}; use {', '.join(BODIES)}", where="--body")
        source = load_rule_source(rule or BODIES[body].rule)
        config = DemoConfig(officials=officials, voters=voters, seed=seed, body=body)
        started = time.perf_counter()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=err, transient=True) as bar:

            def phase(name: str, total: int) -> Callable[[int], None] | None:
                task = bar.add_task(PHASE_LABELS.get(name, name), total=total or None)
                if not total:
                    return None
                return lambda k: bar.advance(task, k)

            run = run_demo(config, source, workers=n, phase=phase)
        console.print(results_table(run))
        _print_consequences(console, run)
        t0 = time.perf_counter()
        path = write_record(run.election.record(), out)
        run.timings["write"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = run_verification(open_record(path), workers=n, console=err)
        run.timings["verify"] = time.perf_counter() - t0
    except RecordInvalid as exc:
        err.print(f"[bold red]Hồ sơ không hợp lệ / the record does not verify[/]: {exc}")
        raise typer.Exit(1) from exc
    except TinnhiemError as exc:
        err.print(f"[bold red]Lỗi / error[/]: {exc}", highlight=False)
        raise typer.Exit(2) from exc
    total = time.perf_counter() - started
    manifest = run.election.manifest
    counted = len(run.election.counted())
    decryption = run.election.engine.store.section("decryption") or {}
    console.print(
        f"\nPhiếu phát ra {len(run.election.credentials)}, thu về {counted}, bị từ chối "
        f"{run.rejected}; Ban kiểm phiếu {len(manifest.committee)} người (ngưỡng t = "
        f"{manifest.threshold}), thành viên giải mã {decryption.get('present', [])}",
        highlight=False,
    )
    timing = Table(title="Thời gian / time per phase", show_header=True)
    timing.add_column("Giai đoạn / phase")
    timing.add_column("giây / s", justify="right")
    for name, seconds in run.timings.items():
        timing.add_row(PHASE_LABELS.get(name, name), format_number(seconds, 2))
    timing.add_row("[bold]Tổng / total[/]", f"[bold]{format_number(total, 2)}[/]")
    console.print(timing)
    rows = max(1, report.rows)
    console.print(
        f"[bold green]Hồ sơ hợp lệ / record verified[/]: {path} "
        f"({format_number(path.stat().st_size / 1e6, 1)} MB), {report.ballots} lá phiếu, "
        f"{format_number(1000 * report.timings.get('ballots', 0.0) / rows, 3)} ms/dòng trên "
        f"{n} tiến trình",
        highlight=False,
    )
    console.print(f"Kiểm chứng lại / verify again: tinnhiem verify {path}", highlight=False)


def step_table(record: ElectionRecord) -> Table:
    """A personnel step's minutes as a table: each candidate's count and exact share."""
    m = record.manifest
    r = record.results
    assert isinstance(r, dict) and m.personnel is not None
    agree = m.kind is RoundKind.AGREE_DISAGREE
    day = _date_vi(m.date)
    table = Table(title=f"{m.title}\n{m.body}{', ' + day if day else ''}")
    table.add_column("STT", justify="right")
    table.add_column("Họ và tên / Name", no_wrap=True)
    table.add_column("Chức vụ / Post", no_wrap=True)
    table.add_column("Đồng ý / agree" if agree else "Số phiếu / votes", justify="right")
    table.add_column(f"% / {r['base']}", justify="right")
    if agree:
        table.add_column("Không đồng ý / disagree", justify="right")
        table.add_column("Trống / blank", justify="right")
    table.add_column("Đạt ngưỡng / reached")
    for o, c in zip(m.officials, r["candidates"], strict=True):
        cells = [str(o.order), o.name, o.post, str(c["votes"]), c["percentage"].replace(".", ",")]
        if agree:
            cells += [str(c["disagree"]), str(c["blank"])]
        cells.append(
            "có / yes" if c["reached"] else ("đúng ngưỡng / exactly" if c["at_threshold"] else "—")
        )
        table.add_row(*cells)
    if "blank" in r:  # a choose step whose ballots carry the blank column
        table.caption = f"Phiếu trống (không chọn ai) / blank ballots: {r['blank']}"
    return table


def _date_vi(iso: str) -> str:
    """``2026-03-12`` → ``ngày 12 tháng 3 năm 2026`` (tinnhiem.text.format_date_vi); the text
    as is if not a date."""
    try:
        return format_date_vi(dt.date.fromisoformat(iso))
    except ValueError:
        return iso


def print_step_decision(console: Console, record: ElectionRecord, proc: ProcedureText) -> None:
    """The step's outcome, who goes on, and every clause that decided it (marked when it
    was not confirmed against the text)."""
    r = record.results
    assert isinstance(r, dict)
    names = {o.id: o.name for o in record.manifest.officials}
    cites = {c.key: c for c in proc.procedure.citations}
    on = ", ".join(names.get(c, c) for c in r["advancing"]) or "—"
    console.print(
        f"  Kết quả / outcome: [bold]{r['status']}[/]; vào bước sau / goes on: {on}"
        + (f" → {r['next_step']}" if r["next_step"] else ""),
        highlight=False,
    )
    if r["pending"]:
        console.print(
            "  [bold yellow]Cần người có thẩm quyền quyết định / a person must decide[/]: "
            + ", ".join(names.get(c, c) for c in r["concerned"]),
            highlight=False,
        )
    if not r["announce_at_meeting"]:
        console.print(
            "  Kết quả không công bố tại hội nghị / not announced at the meeting", highlight=False
        )
    for reason in r["reasons"]:
        cite = cites.get(reason["cite"])
        where = cite_text(cite) if cite is not None else reason["cite"]
        console.print(f"   • {reason['text_vi']}", highlight=False, markup=False)
        console.print(f"     ↳ {where}", highlight=False, markup=False, style="dim")
    src = proc.procedure.source
    if src.superseded_by:
        console.print(
            f"  [yellow]Văn bản đã được thay thế / superseded[/]: {src.superseded_by}",
            highlight=False,
        )


def run_appointment_demo(folder: Path, console: Console, err: Console, *, workers: int) -> None:
    """``tinnhiem demo --kind appointment``: every step's round, record, check and minutes."""
    try:
        steps = run_demo_steps()
        folder.mkdir(parents=True, exist_ok=True)
        paths: dict[str, Path] = {}
        for demo_step, record in steps:
            path = write_record(record, folder / f"{demo_step.name}.json")
            proc = load_procedure_text(demo_step.procedure)
            console.print(step_table(record))
            print_step_decision(console, record, proc)
            report = run_verification(open_record(path), workers=workers, console=err)
            link = record.manifest.personnel.previous if record.manifest.personnel else None
            line = f"  [green]Hồ sơ hợp lệ / verified[/]: {path} ({report.ballots} lá phiếu)"
            command = f"tinnhiem verify {path}"
            if link is not None:
                before = paths[link.round_id]
                verify_link(read_record(path), read_record(before))
                line += f"; nối tiếp / follows {before.name} (đã kiểm tra / link checked)"
                command += f" --previous {before}"
            paths[record.manifest.round_id] = path
            console.print(line, highlight=False)
            console.print(f"  Kiểm chứng lại / verify again: {command}\n", highlight=False)
    except RecordInvalid as exc:
        err.print(f"[bold red]Hồ sơ không hợp lệ / the record does not verify[/]: {exc}")
        raise typer.Exit(1) from exc
    except TinnhiemError as exc:
        err.print(f"[bold red]Lỗi / error[/]: {exc}", highlight=False)
        raise typer.Exit(2) from exc


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the ``tinnhiem`` command."""
    app.command("demo")(demo)
