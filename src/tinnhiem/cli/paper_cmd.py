"""``tinnhiem paper …``: paper rounds from the command line (vòng lấy phiếu bằng phiếu giấy).

A round is one session file (JSON lines, append-only, hash-chained): ``new`` creates it,
``ballots`` prints the sheets (all identical: no serial, no code), ``issue`` records that a
voter received a paper ballot (mixed rounds; never which sheet), ``enter``
enters one sheet as one operator on one device, ``totals`` enters a hand count,
``returned`` records the count in the box, ``electronic`` brings in the electronic side,
``status`` lists what is pending or disputed, ``resolve`` records the committee's reading,
``minutes`` prints the tally minutes and ``log`` prints and checks the entry log.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tinnhiem.cli.failure import reported_errors
from tinnhiem.errors import InputError
from tinnhiem.paper import (
    BALLOT_FIELD,
    TOTALS_ITEM,
    ElectronicPart,
    LevelCounts,
    Mark,
    PaperSession,
    PersonnelMark,
    PreviousStep,
    RoundDefinition,
    TotalsSheet,
    levels_for,
    open_log_file,
    parse_committee_csv,
    parse_counts_csv,
    parse_marks,
    parse_officials_csv,
    parse_participation_csv,
    parse_personnel_marks,
    personnel_choices,
    render_ballots_pdf,
    verify_chain,
)
from tinnhiem.rules import RoundKind

__all__ = ["register"]

FileArg = Annotated[Path, typer.Argument(metavar="ROUND", help="the paper round's session file")]
By = Annotated[str, typer.Option("--by", help="who acts (committee member or organiser)")]
Operator = Annotated[str, typer.Option("--operator", "-o", help="the entering operator")]
Device = Annotated[
    str | None,
    typer.Option(
        "--device", "-d", help="this device's name (default: $TINNHIEM_DEVICE or the host name)"
    ),
]

if TYPE_CHECKING:
    from tinnhiem.rules.settlement import Settlement


@contextmanager
def _session(path: Path) -> Iterator[PaperSession]:
    # An error leaves nothing half-written: every action is checked before it is appended.
    with reported_errors(), open_log_file(path) as log:
        yield PaperSession(log)


def _device(device: str | None) -> str:
    return device or os.environ.get("TINNHIEM_DEVICE") or socket.gethostname()


def _write(out: Path, data: bytes) -> None:
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror})", where=str(out)) from exc
    typer.echo(f"Đã ghi / written: {out} ({len(data)} bytes)")


def _new(app: typer.Typer) -> None:
    @app.command("new")
    def new(
        path: FileArg,
        round_id: Annotated[str, typer.Option("--round-id", help="short id of the round")],
        title: Annotated[str, typer.Option(help="title of the round")],
        body: Annotated[str, typer.Option(help="the voting body, e.g. Hội đồng nhân dân tỉnh")],
        date: Annotated[str, typer.Option(help="date of the poll, YYYY-MM-DD")],
        by: By,
        ballots: Annotated[
            int, typer.Option(help="paper sheets printed (numbered 1..N only when entered)")
        ] = 0,
        members: Annotated[
            int | None,
            typer.Option(
                help="members of the body (tổng số đại biểu); required when the rule counts "
                "over all members, e.g. the formal vote nq96-2023-formal"
            ),
        ] = None,
        summoned: Annotated[int | None, typer.Option(help="people summoned")] = None,
        present: Annotated[int | None, typer.Option(help="people present")] = None,
        entries: Annotated[int, typer.Option(help="independent entries per sheet: 2 or 3")] = 2,
        totals: Annotated[bool, typer.Option("--totals", help="hand count: enter totals")] = False,
        mixed: Annotated[bool, typer.Option("--mixed", help="paper and electronic")] = False,
        committee: Annotated[
            Path | None, typer.Option(help="CSV of the counting committee: name[,role]")
        ] = None,
        place: Annotated[str, typer.Option(help="place, for the date line")] = "",
        scan: Annotated[
            bool, typer.Option("--scan", help="sheets read by a scanner (tinnhiem paper scan)")
        ] = False,
        officials: Annotated[
            Path | None,
            typer.Option(help="CSV of the officials in ballot order: id,name[,position]"),
        ] = None,
        rule: Annotated[
            str | None,
            typer.Option(
                help="rule id (tinnhiem rules list); the ballot follows its kind: a poll "
                "(3 boxes) or a formal vote (bỏ phiếu tín nhiệm, 2 boxes), e.g. nq96-2023-formal"
            ),
        ] = None,
        procedure: Annotated[
            str | None,
            typer.Option(
                help="personnel vote: the procedure id (tinnhiem rules procedures), e.g. "
                "appointment-qd80-2022; with --step and --candidates"
            ),
        ] = None,
        step: Annotated[
            str | None, typer.Option(help="personnel vote: the step id, e.g. b2-introduce")
        ] = None,
        candidates: Annotated[
            Path | None,
            typer.Option(help="personnel vote: candidates CSV in sheet order: id,name[,post]"),
        ] = None,
        k: Annotated[
            int | None,
            typer.Option(
                "--k", help="personnel vote: at most N ticks per sheet (default: the step's)"
            ),
        ] = None,
        previous: Annotated[
            Path | None,
            typer.Option(
                help="personnel vote: the round of the step this list comes from (its paper "
                "session file or its electronic record); checked and cited in the minutes"
            ),
        ] = None,
        settlement: Annotated[
            Path | None,
            typer.Option(
                help="personnel vote: when the previous step waited on a person, the "
                "settlement file (tinnhiem settle) that made this list / quyết định của người "
                "có thẩm quyền; checked and cited in the minutes"
            ),
        ] = None,
    ) -> None:
        """Tạo vòng phiếu giấy / create a paper round from an officials CSV and a rule, or a
        personnel step (--procedure, --step, --candidates)."""
        if procedure is not None:
            _new_personnel(
                path,
                procedure=procedure,
                step=step,
                candidates=candidates,
                k=k,
                previous=previous,
                settlement=settlement,
                round_id=round_id,
                title=title,
                body=body,
                date=date,
                by=by,
                ballots=ballots,
                summoned=summoned,
                present=present,
                entries=entries,
                committee=committee,
                place=place,
                refused=[
                    name
                    for name, given in (
                        ("--rule", rule is not None),
                        ("--officials", officials is not None),
                        ("--totals", totals),
                        ("--mixed", mixed),
                        ("--scan", scan),
                        ("--members", members is not None),
                    )
                    if given
                ],
            )
            return
        with reported_errors():
            from tinnhiem.rules import load_rule

            if rule is None or officials is None:
                raise InputError(
                    "give --rule and --officials (a confidence round) or --procedure, --step "
                    "and --candidates (a personnel vote)",
                    where="paper new",
                )
            for name, given in (
                ("--step", step),
                ("--candidates", candidates),
                ("--k", k),
                ("--previous", previous),
                ("--settlement", settlement),
            ):
                if given is not None:
                    raise InputError(f"{name} goes with --procedure", where=name)

            loaded = load_rule(rule)  # fail now, not at the minutes
            kind = loaded.kind
            if loaded.denominator == "members" and members is None:
                # e.g. the formal vote: "quá nửa tổng số đại biểu" counts over the whole body,
                # so the minutes cannot be computed without its size.
                raise InputError(
                    f"rule {loaded.id} counts over all members of the body: give --members"
                    " / quy định tính trên tổng số đại biểu: cần --members",
                    where="--members",
                )
            definition = RoundDefinition(
                round_id=round_id,
                title=title,
                body=body,
                date=date,
                rule_id=rule,
                officials=parse_officials_csv(officials),
                paper_serials=ballots,
                members=members,
                mode="totals" if totals else "ballots",
                required_entries=entries,
                mixed=mixed,
                committee=parse_committee_csv(committee) if committee else (),
                place=place,
                summoned=summoned,
                present=present,
                kind=kind,
                scan=scan,
            )
            with open_log_file(path, create=True) as log:
                session = PaperSession.create(log, definition, actor=by)
            typer.echo(
                f"Đã tạo / created {path}: {_KIND_VI[kind]}, {len(definition.officials)} người, "
                f"{definition.paper_serials} phiếu, {definition.required_entries} lượt nhập; "
                f"head {session.head}"
            )


def _new_personnel(
    path: Path,
    *,
    procedure: str,
    step: str | None,
    candidates: Path | None,
    k: int | None,
    previous: Path | None,
    settlement: Path | None,
    round_id: str,
    title: str,
    body: str,
    date: str,
    by: str,
    ballots: int,
    summoned: int | None,
    present: int | None,
    entries: int,
    committee: Path | None,
    place: str,
    refused: list[str],
) -> None:
    """``paper new --procedure``: a round of one step of a personnel procedure."""
    with reported_errors():
        from tinnhiem.paper import section_for
        from tinnhiem.rules.appointment_loader import load_procedure

        if refused:
            raise InputError(
                f"{', '.join(refused)}: not for a personnel vote (its rule is the procedure)",
                where="--procedure",
            )
        if step is None or candidates is None:
            raise InputError("a personnel vote needs --step and --candidates", where="--procedure")
        if summoned is None or present is None:
            raise InputError(
                "a personnel vote needs --summoned and --present (the base of its threshold)",
                where="--procedure",
            )
        proc = load_procedure(procedure)
        people = parse_officials_csv(candidates)
        section = section_for(proc, step, len(people), k)
        if settlement is not None and previous is None:
            raise InputError("a settlement goes with --previous", where="--settlement")
        if previous is not None:
            settled = None
            if settlement is not None:
                from tinnhiem.rules.settlement import Settlement

                settled = Settlement.from_bytes(settlement.read_bytes(), where="--settlement")
            link, write_ins = _previous_step(previous, proc, step, [o.id for o in people], settled)
            section = replace(section, previous=link, write_ins=write_ins)
        definition = RoundDefinition(
            round_id=round_id,
            title=title,
            body=body,
            date=date,
            rule_id=proc.id,
            officials=people,
            paper_serials=ballots or present,
            required_entries=entries,
            committee=parse_committee_csv(committee) if committee else (),
            place=place,
            summoned=summoned,
            present=present,
            personnel=section,
        )
        with open_log_file(path, create=True) as log:
            session = PaperSession.create(log, definition, actor=by)
        rule = proc.step(step)
        typer.echo(
            f"Đã tạo / created {path}: bước {rule.number} ({rule.title_vi}), "
            f"{section.ballot}, k = {section.k}, {len(people)} người, "
            f"{definition.paper_serials} phiếu, {definition.required_entries} lượt nhập; "
            f"head {session.head}"
        )
        if section.previous is not None:
            typer.echo(
                f"Danh sách từ / list from {section.previous.round_id} "
                f"({section.previous.step}), head {section.previous.head}"
            )
            if section.previous.settlement is not None:
                from tinnhiem.rules.settlement import summary_vi

                typer.echo(
                    "Theo quyết định / as settled: "
                    + summary_vi(section.previous.settlement, {o.id: o.name for o in people})
                )


def _previous_step(
    path: Path, proc: object, step: str, ids: list[str], settlement: Settlement | None = None
) -> tuple[PreviousStep, int]:
    """The link to the step this list came from — a paper round's session file (its count
    decided again) or an electronic round's record (verified elsewhere; its published
    result), with the settlement that made the list when that step waited on a person —
    and how many people at the end of the list are write-ins, as the core makes them
    (``poll.personnel.paper_step_link``)."""
    from tinnhiem.paper.log import read_log
    from tinnhiem.paper.verify import is_paper_log
    from tinnhiem.poll.personnel import StepSource, paper_step_link
    from tinnhiem.rules.appointment import Procedure

    assert isinstance(proc, Procedure)
    source: StepSource
    if is_paper_log(path):
        from tinnhiem.paper import EntryLog

        source = PaperSession(EntryLog(read_log(path))).personnel_tally()
    else:
        from tinnhiem.record import read_record

        source = read_record(path)
    try:
        return paper_step_link(source, proc, step, ids, settlement)
    except InputError as exc:
        if exc.where in ("previous", "candidates"):
            raise InputError(str(exc).removeprefix(f"{exc.where}: "), where="--previous") from exc
        raise


def _ballots(app: typer.Typer) -> None:
    @app.command("ballots")
    def ballots(
        path: FileArg,
        out: Annotated[Path, typer.Option(help="the PDF to write")],
        first: Annotated[int | None, typer.Option("--from", help="first of the sheets")] = None,
        last: Annotated[int | None, typer.Option("--to", help="last of the sheets")] = None,
    ) -> None:
        """In phiếu / print the ballot sheets: identical, with no serial or code."""
        with _session(path) as session:
            definition = session.definition
            serials = range(first or 1, (last or definition.paper_serials) + 1)
            _write(out, render_ballots_pdf(definition, serials, scannable=definition.scan))


def _enter(app: typer.Typer) -> None:
    @app.command("issue")
    def issue(
        path: FileArg,
        voter: Annotated[str, typer.Option(help="the voter's id on the roster")],
        by: By,
    ) -> None:
        """Phát phiếu giấy / record that a voter received a paper ballot (mixed rounds).

        Only the fact is recorded, never which sheet: the sheets are identical."""
        with _session(path) as session:
            session.issue_paper(voter, actor=by)
            typer.echo(f"Đã phát phiếu giấy cho {voter}")

    @app.command("enter")
    def enter(
        path: FileArg,
        serial: Annotated[
            int, typer.Option(help="the sheet's number, given by the committee as it enters it")
        ],
        operator: Operator,
        device: Device = None,
        marks: Annotated[
            str | None,
            typer.Option(
                help="one mark per official in ballot order. Poll: 1 cao, 2 tín nhiệm, 3 thấp; "
                "formal vote: 1 tín nhiệm, 2 không tín nhiệm; both: 0 trống, x không hợp lệ; "
                "e.g. 1,2,0 or 120. Omit to be asked row by row."
            ),
        ] = None,
        invalid_ballot: Annotated[
            bool, typer.Option("--invalid-ballot", help="the whole sheet is invalid")
        ] = False,
    ) -> None:
        """Nhập một phiếu / enter one paper sheet as one operator."""
        with _session(path) as session:
            officials = session.definition.officials
            where = f"serial {serial}"
            personnel = session.definition.personnel
            if personnel is not None and not invalid_ballot:
                if marks is None:
                    _interactive(session, serial, operator, _device(device))
                else:
                    parsed = parse_personnel_marks(
                        marks, len(officials), where=where, ballot=personnel.ballot
                    )
                    session.enter_personnel_sheet(serial, operator, _device(device), parsed)
            elif invalid_ballot:
                if marks is not None:
                    raise InputError("give --marks or --invalid-ballot, not both", where=where)
                session.enter_ballot(serial, operator, _device(device), None)
            elif marks is not None:
                session.enter_ballot(
                    serial,
                    operator,
                    _device(device),
                    parse_marks(marks, len(officials), where=where, kind=session.definition.kind),
                )
            else:
                _interactive(session, serial, operator, _device(device))
            typer.echo(f"Đã nhập phiếu {serial:04d} ({operator}): {session.serial_state(serial)}")


def _interactive(session: PaperSession, serial: int, operator: str, device: str) -> None:
    """Row by row; ``-`` goes back one row, ``q`` abandons the entry, ``v`` makes the whole
    sheet invalid. Every keystroke that sets or changes a mark is logged. A personnel sheet
    takes its own codes (tick, đồng ý / không đồng ý) through the same keys."""
    definition = session.definition
    personnel = definition.personnel
    officials = definition.officials
    definition.check_serial(serial)
    session.start_entry(serial, operator, device)
    if personnel is not None:
        choices = personnel_choices(personnel.ballot)
    else:
        choices = _PROMPT_CHOICES[definition.kind]
    index = 0
    while index < len(officials):
        official = officials[index]
        answer = typer.prompt(
            f"{index + 1}. {official.name} [{choices}; - lùi, q hủy, v phiếu không hợp lệ]"
        ).strip()
        if answer == "q":
            session.cancel_entry(serial, operator)
            raise InputError("entry abandoned (logged)", where=f"serial {serial}")
        if answer == "v":
            session.set_ballot_invalid(serial, operator)
            break
        if answer == "-":
            index = max(0, index - 1)
            continue
        try:
            if personnel is not None:
                tick = PersonnelMark.from_code(answer, where=official.name, ballot=personnel.ballot)
            else:
                mark = Mark.from_code(answer, where=official.name, kind=definition.kind)
        except InputError as exc:
            typer.echo(str(exc), err=True)
            continue
        if personnel is not None:
            session.set_personnel_mark(serial, operator, official.id, tick)
        else:
            session.set_mark(serial, operator, official.id, mark)
        index += 1
    session.submit_entry(serial, operator)


_PROMPT_CHOICES = {
    RoundKind.POLL: "1 cao / 2 tín nhiệm / 3 thấp / 0 trống / x",
    RoundKind.FORMAL_VOTE: "1 tín nhiệm / 2 không tín nhiệm / 0 trống / x",
}
_KIND_VI = {
    RoundKind.POLL: "lấy phiếu tín nhiệm / confidence poll",
    RoundKind.FORMAL_VOTE: "bỏ phiếu tín nhiệm / formal confidence vote",
}


def _totals(app: typer.Typer) -> None:
    @app.command("totals")
    def totals(
        path: FileArg,
        operator: Operator,
        counts: Annotated[
            Path,
            typer.Option(
                help="CSV: id,high,confident,low,invalid (poll) or "
                "id,confidence,no_confidence,invalid (formal vote)"
            ),
        ],
        issued: Annotated[int, typer.Option(help="ballots issued")],
        returned: Annotated[int, typer.Option(help="ballots returned")],
        device: Device = None,
    ) -> None:
        """Nhập số tổng hợp / enter the totals of a hand count as one operator."""
        with _session(path) as session:
            parsed = parse_counts_csv(counts, session.definition.kind)
            session.enter_totals(operator, _device(device), TotalsSheet(issued, returned, parsed))
            typer.echo(f"Đã nhập số tổng hợp ({operator})")


def _round_facts(app: typer.Typer) -> None:
    @app.command("returned")
    def returned(
        path: FileArg,
        count: Annotated[int, typer.Option(help="paper sheets found in the box")],
        by: By,
    ) -> None:
        """Số phiếu trong hòm / record how many paper sheets the committee found."""
        with _session(path) as session:
            session.declare_returned(count, actor=by)
            typer.echo(f"Số phiếu trong hòm / in the box: {count}")

    @app.command("electronic")
    def electronic(
        path: FileArg,
        voters: Annotated[Path, typer.Option(help="CSV: voter,credential,cast (1/0)")],
        by: By,
        counts: Annotated[
            Path | None,
            typer.Option(
                help="CSV of the electronic counts: id,high,confident,low,invalid (poll) or "
                "id,confidence,no_confidence,invalid (formal vote)"
            ),
        ] = None,
        record: Annotated[
            Path | None, typer.Option(help="or: the electronic round's election record")
        ] = None,
    ) -> None:
        """Nhập phần điện tử / bring in the electronic side of a mixed round."""
        with _session(path) as session:
            kind = session.definition.kind
            credentials, cast = parse_participation_csv(voters)
            if (counts is None) == (record is None):
                raise InputError("give --counts or --record (one of them)", where="electronic")
            if counts is not None:
                level_counts, source = parse_counts_csv(counts, kind), str(counts)
            else:
                assert record is not None
                level_counts, source = _record_counts(record, len(cast), kind), str(record)
            session.import_electronic(
                ElectronicPart(credentials, cast, level_counts, source, kind), actor=by
            )
            typer.echo(f"Điện tử / electronic: {len(credentials)} thẻ, {len(cast)} phiếu")


def _record_counts(path: Path, cast: int, kind: RoundKind) -> dict[str, LevelCounts]:
    from tinnhiem.record import read_record

    record = read_record(path)
    levels = levels_for(kind)
    out = {}
    if not isinstance(record.results, list):
        raise InputError(f"not a {kind.value} record (a personnel step)", where=str(path))
    for index, result in enumerate(record.results):
        counts = result.get("counts", {})
        if set(counts) != set(levels):
            raise InputError(f"not a {kind.value} record", where=f"{path}: results[{index}]")
        if int(result["returned"]) != cast:
            raise InputError(
                f"the record counts {result['returned']} ballots, the voters file {cast} cast",
                where=str(path),
            )
        values = [int(counts[level]) for level in levels] + [int(result["blank"])]
        out[str(result["official"])] = LevelCounts.of(kind, values)
    return out


def _status(app: typer.Typer) -> None:
    @app.command("status")
    def status(path: FileArg) -> None:
        """Tình trạng nhập / progress, open entries, disagreements, reconciliation."""
        with _session(path) as session:
            st = session.status()
            d = session.definition
            typer.echo(f"{d.round_id}: {d.title}")
            if d.mode == "ballots":
                typer.echo(
                    f"Phiếu in / printed {st.printed}; đã nhập / entered {st.entered}; "
                    f"được tính / counted {st.counted}"
                )
            for item, operators in st.in_progress:
                typer.echo(f"  CHỜ / pending {item}: đã nhập bởi {', '.join(operators)}")
            for draft in st.drafts:
                typer.echo(f"  ĐANG NHẬP / open entry {draft.item}: {draft.operator}")
            for dis in st.disagreements:
                values = ", ".join(
                    f"{op}={_shown(value, d.personnel is not None)}" for op, value in dis.entered
                )
                label = (
                    dis.field if dis.field == BALLOT_FIELD else _official_label(session, dis.field)
                )
                item = f"phiếu {int(dis.item):04d}" if dis.item != TOTALS_ITEM else "tổng hợp"
                typer.echo(f"  CHÊNH LỆCH / disagreement {item}, {label}: {values}")
            rec = st.reconciliation
            typer.echo(
                f"Phát ra / issued {rec.issued} (giấy {rec.paper_issued}, điện tử "
                f"{rec.electronic_issued}); thu về / returned {rec.returned} "
                f"(giấy {rec.paper_returned}, điện tử {rec.electronic_cast})"
            )
            for conflict in rec.conflicts:
                typer.echo(f"  ĐỐI CHIẾU / conflict: {conflict.text_vi} / {conflict.text_en}")
            done = "xong / complete" if st.complete else "chưa xong / not complete"
            typer.echo(f"Nhật ký / log: {st.events} sự kiện, head {st.head}; {done}")


def _shown(value: str | None, personnel: bool = False) -> str:
    """A mark as the committee reads it: ``Tín nhiệm thấp (3)``."""
    if value is None:
        return "—"
    if personnel:
        mark = PersonnelMark(value) if value in set(PersonnelMark) else None
        return f"{mark.label_vi} ({mark.code})" if mark else value
    marks = {mark.value: mark for mark in Mark}
    if value in marks:
        return f"{marks[value].label_vi} ({marks[value].code})"
    return value


def _official_label(session: PaperSession, field: str) -> str:
    if "." in field or field in ("issued", "returned"):
        return field
    return f"{field} ({session.definition.official(field).name})"


def _resolve(app: typer.Typer) -> None:
    @app.command("resolve")
    def resolve(
        path: FileArg,
        field: Annotated[
            str,
            typer.Option(help="official id, 'ballot' (sheet valid/invalid), or a totals field"),
        ],
        value: Annotated[
            str,
            typer.Option(
                help="the committee's reading of the paper: a mark code or name of the round's "
                "ballot, valid/invalid for 'ballot', or a number for a totals field"
            ),
        ],
        by: By,
        serial: Annotated[int | None, typer.Option(help="the sheet (ballot rounds)")] = None,
        note: Annotated[str, typer.Option(help="why, for the log")] = "",
    ) -> None:
        """Ban kiểm phiếu quyết định / record the committee's reading of a disputed field."""
        with _session(path) as session:
            if session.definition.mode == "totals":
                if not value.isdigit():
                    raise InputError("a totals value is a whole number", where="--value")
                session.resolve_totals(field, int(value), resolved_by=by, note=note)
                typer.echo(f"Đã quyết định / resolved {field} = {value}")
                return
            if serial is None:
                raise InputError("give the sheet's --serial", where="resolve")
            session.resolve(serial, field, value, resolved_by=by, note=note)
            typer.echo(f"Phiếu {serial:04d}: {session.serial_state(serial)}")


