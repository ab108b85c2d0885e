"""``tinnhiem verify RECORD``: re-check a whole election record (kiểm chứng hồ sơ).

Exit codes, one per class (docs/record-format.md §4.1): 0 the record is valid, 1 it is not
(the first failure is named: check and field), 2 it cannot be read as a record (not a file,
not gzip or UTF-8 JSON in the record's dialect, not a record of a supported version), 3 the
verification could not finish (an error of the verifier or its cluster, not of the
record), 4 the record is valid but a ``--tracker`` asked for is not on its board.

The record may be the JSON document or the streaming form (``.jsonl``, ``.jsonl.gz``,
verified in flat memory); ``--dask ADDRESS`` (or ``--dask local``) checks the ballots on a
Dask cluster (docs/record-format.md §6).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tinnhiem.ballots import default_workers, format_tracker
from tinnhiem.errors import InputError, TinnhiemError
from tinnhiem.paper import EntryLog, PaperSession
from tinnhiem.paper.errors import PaperInputError
from tinnhiem.paper.log import read_log
from tinnhiem.paper.personnel import PersonnelTally
from tinnhiem.paper.verify import PaperLogInvalid, is_paper_log, verify_paper_log
from tinnhiem.poll.personnel import StepSource, check_paper_step_link
from tinnhiem.record import (
    RecordInvalid,
    RecordUnreadable,
    VerificationReport,
    open_record,
    read_record,
    verify_record,
)
from tinnhiem.record.link import verify_link
from tinnhiem.record.model import ElectionRecord
from tinnhiem.record.runner import Runner, make_runner
from tinnhiem.record.stream import BallotSource
from tinnhiem.rules.percent import format_number, format_percent_vi
from tinnhiem.rules.settlement import Settlement, summary_vi

__all__ = [
    "EXIT_INVALID",
    "EXIT_NOT_FINISHED",
    "EXIT_TRACKER_NOT_FOUND",
    "EXIT_UNREADABLE",
    "EXIT_VALID",
    "STEP_LABELS",
    "normalise_tracker",
    "register",
    "run_verification",
]

#: The exit codes of ``tinnhiem verify``, one per class of outcome (record-format.md §4.1).
EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNREADABLE = 2
EXIT_NOT_FINISHED = 3
EXIT_TRACKER_NOT_FOUND = 4

STEP_LABELS = {
    "rule": "Quy định / rule",
    "roster": "Danh sách / roster",
    "committee": "Lễ tạo khóa / key ceremony",
    "fingerprint": "Dấu vân tay / fingerprint",
    "credentials": "Thẻ cử tri / credentials",
    "board": "Bảng tin / board hash chain",
    "ballots": "Lá phiếu / ballots and proofs",
    "close": "Đóng hòm phiếu / close",
    "aggregates": "Cộng dồn / aggregates",
    "decryption": "Giải mã / decryption",
    "results": "Kết quả và hệ quả / counts and consequences",
    "signatures": "Chữ ký đầu chuỗi / the committee's head signatures",
    "schema": "Cấu trúc / structure (the schema)",
    "previous": "Nối bước / the link to the previous step",
    "manifest": "Định nghĩa vòng / manifest",
}


def run_verification(
    record: BallotSource,
    *,
    workers: int,
    console: Console,
    runner: Runner | None = None,
) -> VerificationReport:
    """Verify with a Rich progress bar on ``console``; raises ``RecordInvalid``."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Kiểm chứng / verifying", total=record.count)

        def progress(step: str, done: int, total: int) -> None:
            label = STEP_LABELS.get(step, step)
            if step == "ballots" and total:
                bar.update(task, description=label, completed=done, total=total)
            else:
                bar.update(task, description=label)

        return verify_record(record, workers=workers, progress=progress, runner=runner)


