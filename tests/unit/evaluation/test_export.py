"""XLSX read back and PDF text extracted, with Vietnamese intact."""

from __future__ import annotations

import io

import openpyxl
import pytest
from pypdf import PdfReader

from tinnhiem.evaluation import (
    PollEntry,
    demo_body,
    evaluate_body,
    render_html,
    write_pdf,
    write_xlsx,
)
from tinnhiem.rules import evaluate_poll, load_rule


@pytest.fixture(scope="module")
def report():
    from tinnhiem.evaluation import load_policy

    body = demo_body()
    rule = load_rule(body.rule)
    polls = [PollEntry(n, p, c, evaluate_poll(rule, c, members=None)) for n, p, c in body.polls]
    policy = load_policy().with_changes(draws=400)
    return evaluate_body(
        body.programme,
        polls,
        policy,
        at=body.at,
        rule_label=rule.id,
        history=body.history,
        other_bodies=body.other_bodies,
    )


def test_xlsx_reads_back(tmp_path, report):
    path = write_xlsx(report, tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Tong hop",
        "De an",
        "He qua",
        "Xu huong",
        "Ti le xuat sac",
        "Chinh sach",
        "Can cu",
    ]
    summary = list(book["Tong hop"].iter_rows(min_row=4, values_only=True))
    assert len(summary) == 25
    first = report.officials[0]
    assert summary[0][0] == first.official
    assert summary[0][9] == pytest.approx(float(first.work.score))
    assert summary[0][16] == first.rating.rating.text_vi
    assignments = list(book["De an"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in assignments] == [f"DA-{i:02d}" for i in range(1, 18)]
    policy_rows = dict(book["Chinh sach"].iter_rows(max_row=8, values_only=True))
    assert policy_rows["SHA-256"] == report.policy_sha256
    basis = list(book["Can cu"].iter_rows(values_only=True))
    assert "Chính sách riêng của cơ quan" in basis[0][0]
    by_parameter = {row[0]: row[2] for row in basis[3:]}
    assert "Chính sách riêng của cơ quan" in by_parameter["work_weight"]
    assert by_parameter["excellent_min"].startswith("Quy định 366-QĐ/TW")
    assert "Nghị định 335/2025" in by_parameter["excellent_quota_of_good"]
    beside = list(book["Xu huong"].iter_rows(min_row=2, values_only=True))
    assert sum(1 for row in beside if row[1] == "2024") == 25
    assert sum(1 for row in beside if str(row[10]).startswith("ẩn")) == 2
    flagged = [row for row in summary if row[14]]
    assert {row[0] for row in flagged} == {r.official for r in report.flags.flagged()}


def test_pdf_text_has_vietnamese(tmp_path, report):
    path = write_pdf(report, tmp_path / "r.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)
    assert "Báo cáo đánh giá" in text
    assert report.officials[0].official in text
    assert "Tín nhiệm cao hơn kết quả công việc" in text.replace("\n", " ")
    assert report.policy_sha256 in text.replace("\n", "")


def test_html_uses_dejavu(report):
    assert '"DejaVu Sans"' in render_html(report)