def _minutes(app: typer.Typer) -> None:
    @app.command("minutes")
    def minutes(
        path: FileArg,
        out: Annotated[Path, typer.Option(help="file to write")],
        fmt: Annotated[str, typer.Option("--format", help="pdf, xlsx or csv")] = "pdf",
        draft: Annotated[
            bool, typer.Option("--draft", help="print even with entries pending (BẢN NHÁP)")
        ] = False,
        board_head: Annotated[
            str | None, typer.Option(help="electronic board head hash (mixed rounds)")
        ] = None,
    ) -> None:
        """In biên bản kiểm phiếu / print the tally minutes, with the entry log appended."""
        from tinnhiem.reports import minutes_from_paper, render_minutes

        with _session(path) as session:
            if session.definition.personnel is not None:
                from tinnhiem.reports import personnel_minutes_from_paper, render_personnel_minutes

                personnel = personnel_minutes_from_paper(session, draft=draft)
                _write(out, render_personnel_minutes(personnel, fmt))
                d = personnel.decision
                typer.echo(
                    f"Kết quả / outcome: {d.status.value}; vào bước sau / goes on: "
                    f"{personnel.who(d.advancing)}" + (f" → {d.next_step}" if d.next_step else "")
                )
                return
            data = minutes_from_paper(session, draft=draft, board_head=board_head)
            _write(out, render_minutes(data, fmt))


def _log(app: typer.Typer) -> None:
    @app.command("log")
    def log(path: FileArg) -> None:
        """Nhật ký nhập phiếu / print the entry log and check its hash chain."""
        from tinnhiem.reports import describe_event

        with _session(path) as session:
            head = verify_chain(session.events)
            for event in session.events:
                line = describe_event(event)
                typer.echo(
                    f"{line.seq:>6} {line.ts} {line.actor} | {line.action_vi} | {line.detail}"
                )
            typer.echo(f"Chuỗi băm hợp lệ / hash chain intact; head {head}")


def register(app: typer.Typer) -> None:
    """Add the ``paper`` command group to ``app``."""
    paper_app = typer.Typer(
        help="Phiếu giấy / paper rounds: new, ballots, issue, enter, totals, returned, "
        "electronic, status, resolve, minutes, log, scan, audit.",
        no_args_is_help=True,
    )
    for add in (_new, _ballots, _enter, _totals, _round_facts, _status, _resolve, _minutes, _log):
        add(paper_app)
    from tinnhiem.cli import paper_scan_cmd

    paper_scan_cmd.register(paper_app)
    app.add_typer(paper_app, name="paper")