def verify(
    record: Annotated[Path, typer.Argument(help="Tệp hồ sơ / the election record file.")],
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-w",
            min=1,
            help="Số tiến trình / processes (mặc định: mọi lõi / default: all cores).",
        ),
    ] = None,
    tracker: Annotated[
        list[str] | None,
        typer.Option(
            "--tracker",
            "-t",
            help="Mã theo dõi cần tìm trên bảng tin / a ballot tracker to find on the board "
            "(repeatable).",
        ),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Hồ sơ (hoặc nhật ký phiếu giấy) của bước trước / the record (or paper entry "
            "log) of the step this personnel round's list came from: verified too, then the "
            "link (round, head, list) is checked.",
        ),
    ] = None,
    settlement: Annotated[
        Path | None,
        typer.Option(
            "--settlement",
            help="Quyết định của người có thẩm quyền / the settlement (tinnhiem settle) of "
            "the previous step when it waited on a person: checked against that step, and "
            "the list against it.",
        ),
    ] = None,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            help="Kiểm chứng trên cụm Dask / check the ballots on a Dask cluster: the "
            "scheduler's address (tcp://host:8786), or 'local' for --workers processes here.",
        ),
    ] = None,
) -> None:
    """Kiểm chứng hồ sơ cuộc bỏ phiếu / verify an election record, every proof and count.

    Mã thoát / exit code: 0 hợp lệ / valid, 1 không hợp lệ / invalid, 2 không đọc được /
    unreadable, 3 không kiểm chứng xong / could not finish, 4 không thấy mã theo dõi /
    a tracker not found.
    """
    out = Console()
    err = Console(stderr=True)
    if is_paper_log(record):
        if settlement is not None:
            err.print(
                "[bold red]--settlement[/]: a paper step's log carries the settlement its list "
                "came from",
                highlight=False,
            )
            raise typer.Exit(EXIT_UNREADABLE)
        _verify_paper(record, out, err)
        _paper_link(record, previous, out, err)
        return
    n = workers or (2 if dask == "local" else default_workers())
    runner: Runner | None = None
    try:
        # The runner first: a streaming record's first pass (parsing and schema) runs on
        # it too, so that only the reading of the file stays in this process.
        runner = make_runner(n, dask)
        n = runner.workers
        try:
            loaded = open_record(record, runner=runner)
        except RecordUnreadable as exc:
            err.print(
                f"[bold red]Không đọc được hồ sơ / unreadable record[/]: {exc}", highlight=False
            )
            raise typer.Exit(EXIT_UNREADABLE) from exc
        settled = None
        if settlement is not None:
            if previous is None:
                raise InputError("a settlement goes with --previous", where="--settlement")
            try:
                settled = Settlement.from_bytes(settlement.read_bytes(), where="settlement")
            except OSError as exc:
                err.print(f"[bold red]--settlement[/]: {exc}", highlight=False)
                raise typer.Exit(EXIT_UNREADABLE) from exc
            except InputError as exc:
                raise RecordInvalid(
                    "settlement", str(exc), where=exc.where or "settlement"
                ) from exc
        report = run_verification(loaded, workers=n, console=err, runner=runner)
        settlement_checked = True
        if previous is not None and is_paper_log(previous):
            settlement_checked = verify_link(loaded.header, _paper_count(previous, err), settled)
        elif previous is not None:
            try:
                before = open_record(previous, runner=runner)
            except RecordUnreadable as exc:
                err.print(f"[bold red]--previous[/]: {exc}", highlight=False)
                raise typer.Exit(EXIT_UNREADABLE) from exc
            run_verification(before, workers=n, console=err, runner=runner)
            settlement_checked = verify_link(loaded.header, before.header, settled)
    except RecordInvalid as exc:
        _print_invalid(out, exc)
        raise typer.Exit(EXIT_INVALID) from exc
    except TinnhiemError as exc:
        err.print(f"[bold red]Lỗi / error[/]: {exc}", highlight=False)
        raise typer.Exit(EXIT_NOT_FINISHED) from exc
    finally:
        if runner is not None:
            runner.close()
    t = report.timings.get("total", 0.0)
    rows = max(1, report.rows)
    round_id = loaded.header.manifest.round_id
    out.print(
        f"[bold green]HỢP LỆ / VALID[/] — {round_id}: {report.ballots} lá phiếu "
        f"/ ballots ({report.counted} được tính / counted), {report.officials} người / "
        f"officials, {report.rows} dòng / rows; {format_number(t, 2)} s, "
        f"{format_number(1000 * report.timings.get('ballots', 0.0) / rows, 3)} ms/dòng/row "
        "(wall), "
        f"{n} tiến trình / processes" + (f" (Dask {dask})" if dask else ""),
        highlight=False,
    )
    out.print(f"  Đầu chuỗi bảng tin / board head: {loaded.header.head.hex()}", highlight=False)
    _print_step(
        out,
        loaded.header,
        linked=previous is not None,
        settled=settled if settlement_checked else None,
    )
    missing = [code for code in tracker or [] if not _show_tracker(out, loaded, code)]
    if missing:
        raise typer.Exit(EXIT_TRACKER_NOT_FOUND)


