"""Roster import from CSV and XLSX: encodings, NFC, errors by line and column, all or
nothing."""

from __future__ import annotations

import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tinnhiem.web.actions import do_create_body, do_import_roster
from tinnhiem.web.lib.roster import RosterError, parse_roster
from tinnhiem.web.models import AuditEntry, Person

pytestmark = pytest.mark.django_db

NFD_NAME = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
NFC_NAME = unicodedata.normalize("NFC", "Nguyễn Thị Ánh")


def _csv(text: str, *, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_with_bom_and_nfc():
    assert NFD_NAME != NFC_NAME
    data = _csv(f"Mã,Họ và tên,Đơn vị\nA1,{NFD_NAME},Ban A\nA2,Trần Văn B,\n", bom=True)
    rows = parse_roster(data, "ds.csv")
    assert [r.external_id for r in rows] == ["A1", "A2"]
    assert rows[0].full_name == NFC_NAME
    assert rows[0].line == 2


def test_csv_without_bom_semicolon_and_english_headers():
    rows = parse_roster(_csv("code;name;unit\nB1;Lê Văn C;X\n", bom=False), "ds.csv")
    assert rows[0].full_name == "Lê Văn C"


def test_xlsx_with_numeric_codes():
    data = _xlsx(
        [["Mã", "Họ và tên", "Chức vụ"], [101, NFD_NAME, "Đại biểu"], [102, "Bùi D", None]]
    )
    rows = parse_roster(data, "ds.xlsx")
    assert [r.external_id for r in rows] == ["101", "102"]
    assert rows[0].full_name == NFC_NAME


def test_malformed_roster_reports_line_and_column():
    data = _csv("Mã,Họ và tên\nA1,Tên Một\nA2,\n,Tên Ba\nA1,Tên Bốn\n", bom=False)
    with pytest.raises(RosterError) as caught:
        parse_roster(data, "ds.csv")
    problems = {(p.line, p.column) for p in caught.value.problems}
    assert problems == {(3, "Họ và tên"), (4, "Mã"), (5, "Mã")}
    assert "dòng 3" in str(caught.value)
    assert "ds.csv" in str(caught.value)


def test_missing_required_header():
    with pytest.raises(RosterError) as caught:
        parse_roster(_csv("Mã,Đơn vị\nA1,X\n", bom=False), "ds.csv")
    assert caught.value.problems[0].line == 1


def test_not_utf8_is_reported():
    with pytest.raises(RosterError) as caught:
        parse_roster("Mã,Họ và tên\n".encode() + b"A1,Nguy\xea\n", "ds.csv")
    assert caught.value.problems[0].line == 2


def test_import_is_all_or_nothing(org_actor):
    body = do_create_body(org_actor, code="b", name="B")
    do_import_roster(org_actor, body, parse_roster(_csv("Mã,Họ và tên\nA1,Một\n", bom=False), "a"))
    rows = parse_roster(_csv("Mã,Họ và tên\nA2,Hai\nA1,Một lần nữa\n", bom=False), "b.csv")
    with pytest.raises(RosterError) as caught:
        do_import_roster(org_actor, body, rows, source="b.csv")
    assert caught.value.problems[0].line == 3
    assert list(Person.objects.filter(body=body).values_list("external_id", flat=True)) == ["A1"]


def test_endpoint_import_and_preview(client, organiser, org_actor):
    body = do_create_body(org_actor, code="b", name="B")
    client.force_login(organiser)
    url = reverse("web:roster_import", args=[body.pk])
    csv_bytes = _csv(f"Mã,Họ và tên\nA1,{NFD_NAME}\nA2,Hai\n", bom=True)
    preview = client.post(url, {"file": SimpleUploadedFile("ds.csv", csv_bytes), "preview": "on"})
    assert preview.status_code == 200
    assert NFC_NAME in preview.content.decode()
    assert Person.objects.count() == 0
    done = client.post(url, {"file": SimpleUploadedFile("ds.csv", csv_bytes)})
    assert done.status_code == 200
    assert Person.objects.filter(body=body).count() == 2
    assert Person.objects.get(external_id="A1").full_name == NFC_NAME
    assert AuditEntry.objects.filter(action="roster.import", body=body).count() == 1


def test_endpoint_malformed_xlsx_stores_nothing(client, organiser, org_actor):
    body = do_create_body(org_actor, code="b", name="B")
    client.force_login(organiser)
    data = _xlsx([["Mã", "Họ và tên"], ["A1", "Một"], ["A2", None]])
    response = client.post(
        reverse("web:roster_import", args=[body.pk]), {"file": SimpleUploadedFile("ds.xlsx", data)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<td>3</td><td>Họ và tên</td>" in page
    assert Person.objects.filter(body=body).count() == 0
