"""Import of a work programme from CSV and XLSX: errors by line/row and column, all or nothing."""

from __future__ import annotations

from fractions import Fraction as F

import openpyxl
import pytest

from tinnhiem.evaluation import (
    COLUMNS,
    ProgrammeImportError,
    Rating,
    demo_body,
    load_programme,
    parse_programme_csv,
    write_programme,
)

HEADER = ",".join(COLUMNS)


def row(**cells: str) -> str:
    return ",".join(cells.get(c, "") for c in COLUMNS)


GOOD = (
    "\n".join(
        [
            HEADER,
            row(
                record="programme",
                body="Sở Y tế",
                title="Chương trình 2025",
                date="2025-01-01",
                due="2025-12-31",
            ),
            row(record="official", official="Lê Văn A", unit="Phòng 1", previous_rating="good"),
            row(
                record="assignment",
                assignment="DA1",
                title="Bệnh viện vệ tinh",
                official="Lê Văn A",
                due="2025-06-30",
                weight="2",
                ambitious_flagged_on="15/12/2024",
            ),
            row(record="owner", assignment="DA1", official="Trần Thị B", share="30%"),
            row(record="milestone", assignment="DA1", date="2025-03-31", percent="40"),
            row(
                record="progress",
                assignment="DA1",
                date="2025-06-20",
                percent="75",
                evidence="QĐ 12",
                person="Thanh tra",
            ),
            row(
                record="review", assignment="DA1", date="2025-07-01", score="3.5", person="Hội đồng"
            ),
            row(
                record="excuse",
                assignment="DA1",
                days="7",
                note="Chờ vốn",
                person="Chủ tịch",
                date="2025-05-01",
            ),
            row(
                record="finding",
                official="Trần Thị B",
                kind="discipline",
                level="reprimand",
                evidence="QĐ kỷ luật 3",
            ),
        ]
    )
    + "\n"
)


def test_good_file_imports_every_record():
    programme = parse_programme_csv(GOOD, file="p.csv")
    (a,) = programme.assignments
    assert a.owners[1].share == F(3, 10) and a.lead_share == F(7, 10)
    assert a.weight == 2 and a.ambitious
    assert a.milestones[0].planned == F(2, 5)
    assert a.progress[0].verified == F(3, 4) and a.progress[0].verifier == "Thanh tra"
    assert a.reviews[0].score == F(7, 2)
    assert a.excused_days == 7
    assert programme.unit_of("Lê Văn A") == "Phòng 1"
    assert programme.unit_of("Trần Thị B") == "Sở Y tế"
    assert programme.previous_rating("Lê Văn A") is Rating.GOOD
    assert programme.findings[0].level == "reprimand"


def test_every_error_is_reported_by_line_and_column():
    lines = GOOD.splitlines()
    lines[4] = lines[4].replace("30%", "ba mươi")  # line 5: share
    lines[5] = lines[5].replace("2025-03-31", "2025-02-30")  # line 6: date
    lines[6] = lines[6].replace("Thanh tra", "Trần Thị B")  # line 7: an owner verifies
    lines.append(row(record="milestone", assignment="DA9", date="2025-01-01", percent="5"))
    lines.append(row(record="budget", assignment="DA1"))
    with pytest.raises(ProgrammeImportError) as info:
        parse_programme_csv("\n".join(lines) + "\n", file="p.csv")
    found = {(i.line, i.column) for i in info.value.issues}
    assert found == {(5, "share"), (6, "date"), (11, "assignment"), (12, "record")}
    message = str(info.value)
    assert "p.csv, line 5, column share: not a number: 'ba mươi'" in message
    assert "nothing was imported" in message


def test_owner_rule_violation_points_at_its_row():
    bad = GOOD.replace("Thanh tra", "Trần Thị B")
    with pytest.raises(ProgrammeImportError) as info:
        parse_programme_csv(bad, file="p.csv")
    (issue,) = info.value.issues
    assert (issue.line, issue.column) == (7, "person")
    assert "cannot verify" in issue.message


def test_late_ambitious_flag_points_at_its_cell():
    bad = GOOD.replace("15/12/2024", "2025-02-01")
    with pytest.raises(ProgrammeImportError) as info:
        parse_programme_csv(bad, file="p.csv")
    (issue,) = info.value.issues
    assert (issue.line, issue.column) == (4, "ambitious_flagged_on")


def test_header_problems():
    with pytest.raises(ProgrammeImportError, match="unknown column 'colour'"):
        parse_programme_csv(HEADER + ",colour\n", file="p.csv")
    with pytest.raises(ProgrammeImportError, match="exactly one 'programme' row"):
        parse_programme_csv(HEADER + "\n", file="p.csv")


def test_quoted_multiline_cell_keeps_line_numbers():
    lines = GOOD.splitlines()
    lines[2] = lines[2].replace("Phòng 1", '"Phòng\n1"')
    lines[5] = lines[5].replace("40", "abc")
    with pytest.raises(ProgrammeImportError) as info:
        parse_programme_csv("\n".join(lines) + "\n", file="p.csv")
    assert [(i.line, i.column) for i in info.value.issues] == [(7, "percent")]


def test_xlsx_errors_name_row_and_column_letter(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    sheet.cell(row=6, column=COLUMNS.index("percent") + 1).value = "forty"
    path = tmp_path / "p.xlsx"
    book.save(path)
    with pytest.raises(ProgrammeImportError) as info:
        load_programme(path)
    (issue,) = info.value.issues
    assert (issue.line, issue.column) == (6, "I (percent)")
    assert f"{path}, row 6, column I (percent)" in str(info.value)


def test_xlsx_percent_cells_and_dates(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    cell = sheet.cell(row=6, column=COLUMNS.index("percent") + 1)
    cell.value = 0.4
    cell.number_format = "0%"
    path = tmp_path / "p.xlsx"
    book.save(path)
    (a,) = load_programme(path).assignments
    assert a.milestones[0].planned == F(2, 5)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_demo_round_trip(tmp_path, suffix):
    programme = demo_body().programme
    path = write_programme(programme, tmp_path / f"demo.{suffix}")
    assert load_programme(path) == programme


def test_unknown_file_type(tmp_path):
    path = tmp_path / "p.ods"
    path.write_bytes(b"x")
    with pytest.raises(ProgrammeImportError, match=r"use \.csv or \.xlsx"):
        load_programme(path)