def _print_step(
    out: Console, header: ElectionRecord, *, linked: bool, settled: Settlement | None = None
) -> None:
    """A personnel round: its step's decision, and its link to the previous step (and to
    the settlement that made its list, when the previous step waited on a person)."""
    p = header.manifest.personnel
    if p is None or not isinstance(header.results, dict):
        return
    r = header.results
    out.print(
        f"  Bước / step {p.step} ({header.manifest.rule_id}): {r['status']}; "
        f"vào bước sau / advancing: {', '.join(r['advancing']) or '—'}",
        highlight=False,
    )
    if p.previous is not None:
        state = (
            "đã kiểm tra / checked"
            if linked
            else "chưa kiểm tra: thêm --previous HỒ_SƠ / not checked: add --previous RECORD"
        )
        paper = " — phiếu giấy / on paper" if p.previous.source == "paper" else ""
        out.print(
            f"  Nối tiếp bước / follows step {p.previous.step} ({p.previous.round_id}{paper}, "
            f"{p.previous.head[:16]}…): {state}",
            highlight=False,
        )
    if p.previous is not None and p.previous.settlement is not None:
        if settled is not None:
            names = {o.id: o.name for o in header.manifest.officials}
            state = f"đã kiểm tra / checked — {summary_vi(settled, names)}"
        else:
            state = (
                "chưa kiểm tra: thêm --previous HỒ_SƠ --settlement TỆP / not checked: add "
                "--previous RECORD --settlement FILE (the list was not checked against it)"
            )
        out.print(
            f"  Theo quyết định / settled by {p.previous.settlement[:16]}…: {state}",
            highlight=False,
        )


def _paper_link(path: Path, previous: Path | None, out: Console, err: Console) -> None:
    """A paper personnel step's link to the step its list came from: checked against
    ``previous`` (a record, verified first, or a paper entry log) when given."""
    session = PaperSession(EntryLog(read_log(path)))
    p = session.definition.personnel
    if p is None or p.previous is None:
        if previous is not None:
            err.print("[bold red]--previous[/]: this round links no previous step")
            raise typer.Exit(EXIT_INVALID)
        return
    count = session.personnel_tally(allow_incomplete=True)
    link = p.previous
    state = "chưa kiểm tra: thêm --previous HỒ_SƠ / not checked: add --previous RECORD"
    if previous is not None:
        try:
            source: StepSource
            if is_paper_log(previous):
                source = _paper_count(previous, err)
            else:
                source = read_record(previous)
                verify_record(source, workers=1)
            check_paper_step_link(count, source)
        except RecordUnreadable as exc:
            err.print(f"[bold red]--previous[/]: {exc}", highlight=False)
            raise typer.Exit(EXIT_UNREADABLE) from exc
        except RecordInvalid as exc:
            _print_invalid(out, exc)
            raise typer.Exit(EXIT_INVALID) from exc
        except TinnhiemError as exc:
            where = getattr(exc, "where", None) or "previous"
            _print_invalid(
                out, RecordInvalid("previous", str(exc).removeprefix(f"{where}: "), where=where)
            )
            raise typer.Exit(EXIT_INVALID) from exc
        state = "đã kiểm tra / checked"
    paper = " — phiếu giấy / on paper" if link.source == "paper" else ""
    out.print(
        f"  Nối tiếp bước / follows step {link.step} ({link.round_id}{paper}, "
        f"{link.head[:16]}…): {state}",
        highlight=False,
    )
    if link.settlement is not None:
        names = {o.id: o.name for o in count.definition.officials}
        out.print(
            f"  Theo quyết định / settled by: {summary_vi(link.settlement, names)}",
            highlight=False,
        )


def _paper_count(path: Path, err: Console) -> PersonnelTally:
    """The previous step's count from its paper entry log (``--previous LOG``), after the
    log is verified whole (chain, events replayed); an invalid log makes the link invalid."""
    try:
        verify_paper_log(path)
        return PaperSession(EntryLog(read_log(path))).personnel_tally()
    except PaperInputError as exc:
        if not path.is_file():
            err.print(f"[bold red]--previous[/]: {exc}", highlight=False)
            raise typer.Exit(EXIT_UNREADABLE) from exc
        raise RecordInvalid("previous", str(exc), where=exc.where or "--previous") from exc
    except PaperLogInvalid as exc:
        where = f"--previous, line {exc.line}" if exc.line else "--previous"
        raise RecordInvalid("previous", str(exc), where=where) from exc


