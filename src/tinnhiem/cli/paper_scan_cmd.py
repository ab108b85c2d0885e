"""``tinnhiem paper scan`` and ``tinnhiem paper audit``: read a box of scanned sheets, and
run the risk-limiting audit of the count (issue 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tinnhiem.cli.failure import reported_errors
from tinnhiem.errors import InputError
from tinnhiem.paper import PaperSession, open_log_file, parse_marks
from tinnhiem.paper.audit import parse_risk_limit
from tinnhiem.paper.omr import folder_images
from tinnhiem.paper.scan import scan_images

__all__ = ["register"]


def _scan(app: typer.Typer) -> None:
    @app.command("scan")
    def scan(
        path: Annotated[Path, typer.Argument(metavar="ROUND", help="the session file")],
        folder: Annotated[Path, typer.Argument(help="folder of scanner PDFs or photos")],
        by: Annotated[str, typer.Option("--by", help="the committee member scanning")],
        batch: Annotated[
            str | None, typer.Option(help="the batch's name (default: the folder's name)")
        ] = None,
    ) -> None:
        """Quét phiếu / read a batch of scanned sheets (files in name order, PDF pages in
        order; position = order). Crops of rows to check go to ROUND.scans/."""
        with reported_errors():
            if not folder.is_dir():
                raise InputError("not a folder", where=str(folder))
            name = batch or folder.name
            crops = path.with_name(path.name + ".scans")
            with open_log_file(path) as log:
                session = PaperSession(log)
                outcomes = scan_images(session, folder_images(folder), batch=name, actor=by)
            for outcome in outcomes:
                where = f"tập {outcome.batch}, vị trí {outcome.position} ({outcome.source})"
                if outcome.serial is None:
                    typer.echo(f"{where}: bỏ qua / skipped: {outcome.refused}")
                    continue
                flags = outcome.flags
                state = f"{len(flags)} ô cần xem / to check" if flags else "đã đọc / read"
                typer.echo(f"{where} → phiếu {outcome.serial:04d}: {state}")
                if outcome.reading is not None and outcome.reading.crops:
                    crops.mkdir(exist_ok=True)
                    for field, png in outcome.reading.crops.items():
                        (crops / f"phieu-{outcome.serial:04d}-{field}.png").write_bytes(png)
            typer.echo("Xử lý các ô cần xem bằng / resolve with: tinnhiem paper resolve …")


def _audit(app: typer.Typer) -> None:
    @app.command("audit")
    def audit(
        path: Annotated[Path, typer.Argument(metavar="ROUND", help="the session file")],
        by: Annotated[str, typer.Option("--by", help="who acts")],
        seed: Annotated[
            str | None, typer.Option(help="start: the digits of the dice rolled in the hall")
        ] = None,
        risk_limit: Annotated[str, typer.Option("--risk-limit", help="e.g. 5%")] = "5%",
        marks: Annotated[
            str | None, typer.Option(help="the committee's reading of the next drawn sheet")
        ] = None,
        invalid: Annotated[
            bool, typer.Option("--invalid-ballot", help="the drawn sheet is invalid")
        ] = False,
        conclude: Annotated[bool, typer.Option("--conclude", help="end the audit")] = False,
        escalate: Annotated[
            bool, typer.Option("--escalate", help="end it with a full hand count")
        ] = False,
    ) -> None:
        """Kiểm tra xác suất / the risk-limiting audit: --seed starts it, --marks (or
        --invalid-ballot) enters the reading of the next drawn sheet, --conclude ends it;
        with no option, shows where it stands and the next sheets to fetch."""
        with reported_errors(), open_log_file(path) as log:
            session = PaperSession(log)
            if seed is not None:
                session.start_audit(seed, parse_risk_limit(risk_limit), actor=by)
            if marks is not None or invalid:
                definition = session.definition
                read = (
                    None
                    if invalid
                    else parse_marks(
                        marks or "",
                        len(definition.officials),
                        where="--marks",
                        kind=definition.kind,
                    )
                )
                session.record_audit_reading(read, actor=by)
            if conclude or escalate:
                session.conclude_audit(actor=by, escalate=escalate)
            state = session.audit
            if state is None:
                typer.echo("Chưa kiểm tra / no audit yet: start with --seed DIGITS")
                return
            from tinnhiem.reports.audit_section import audit_lines

            for vi, _en, value in audit_lines(state):
                typer.echo(f"{vi}: {value}")
            if state.conclusion is None:
                planned = state.sample_size()
                done = len(state.comparisons)
                more = (planned or len(state.plan.manifest)) - done
                upcoming = state.draws(max(1, min(more, 20)), first=done + 1)
                typer.echo("Phiếu cần lấy tiếp / next sheets to fetch:")
                for i, place in enumerate(upcoming, start=done + 1):
                    typer.echo(f"  lượt {i}: {place.label}")


def register(app: typer.Typer) -> None:
    """Add ``scan`` and ``audit`` to the ``paper`` group."""
    _scan(app)
    _audit(app)
