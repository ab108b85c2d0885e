"""``tinnhiem report SOURCE --format pdf|xlsx|csv --out FILE``: the tally minutes.

SOURCE is an electronic election record (verified first, unless ``--no-verify``) or a
paper round's session file (the same minutes as ``tinnhiem paper minutes``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tinnhiem.cli.failure import exit_for
from tinnhiem.errors import InputError, TinnhiemError

if TYPE_CHECKING:
    from tinnhiem.reports import MinutesData

__all__ = ["is_paper_session", "register"]


def is_paper_session(path: Path) -> bool:
    """Whether ``path`` is a paper round's session file (its first line creates a round)."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(1 << 20)
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror})", where=str(path)) from exc
    try:
        event = json.loads(first)
    except ValueError:
        return False
    return isinstance(event, dict) and event.get("action") == "round_created"


def _build(
    source: Path,
    *,
    verify: bool,
    when: str | None,
    draft: bool,
    meeting: dict[str, str] | None = None,
) -> MinutesData:
    from dataclasses import replace

    from tinnhiem.reports import minutes_from_paper, minutes_from_record

    facts: dict[str, Any] = {k: v for k, v in (meeting or {}).items() if v}
    if is_paper_session(source):
        from tinnhiem.paper import PaperSession, open_log_file

        with open_log_file(source) as log:
            return replace(minutes_from_paper(PaperSession(log), draft=draft), **facts)
    from tinnhiem.record import read_record, verify_record

    record = read_record(source)
    if verify:
        verify_record(record)
    return minutes_from_record(record, when=when, **facts)


def _personnel_report(
    source: Path,
    fmt: str,
    *,
    verify: bool,
    draft: bool = False,
    settlement: Path | None = None,
) -> bytes | None:
    """The minutes of a personnel step (issue 14) as ``fmt`` (pdf, xlsx or csv): from an
    electronic record (verified first) or a paper round's session file; None when
    ``source`` is not a personnel step."""
    if is_paper_session(source):
        from tinnhiem.paper import PaperSession, open_log_file
        from tinnhiem.reports import personnel_minutes_from_paper, render_personnel_minutes

        if settlement is not None:
            raise InputError(
                "a paper step's log carries the settlement its list came from", where="--settlement"
            )
        with open_log_file(source) as log:
            session = PaperSession(log)
            if session.definition.personnel is None:
                return None
            minutes = personnel_minutes_from_paper(session, draft=draft)
        return render_personnel_minutes(minutes, fmt)
    from tinnhiem.record import read_record, verify_record
    from tinnhiem.reports import personnel_minutes_from_record, render_personnel_minutes

    record = read_record(source)
    if record.manifest.personnel is None:
        return None
    if verify:
        verify_record(record)
    settled = None
    if settlement is not None:
        from tinnhiem.rules.settlement import Settlement

        try:
            settled = Settlement.from_bytes(settlement.read_bytes(), where=str(settlement))
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror})", where=str(settlement)) from exc
    return render_personnel_minutes(personnel_minutes_from_record(record, settled), fmt)


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""

    @app.command("report")
    def report(
        source: Annotated[
            Path, typer.Argument(metavar="RECORD", help="election record, or paper round file")
        ],
        out: Annotated[Path, typer.Option(help="file to write")],
        fmt: Annotated[str, typer.Option("--format", help="pdf, xlsx or csv")] = "pdf",
        verify: Annotated[
            bool, typer.Option("--verify/--no-verify", help="verify the record first")
        ] = True,
        when: Annotated[
            str | None, typer.Option("--date", help="date of the minutes, YYYY-MM-DD")
        ] = None,
        draft: Annotated[
            bool, typer.Option("--draft", help="paper round: print with entries pending")
        ] = False,
        session: Annotated[
            str, typer.Option(help="kỳ họp / hội nghị, e.g. 'Kỳ họp thứ mười chín, HĐND tỉnh'")
        ] = "",
        place: Annotated[str, typer.Option(help="địa điểm / where the count took place")] = "",
        opened: Annotated[str, typer.Option(help="giờ bắt đầu kiểm phiếu, HH:MM (local)")] = "",
        closed: Annotated[str, typer.Option(help="giờ kết thúc kiểm phiếu, HH:MM (local)")] = "",
        language: Annotated[
            str, typer.Option("--lang", help="PDF language: vi (the signed form) or en")
        ] = "vi",
        settlement: Annotated[
            Path | None,
            typer.Option(
                "--settlement",
                help="quyết định của người có thẩm quyền ở bước trước (tinnhiem settle) / the "
                "settlement that made a personnel step's list: the minutes cite it in full",
            ),
        ] = None,
    ) -> None:
        """Biên bản kiểm phiếu / the tally minutes as PDF, XLSX or CSV."""
        from tinnhiem.reports import FORMATS, render_minutes

        try:
            if fmt not in FORMATS:
                raise InputError(f"unknown format {fmt!r}: use pdf, xlsx or csv", where="--format")
            if language not in ("vi", "en"):
                raise InputError(f"unknown language {language!r}: use vi or en", where="--lang")
            personnel = _personnel_report(
                source, fmt, verify=verify, draft=draft, settlement=settlement
            )
            if settlement is not None and personnel is None:
                raise InputError(
                    "only a personnel step's minutes cite a settlement", where="--settlement"
                )
            if personnel is not None:
                payload = personnel
            else:
                meeting = {"session": session, "place": place, "opened_at": opened}
                meeting["closed_at"] = closed
                data = _build(source, verify=verify, when=when, draft=draft, meeting=meeting)
                payload = render_minutes(data, fmt, language)
            try:
                out.write_bytes(payload)
            except OSError as exc:
                raise InputError(f"cannot write ({exc.strerror})", where=str(out)) from exc
        except TinnhiemError as exc:
            raise exit_for(exc) from None
        typer.echo(f"Đã ghi / written: {out} ({len(payload)} bytes)")