def _verify_paper(path: Path, out: Console, err: Console) -> None:
    """A paper round's entry log: the chain, every event replayed, the audit re-derived
    from the chair's seed (tinnhiem.paper.verify)."""
    try:
        checked = verify_paper_log(path)
    except PaperInputError as exc:
        err.print(f"[bold red]Không đọc được / unreadable[/]: {exc}", highlight=False)
        raise typer.Exit(EXIT_UNREADABLE) from exc
    except PaperLogInvalid as exc:
        where = f"dòng / line {exc.line}" if exc.line else "nhật ký / log"
        out.print(
            f"[bold red]KHÔNG HỢP LỆ / INVALID[/] — nhật ký phiếu giấy / paper log; tại / at: "
            f"{where}",
            highlight=False,
        )
        out.print(f"  {exc}", highlight=False, markup=False)
        raise typer.Exit(EXIT_INVALID) from exc
    state = "đã kiểm xong / counted" if checked.complete else "chưa kiểm xong / not complete"
    out.print(
        f"[bold green]HỢP LỆ / VALID[/] — {checked.round_id} (phiếu giấy / paper): "
        f"{checked.events} sự kiện / events, {checked.counted} phiếu được tính / sheets "
        f"counted, {state}",
        highlight=False,
    )
    out.print(f"  Đầu chuỗi nhật ký / log head: {checked.head}", highlight=False)
    audit = checked.audit
    if audit is None:
        out.print("  Kiểm tra xác suất / audit: chưa có / none", highlight=False)
        return
    outcome = {
        "confirmed": "kết quả được xác nhận / the count is confirmed",
        "full_hand_count": "kiểm lại toàn bộ bằng tay / full hand count",
        None: "đang tiến hành / under way",
    }.get(audit.outcome, str(audit.outcome))
    limit = format_percent_vi(Fraction(repr(audit.risk_limit)), 1) + " %"
    out.print(
        f"  Kiểm tra xác suất / audit: số ngẫu nhiên / seed {audit.seed}, giới hạn rủi ro / "
        f"risk limit {limit}; {len(audit.drawn)} phiếu rút lại từ số ngẫu nhiên / sheets "
        f"drawn again from the seed, {audit.differing} khác với kết quả kiểm / differing; "
        f"{outcome}",
        highlight=False,
    )
    for draw, place in enumerate(audit.drawn, start=1):
        out.print(f"    {draw:>4}. {place.label}", highlight=False)


def _print_invalid(out: Console, exc: RecordInvalid) -> None:
    out.print(
        f"[bold red]KHÔNG HỢP LỆ / INVALID[/] — bước / check: {exc.check}; tại / at: {exc.where}",
        highlight=False,
    )
    out.print(f"  {exc}", highlight=False, markup=False)


def normalise_tracker(code: str) -> str:
    """``c5h6 wg72-is5b`` → ``C5H6-WG72-IS5B`` (spaces and hyphens are optional)."""
    text = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _show_tracker(out: Console, record: BallotSource, code: str) -> bool:
    wanted = normalise_tracker(code)
    refs = record.refs()
    # a valid record's trackers are its ballot hashes (checked above)
    hits = [i for i, r in enumerate(refs) if format_tracker(r.hash) == wanted]
    if not hits:
        out.print(
            f"[bold red]Không tìm thấy / not found[/]: {wanted} is not on the board",
            highlight=False,
        )
        return False
    last_by_credential = {r.credential: i for i, r in enumerate(refs)}
    for i in hits:
        rb = refs[i]
        counted = last_by_credential[rb.credential] == i
        status = (
            "được tính / counted"
            if counted
            else "đã được thay bằng lá phiếu sau / replaced by a later ballot"
        )
        out.print(
            f"[bold green]Tìm thấy / found[/]: {wanted} — bảng tin mục / board entry "
            f"{rb.board_index}, {status}",
            highlight=False,
        )
    return True


def register(app: typer.Typer) -> None:
    """Add ``verify`` to the ``tinnhiem`` command."""
    app.command("verify")(verify)
