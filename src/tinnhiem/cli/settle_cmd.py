"""``tinnhiem settle``: write down the competent person's decision on a personnel step that
waits on a person (a tie at the cut, exactly the threshold, nobody reaching it, a case the
texts do not settle), as a settlement file the next step links (issue 14).

The step is read from its election record (verified first) or its paper session file (its
count decided again); the decision is checked against the step by
``tinnhiem.rules.settlement.settle`` and written as canonical JSON with its digest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tinnhiem.cli.failure import reported_errors
from tinnhiem.errors import InputError
from tinnhiem.rules.appointment import Procedure, StepDecision
from tinnhiem.rules.settlement import Outcome, Settlement, settle, summary_vi

__all__ = ["register", "step_to_settle"]


def step_to_settle(path: Path) -> tuple[Procedure, StepDecision, str, str, dict[str, str]]:
    """The pending step in ``path`` (an election record, verified, or a paper session
    file): its procedure, decision, round id, head and candidates' names."""
    from tinnhiem.paper.verify import is_paper_log
    from tinnhiem.poll.personnel import StepSource, source_decision

    source: StepSource
    if is_paper_log(path):
        from tinnhiem.paper import EntryLog, PaperSession
        from tinnhiem.paper.log import read_log

        session = PaperSession(EntryLog(read_log(path)))
        if session.definition.personnel is None:
            raise InputError("the paper round is not a personnel step", where=str(path))
        source = session.personnel_tally()
    else:
        from tinnhiem.record import read_record, verify_record

        source = read_record(path)
        if source.manifest.personnel is None:
            raise InputError("the record is not a personnel step", where=str(path))
        verify_record(source, workers=1)
    d = source_decision(source)
    return d.procedure, d.decision, d.round_id, d.head, dict(d.names)


def register(app: typer.Typer) -> None:
    @app.command("settle")
    def settle_cmd(
        record: Annotated[
            Path,
            typer.Argument(
                help="Hồ sơ (hoặc tệp phiếu giấy) của bước đang chờ quyết định / the record "
                "(or paper session file) of the step that waits on a person.",
                exists=True,
                dir_okay=False,
            ),
        ],
        by: Annotated[
            str, typer.Option("--by", help="Họ tên người quyết định / who decided (full name).")
        ],
        post: Annotated[
            str,
            typer.Option(
                "--post",
                help="Chức vụ (người đứng đầu / cấp có thẩm quyền), ví dụ 'Giám đốc Sở' / "
                "their post.",
            ),
        ],
        document: Annotated[
            str,
            typer.Option(
                "--document", help="Số văn bản quyết định, ví dụ 'Số 12/QĐ-STP' / document no."
            ),
        ],
        date: Annotated[
            str, typer.Option("--date", help="Ngày văn bản (yyyy-mm-dd) / the document's date.")
        ],
        reason: Annotated[str, typer.Option("--reason", help="Lý do / the reason given.")],
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Tệp quyết định (JSON) / the settlement file.")
        ],
        choose: Annotated[
            list[str] | None,
            typer.Option(
                "--choose",
                help="Mã người được chọn trong số những người cần quyết định (lặp lại được) / "
                "the id of a person chosen among those concerned (repeatable).",
            ),
        ] = None,
        stop: Annotated[
            bool, typer.Option("--stop", help="Dừng quy trình / the procedure stops.")
        ] = False,
        revote: Annotated[
            bool,
            typer.Option(
                "--revote",
                help="Bỏ phiếu lại bước này (khi văn bản không quy định) / vote the step again.",
            ),
        ] = False,
    ) -> None:
        """Ghi quyết định của người có thẩm quyền về một bước đang chờ / record the
        competent person's decision on a step that waits on a person.

        Chỉ bước có kết quả "cần người có thẩm quyền quyết định" mới được ghi / only a
        pending step is settled. Exit code 2: the step or the decision is refused.
        """
        with reported_errors():
            given = [n for n, on in (("--choose", bool(choose)), ("--stop", stop),
                                     ("--revote", revote)) if on]  # fmt: skip
            if len(given) != 1:
                raise InputError(
                    "give exactly one of --choose ID (repeatable), --stop or --revote "
                    "/ chọn một trong --choose, --stop, --revote",
                    where=" ".join(given) or "--choose",
                )
            outcome = Outcome.STOP if stop else Outcome.REVOTE if revote else Outcome.ADVANCE
            if out.exists():
                raise InputError(
                    "already exists: a settlement is never overwritten", where=str(out)
                )
            proc, decision, round_id, head, names = step_to_settle(record)
            settlement = settle(
                decision,
                proc,
                round_id=round_id,
                head=head,
                name=by,
                post=post,
                document=document,
                date=date,
                outcome=outcome,
                chosen=tuple(choose or ()),
                reason=reason,
            )
            out.write_bytes(settlement.to_file())
            _echo(settlement, names, out)


def _echo(s: Settlement, names: dict[str, str], out: Path) -> None:
    typer.echo(f"Đã ghi / written {out}: {summary_vi(s, names)}")
    basis = "; ".join(f"{b.text_vi} [{b.cite or '—'}]" for b in s.basis)
    typer.echo(f"  Căn cứ để người có thẩm quyền quyết định / basis: {basis}")
    if not s.in_text:
        typer.echo(
            "  Văn bản đã đọc không quy định trường hợp này / the texts read do not settle "
            "this case"
        )
    if s.next_step is not None:
        typer.echo(f"  Bước tiếp theo / next step: {s.next_step}")
    typer.echo(f"  Mã băm quyết định / settlement digest: {s.digest}")
