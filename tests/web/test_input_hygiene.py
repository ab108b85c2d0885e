"""Issue 11, item 5: what a person types or uploads passes one text gate (NFC; no control or
text-direction characters; not only invisible characters) with a Vietnamese message naming
the character and the place; the comment limit is 1500 everywhere; uploads are sized and
counted before parsing; no English leaks into the Vietnamese pages."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tinnhiem.web.actions import ActionError, do_create_body, do_post_comment
from tinnhiem.web.forms import LoginForm
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.roster import MAX_ROWS, RosterError, parse_roster
from tinnhiem.web.models import Body, Comment, Person, Result, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def voter(make_user, grant_role, setup_round):
    user = make_user("voter")
    grant_role(user, Role.VOTER, round=setup_round)
    return user


@pytest.fixture
def published(setup_round):
    Result.objects.create(round=setup_round, payload={"officials": []}, published_at=timezone.now())
    return setup_round


# -- comments -----------------------------------------------------------------------------


def test_zero_width_comment_is_refused_naming_the_character(client, voter, published):
    client.force_login(voter)
    url = reverse("web:results_comment", args=[published.pk])
    response = client.post(url, {"text": "\u200b\u200b\u200b"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "chỉ gồm ký tự vô hình" in page and "U+200B ZERO WIDTH SPACE" in page
    with pytest.raises(ActionError) as caught:
        do_post_comment(Actor(voter), published, "\ufeff\u200d")
    assert "U+FEFF" in str(caught.value)
    assert Comment.objects.count() == 0


def test_comment_with_bidi_override_is_refused_with_its_position(client, voter, published):
    client.force_login(voter)
    url = reverse("web:results_comment", args=[published.pk])
    page = client.post(url, {"text": "Đồng ý\u202eưh"}).content.decode()
    assert "Bình luận, vị trí 7" in page
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in page
    assert Comment.objects.count() == 0


def test_comment_over_6000_is_refused_with_the_1500_limit(client, voter, published):
    client.force_login(voter)
    url = reverse("web:results_comment", args=[published.pk])
    page = client.post(url, {"text": "x" * 6001}).content.decode()
    assert "6000" not in page and "kí tự" not in page
    assert "Bình luận dài 6001 ký tự, vượt quá giới hạn 1500 ký tự." in page
    assert Comment.objects.count() == 0


def test_comment_multiline_keeps_line_breaks(client, voter, published):
    client.force_login(voter)
    url = reverse("web:results_comment", args=[published.pk])
    assert client.post(url, {"text": "Dòng một\r\nDòng hai"}).status_code == 302
    assert Comment.objects.get().text == "Dòng một\nDòng hai"
    page = client.post(url, {"text": "Dòng một\nDòng\x1b hai"}).content.decode()
    assert "Bình luận, dòng 2, cột 5" in page and "U+001B ESCAPE" in page


# -- forms and actions ---------------------------------------------------------------------


def test_login_with_nul_speaks_vietnamese(client):
    response = client.post(reverse("web:login"), {"username": "a\x00b", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Null characters" not in page
    assert "Tên đăng nhập, vị trí 2: ký tự điều khiển U+0000 NULL" in page
    form = LoginForm({"username": "bob", "password": "pw\x00"})
    assert not form.is_valid()
    assert "U+0000 NULL" in form.errors["password"][0]


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Hội đồng\x07", "U+0007 BELL"),
        ("Hội\x1bđồng", "U+001B ESCAPE"),
        ("Hội đồng \u202eabc", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
    ],
)
def test_body_name_refused_by_the_action(org_actor, name, label):
    with pytest.raises(ActionError) as caught:
        do_create_body(org_actor, code="x-body", name=name)
    assert label in str(caught.value) and caught.value.field == "name"
    assert not Body.objects.filter(code="x-body").exists()


def test_round_title_and_restart_reason_forms(client, organiser, body, setup_round):
    from tinnhiem.web.forms import RoundForm
    from tinnhiem.web.forms.committee import RestartForm

    form = RoundForm({"title": "Đợt\u2067 1", "kind": "poll", "rule_id": "x"})
    assert not form.is_valid()
    assert "Tên đợt, vị trí 4" in form.errors["title"][0]
    restart = RestartForm({"reason": "Khiếu nại\x00"}, accused={}, people=[])
    assert not restart.is_valid()
    assert "U+0000 NULL" in restart.errors["reason"][0]


def test_paper_resolve_note_form():
    from tinnhiem.web.forms.paper import ResolveForm

    form = ResolveForm({"item": "1", "field": "m", "value": "1", "note": "ghi\u202echú"})
    assert not form.is_valid()
    assert "Ghi chú, vị trí 4" in form.errors["note"][0]


# -- passwords -----------------------------------------------------------------------------


def test_password_change_messages_are_vietnamese_and_old_one_refused(client, make_user):
    user = make_user("carol", password="pw-Secret-123")
    client.force_login(user)
    url = reverse("web:password")
    page = client.post(
        url, {"old_password": "pw-Secret-123", "new_password1": "ab1", "new_password2": "ab1"}
    ).content.decode()
    assert "This password" not in page and "too short" not in page
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in page
    same = {
        "old_password": "pw-Secret-123",
        "new_password1": "pw-Secret-123",
        "new_password2": "pw-Secret-123",
    }
    response = client.post(url, same)
    assert response.status_code == 400
    assert "Mật khẩu mới phải khác mật khẩu hiện tại." in response.content.decode()
    page = client.post(
        url,
        {"old_password": "sai", "new_password1": "Mới-đủ-dài-2026", "new_password2": "x"},
    ).content.decode()
    assert "Mật khẩu hiện tại không đúng." in page
    user.refresh_from_db()
    assert user.check_password("pw-Secret-123")


# -- uploads -------------------------------------------------------------------------------


def _xlsx_with_rows(rows: int, *, declared: int | None = None) -> bytes:
    """A minimal workbook written by hand (fast even for many rows)."""
    dimension = f'<dimension ref="A1:B{declared}"/>' if declared else ""
    body = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>M{i}</t></is></c>'
        f'<c r="B{i}" t="inlineStr"><is><t>Tên {i}</t></is></c></row>'
        for i in range(1, rows + 1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension}<sheetData>{body}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def test_roster_with_too_many_rows_refused_before_parsing():
    declared = _xlsx_with_rows(3, declared=300_001)
    started = time.monotonic()
    with pytest.raises(RosterError) as caught:
        parse_roster(declared, "ds.xlsx")
    assert "tối đa 20.000 dòng" in str(caught.value)
    counted = _xlsx_with_rows(MAX_ROWS + 5)
    with pytest.raises(RosterError) as caught:
        parse_roster(counted, "ds.xlsx")
    assert "tối đa 20.000 dòng" in str(caught.value)
    assert time.monotonic() - started < 5


def test_roster_not_a_zip_speaks_vietnamese():
    with pytest.raises(RosterError) as caught:
        parse_roster(b"PK\x03\x04 broken", "ds.xlsx")
    text = str(caught.value)
    assert "zip" not in text.lower()
    assert "Tệp không phải bảng tính XLSX đọc được" in text


def test_roster_too_large_refused_by_size(client, organiser, body):
    client.force_login(organiser)
    big = SimpleUploadedFile("ds.csv", b"Ma,Ho va ten\n" + b"A,B\n" * (2 * 1024 * 1024))
    response = client.post(reverse("web:roster_import", args=[body.pk]), {"file": big})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Tệp quá lớn" in page and "tối đa 5 MB" in page


def test_roster_rows_with_control_and_bidi_characters():
    data = (
        "Mã,Họ và tên,Chức vụ\n"
        "A1,Lê Văn\x00 A,\n"
        "A2,Trần\x07,\n"
        "A3,Ngô \u202eB,Phó\x1b chủ tịch\n"
        "A4,\u200b\u200b,\n"
        "A5,Đúng Tên,Chủ tịch\n"
    ).encode()
    with pytest.raises(RosterError) as caught:
        parse_roster(data, "ds.csv")
    found = {(p.line, p.column): p.message for p in caught.value.problems}
    assert "U+0000 NULL" in found[(2, "Họ và tên")] and "vị trí 7" in found[(2, "Họ và tên")]
    assert "U+0007 BELL" in found[(3, "Họ và tên")]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in found[(4, "Họ và tên")]
    assert "U+001B ESCAPE" in found[(4, "Chức vụ")]
    assert "U+200B ZERO WIDTH SPACE" in found[(5, "Họ và tên")]
    assert not any(line == 6 for line, _ in found)
    assert Person.objects.count() == 0


def test_programme_import_refuses_unsafe_text_in_vietnamese(client, organiser, setup_round):
    client.force_login(organiser)
    data = (
        "record,assignment,title,body,official,date,due\n"
        "programme,,Chương trình\u202e 2026,demo,,2026-01-01,2026-12-31\n"
    ).encode()
    upload = SimpleUploadedFile("ct.csv", data)
    response = client.post(reverse("web:eval_import", args=[setup_round.pk]), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in page and "ký tự đổi chiều văn bản" in page


def test_programme_import_refuses_a_huge_sheet_quickly(client, organiser, setup_round):
    client.force_login(organiser)
    upload = SimpleUploadedFile("ct.xlsx", _xlsx_with_rows(2, declared=300_001))
    started = time.monotonic()
    response = client.post(reverse("web:eval_import", args=[setup_round.pk]), {"file": upload})
    assert time.monotonic() - started < 5
    page = response.content.decode()
    assert response.status_code == 400
    assert "tối đa 20.000 dòng" in page


# -- spreadsheet exports -------------------------------------------------------------------

EVIL = '=HYPERLINK("http://evil.invalid","bấm")'


def test_minutes_exports_never_carry_a_formula(setup_round, org_actor):
    import csv

    import openpyxl
    from django.test import Client

    from tinnhiem.paper import Mark
    from tinnhiem.web.actions.paper_entry import do_paper_enter_ballot
    from tinnhiem.web.actions.paper_rounds import do_create_paper_round
    from tinnhiem.web.models import Membership

    round_ = setup_round
    first = round_.officials.order_by("order").first()
    first.person.full_name = EVIL
    first.person.save()
    do_create_paper_round(org_actor, round_, paper_serials=1, present=6)
    members = Membership.objects.filter(round=round_, role=Role.COMMITTEE).order_by("user__pk")
    for member in list(members)[:2]:
        actor = Actor(member.user, Role.COMMITTEE)
        do_paper_enter_ballot(actor, round_, serial=1, marks=[Mark.HIGH, Mark.LOW])
    client = Client()
    client.force_login(org_actor.user)
    raw = client.get(reverse("web:paper_minutes", args=[round_.pk, "csv"])).content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + EVIL in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    data = client.get(reverse("web:paper_minutes", args=[round_.pk, "xlsx"])).content
    book = openpyxl.load_workbook(io.BytesIO(data))
    found = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == EVIL
    ]
    assert found and all(cell.data_type == "s" for cell in found)
    with zipfile.ZipFile(io.BytesIO(data)) as parts:
        assert not any(b"<f>" in parts.read(name) for name in parts.namelist())


# -- engine refusals -----------------------------------------------------------------------


def test_every_engine_refusal_has_a_vietnamese_message():
    """No refusal of the poll engine falls back to 'Không thực hiện được: <English>'."""
    import ast
    import pathlib

    import tinnhiem.poll
    from tinnhiem.web.actions.poll import _ballot_messages, _step_messages

    known = set(_ballot_messages()) | set(_step_messages())
    raised = set()
    for path in pathlib.Path(tinnhiem.poll.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                first = node.args[0]
                if name in ("PollStateError", "StepRefused", "PollError", "_refuse") and (
                    isinstance(first, ast.Constant) and isinstance(first.value, str)
                ):
                    raised.add(first.value)
    assert raised and raised <= known, sorted(raised - known)


def test_refusals_read_in_english_on_the_english_pages(client, voter, published):
    client.force_login(voter)
    client.cookies["django_language"] = "en"
    url = reverse("web:results_comment", args=[published.pk])
    page = client.post(url, {"text": "\u200b"}).content.decode()
    assert "has only invisible characters (such as U+200B ZERO WIDTH SPACE)" in page
    page = client.post(url, {"text": "a\u202e"}).content.decode()
    assert "position 2: the text-direction character U+202E RIGHT-TO-LEFT OVERRIDE" in page
