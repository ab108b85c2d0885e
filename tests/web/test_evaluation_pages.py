"""Evaluation pages: a year's work programme imported (good and malformed), the leader's
view with the scatter plot, the flags and the unchanged legal tally, an official's own
view, and the exports. The poll is a hand-counted paper round of the demo body (44
officials, 58 voters), its totals entered twice."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tinnhiem.evaluation import demo_body, write_programme
from tinnhiem.paper import LevelCounts, TotalsSheet
from tinnhiem.web.actions import (
    do_add_committee_member,
    do_add_official,
    do_create_body,
    do_create_round,
    do_ensure_account,
    do_import_roster,
)
from tinnhiem.web.actions.paper_entry import do_paper_enter_totals
from tinnhiem.web.actions.paper_rounds import do_create_paper_round
from tinnhiem.web.lib.access import Actor
from tinnhiem.web.lib.roster import RosterRow
from tinnhiem.web.models import AuditEntry, Person, Role
from tinnhiem.web.models.evaluation import ProgrammeUpload

DEMO = demo_body()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def demo_round(org_actor: Any) -> Any:
    """The demo body's poll as a web round, counted by hand and entered twice."""
    body = do_create_body(org_actor, code="ubnd-demo", name=DEMO.programme.body)
    names = [name for name, _post, _counts in DEMO.polls]
    rows = [RosterRow(i + 2, f"C{i + 1:02d}", n, "", "") for i, n in enumerate(names)]
    rows += [
        RosterRow(len(rows) + 2 + i, f"K{i + 1}", f"Kiểm phiếu {i + 1}", "", "") for i in range(3)
    ]
    do_import_roster(org_actor, body, rows)
    round_ = do_create_round(
        org_actor,
        body,
        title="Lấy phiếu 2025",
        kind="poll",
        rule_id=DEMO.rule,
        threshold=2,
        committee_size=3,
    )
    people = {p.full_name: p for p in Person.objects.filter(body=body)}
    for name, post, _counts in DEMO.polls:
        do_add_official(org_actor, round_, people[name], post=post)
    operators = []
    for i in range(3):
        account = do_ensure_account(org_actor, people[f"Kiểm phiếu {i + 1}"])
        do_add_committee_member(org_actor, round_, account.user)
        operators.append(Actor(account.user, Role.COMMITTEE))
    do_create_paper_round(org_actor, round_, mode="totals", paper_serials=0)
    keys = {o.person.full_name: f"cb{o.pk}" for o in round_.officials.all()}
    first = DEMO.polls[0][2]
    sheet = TotalsSheet(
        issued=first.issued,
        returned=first.returned,
        counts={
            keys[name]: LevelCounts(c.high, c.confident, c.low, c.invalid)
            for name, _post, c in DEMO.polls
        },
    )
    for actor in operators[:2]:
        do_paper_enter_totals(actor, round_, sheet=sheet)
    return round_


@pytest.fixture
def programme_csv(tmp_path: Path) -> bytes:
    return write_programme(DEMO.programme, tmp_path / "programme.csv").read_bytes()


def _upload(user: Any, round_: Any, data: bytes, name: str) -> Any:
    return _client(user).post(
        reverse("web:eval_import", args=[round_.pk]),
        {"file": _named(data, name)},
    )


def _named(data: bytes, name: str) -> Any:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_import_good_programme(demo_round: Any, organiser: Any, programme_csv: bytes) -> None:
    response = _upload(organiser, demo_round, programme_csv, "programme.csv")
    assert response.status_code == 200, response.content.decode()[:2000]
    upload = ProgrammeUpload.objects.get(round=demo_round)
    assert upload.year == 2025 and upload.assignments == len(DEMO.programme.assignments)
    assert AuditEntry.objects.filter(action="evaluation.import", round=demo_round).count() == 1


def test_import_xlsx_programme(demo_round: Any, organiser: Any, tmp_path: Path) -> None:
    data = write_programme(DEMO.programme, tmp_path / "programme.xlsx").read_bytes()
    response = _upload(organiser, demo_round, data, "chuong-trinh.xlsx")
    assert response.status_code == 200
    assert ProgrammeUpload.objects.filter(round=demo_round).count() == 1


def test_malformed_programme_lists_errors_and_stores_nothing(
    demo_round: Any, organiser: Any, programme_csv: bytes
) -> None:
    lines = programme_csv.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    due = header.index("due")
    # break the first assignment's due date, and add an unknown record kind
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split(",")
        if cells[0] == "assignment":
            cells[due] = "31/13/2025"
            lines[number - 1] = ",".join(cells)
            bad_line = number
            break
    lines.append("meeting" + "," * (len(header) - 1))
    response = _upload(organiser, demo_round, "\n".join(lines).encode(), "programme.csv")
    assert response.status_code == 400
    issues = response.context["issues"]
    assert any(i.line == bad_line and i.column == "due" for i in issues)
    assert any(i.line == len(lines) and i.column == "record" for i in issues)
    html = response.content.decode()
    assert "chưa lưu gì" in html
    assert not ProgrammeUpload.objects.exists()
    assert not AuditEntry.objects.filter(action="evaluation.import").exists()
    # not a spreadsheet or CSV at all
    response = _upload(organiser, demo_round, b"%PDF-1.4", "programme.pdf")
    assert response.status_code == 400
    assert not ProgrammeUpload.objects.exists()


def test_only_organisers_import(
    demo_round: Any, programme_csv: bytes, make_user: Any, grant_role: Any
) -> None:
    observer = make_user("quan-sat")
    grant_role(observer, Role.OBSERVER, body=demo_round.body)
    assert _upload(observer, demo_round, programme_csv, "p.csv").status_code == 403
    assert not ProgrammeUpload.objects.exists()


def test_leader_view_scatter_flags_and_legal_tally(
    demo_round: Any, organiser: Any, programme_csv: bytes
) -> None:
    _upload(organiser, demo_round, programme_csv, "programme.csv")
    page = _client(organiser).get(reverse("web:eval", args=[demo_round.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html and 'aria-labelledby="scatter-title scatter-desc"' in html
    svg = "<svg" + html.split("<svg", 1)[1].split("</svg>", 1)[0] + "</svg>"
    assert "style=" not in svg
    tree = ElementTree.fromstring(svg)  # well-formed, with one marker per official
    groups = tree.findall("{http://www.w3.org/2000/svg}g")
    assert len(groups) == len(DEMO.polls)
    assert len(tree.findall(".//{http://www.w3.org/2000/svg}polygon")) >= 1  # flagged above
    assert len(tree.findall(".//{http://www.w3.org/2000/svg}rect")) >= 2  # frame + flagged below
    flagged = {r["name"]: r["flag"]["kind"] for r in page.context["flagged"]}
    assert flagged[DEMO.popular_idle] == "confidence_above_performance"
    assert flagged[DEMO.unpopular_achiever] == "performance_above_confidence"
    assert "Tín nhiệm cao hơn kết quả công việc" in html
    assert "không phải kết luận hay chế tài" in html  # the caveats
    # the legal tally is shown as the minutes print it, unchanged
    name, _post, counts = DEMO.polls[0]
    row = next(r for r in page.context["rows"] if r["name"] == name)
    shown = {level: count for level, count, _pct in row["legal"]["levels"]}
    assert shown == {"high": counts.high, "confident": counts.confident, "low": counts.low}
    assert len(page.context["points"]) == len(DEMO.polls)


def test_exports(demo_round: Any, organiser: Any, programme_csv: bytes) -> None:
    _upload(organiser, demo_round, programme_csv, "programme.csv")
    pdf = _client(organiser).get(reverse("web:eval_export", args=[demo_round.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert DEMO.programme.body in text
    xlsx = _client(organiser).get(reverse("web:eval_export", args=[demo_round.pk, "xlsx"]))
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert "Tong hop" in book.sheetnames


def test_official_sees_only_their_own_view(
    demo_round: Any, organiser: Any, org_actor: Any, programme_csv: bytes
) -> None:
    _upload(organiser, demo_round, programme_csv, "programme.csv")
    me = Person.objects.get(body=demo_round.body, full_name=DEMO.popular_idle)
    account = do_ensure_account(org_actor, me)
    page = _client(account.user).get(reverse("web:eval", args=[demo_round.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert page.context["row"]["name"] == DEMO.popular_idle
    assert page.context["row"]["flag"]["kind"] == "confidence_above_performance"
    assert "s = c·t·q" in html and page.context["parts"]
    assert "Wilson" in html
    others = [n for n, _p, _c in DEMO.polls if n != DEMO.popular_idle]
    assert not any(name in html for name in others)
    assert "<svg" not in html
    export = reverse("web:eval_export", args=[demo_round.pk, "pdf"])
    assert _client(account.user).get(export).status_code == 403


def test_small_group_breakdown_is_suppressed(
    org_actor: Any, setup_round: Any, organiser: Any, tmp_path: Path
) -> None:
    """Fewer than 5 raters: the shares and intervals of that official are not shown."""
    round_ = setup_round
    do_create_paper_round(org_actor, round_, mode="totals", paper_serials=0, present=4)
    officials = list(round_.officials.order_by("order"))
    sheet = TotalsSheet(
        issued=4,
        returned=4,
        counts={f"cb{o.pk}": LevelCounts(high=2, confident=1, low=1) for o in officials},
    )
    from tinnhiem.web.models import Membership

    seats = Membership.objects.filter(round=round_, role=Role.COMMITTEE)[:2]
    for seat in seats:
        do_paper_enter_totals(Actor(seat.user, Role.COMMITTEE), round_, sheet=sheet)
    names = [o.person.full_name for o in officials]
    csv_text = (
        "record,assignment,title,body,official,share,date,due,percent,score,evidence,person\n"
        f"programme,,Chương trình 2025,{round_.body.name},,,2025-01-01,2025-12-31,,,,\n"
        f"assignment,DA1,Đề án 1,,{names[0]},,,2025-06-30,,,,\n"
        f"assignment,DA2,Đề án 2,,{names[1]},,,2025-06-30,,,,\n"
        f"progress,DA1,,,,,2025-06-01,,100,,BB-01,Hoàng Năm\n"
        f"review,DA1,,,,,2025-07-01,,,3,,Hoàng Năm\n"
    )
    response = _upload(organiser, round_, csv_text.encode(), "p.csv")
    assert response.status_code == 200, response.content.decode()[:3000]
    page = _client(organiser).get(reverse("web:eval", args=[round_.pk]))
    rows = {r["name"]: r for r in page.context["rows"]}
    assert rows[names[0]]["share"] is None and rows[names[0]]["hidden"] is not None
    assert "dưới 5 người đánh giá" in page.content.decode()
    assert page.context["points"] == []


def test_official_waits_for_the_published_result(setup_round: Any) -> None:
    """An electronic result is public once published; a paper round's once final."""
    from django.utils import timezone

    from tinnhiem.web.lib.visibility import published
    from tinnhiem.web.models import Result

    assert not published(setup_round)
    result = Result.objects.create(round=setup_round, payload={})
    assert not published(setup_round)
    result.published_at = timezone.now()
    result.save(update_fields=["published_at"])
    assert published(setup_round)
