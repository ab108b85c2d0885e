"""Paper rounds through the web pages: independent double entry by two operators, the
disagreements page and the committee's resolution, each operator seeing only their own
entries, refused roles, and the entry log kept append-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinnhiem.web.models import AppendOnlyError, AuditEntry, Membership, Role
from tinnhiem.web.models.paper import PaperEvent, PaperRound


def _operators(round_: Any) -> list[Any]:
    users = [
        m.user
        for m in Membership.objects.filter(round=round_, role=Role.COMMITTEE).select_related("user")
    ]
    return sorted(users, key=lambda u: u.username)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def paper_round(setup_round: Any, organiser: Any) -> Any:
    client = _client(organiser)
    response = client.post(
        reverse("web:paper", args=[setup_round.pk]),
        {
            "mode": "ballots",
            "paper_serials": "5",
            "required_entries": "2",
            "present": "5",
            "place": "Hội trường",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return setup_round


def _keys(round_: Any) -> list[str]:
    return [f"cb{o.pk}" for o in round_.officials.order_by("order")]


def _enter(user: Any, round_: Any, serial: int, codes: list[str], **extra: str) -> Any:
    data = {"serial": str(serial), **extra}
    data.update({f"m_{k}": c for k, c in zip(_keys(round_), codes, strict=True)})
    return _client(user).post(reverse("web:paper_enter", args=[round_.pk]), data)


def test_create_paper_round_writes_the_first_event(paper_round: Any) -> None:
    pr = PaperRound.objects.get(round=paper_round)
    events = list(PaperEvent.objects.filter(paper_round=pr))
    assert [e.action for e in events] == ["round_created"]
    assert AuditEntry.objects.filter(action="paper.create", round=paper_round).count() == 1


def test_double_entry_by_two_operators_counts_the_ballot(paper_round: Any) -> None:
    lan, minh, _third = _operators(paper_round)
    assert _enter(lan, paper_round, 1, ["1", "3"]).status_code == 302
    status = _client(lan).get(reverse("web:paper", args=[paper_round.pk]))
    assert status.context["status"].counted == 0
    assert status.context["status"].in_progress == (("1", (lan.username,)),)
    response = _enter(minh, paper_round, 1, ["1", "3"])
    assert response.status_code == 302
    assert response["Location"].endswith("?serial=2")
    status = _client(lan).get(reverse("web:paper", args=[paper_round.pk]))
    assert status.context["status"].counted == 1
    assert status.context["status"].disagreements == ()
    # the log holds both readings, one row per event, never changed
    actions = list(
        PaperEvent.objects.filter(paper_round__round=paper_round).values_list("action", flat=True)
    )
    assert actions.count("entry_submitted") == 2
    assert actions.count("mark_set") == 4
    row = PaperEvent.objects.filter(paper_round__round=paper_round).last()
    assert row is not None
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        PaperEvent.objects.filter(pk=row.pk).update(actor="x")


def test_quick_line_and_invalid_sheet(paper_round: Any) -> None:
    lan, minh, _third = _operators(paper_round)
    url = reverse("web:paper_enter", args=[paper_round.pk])
    assert _client(lan).post(url, {"serial": "2", "quick": "2x"}).status_code == 302
    assert _client(minh).post(url, {"serial": "2", "quick": "2,x"}).status_code == 302
    assert _client(lan).post(url, {"serial": "3", "sheet_invalid": "on"}).status_code == 302
    assert _client(minh).post(url, {"serial": "3", "sheet_invalid": "on"}).status_code == 302
    status = _client(lan).get(reverse("web:paper", args=[paper_round.pk])).context["status"]
    assert status.counted == 2
    # a quick line with the wrong number of marks is refused and nothing is stored
    before = PaperEvent.objects.count()
    response = _client(lan).post(url, {"serial": "4", "quick": "123"})
    assert response.status_code == 400
    assert PaperEvent.objects.count() == before


def test_same_operator_cannot_enter_a_sheet_twice(paper_round: Any) -> None:
    lan, _minh, _third = _operators(paper_round)
    assert _enter(lan, paper_round, 1, ["1", "1"]).status_code == 302
    before = PaperEvent.objects.count()
    response = _enter(lan, paper_round, 1, ["1", "1"], device="may-2")
    assert response.status_code == 400
    assert "already submitted" in response.content.decode()
    assert PaperEvent.objects.count() == before


def test_disagreement_listed_and_resolved(paper_round: Any) -> None:
    lan, minh, hong = _operators(paper_round)
    _enter(lan, paper_round, 1, ["3", "3"])
    _enter(minh, paper_round, 1, ["3", "3"])
    _enter(lan, paper_round, 2, ["1", "2"])
    _enter(minh, paper_round, 2, ["2", "2"])
    page = _client(hong).get(reverse("web:paper_disagreements", args=[paper_round.pk]))
    rows = page.context["rows"]
    first = paper_round.officials.order_by("order").first()
    assert [(r["item"], r["field"]) for r in rows] == [("2", f"cb{first.pk}")]
    assert rows[0]["entered"] == [(lan.username, "Tín nhiệm cao"), (minh.username, "Tín nhiệm")]
    html = page.content.decode()
    assert first.person.full_name in html and lan.username in html and minh.username in html
    # the minutes are refused while a sheet is disputed; a draft is allowed
    csv_url = reverse("web:paper_minutes", args=[paper_round.pk, "csv"])
    assert _client(hong).get(csv_url).status_code == 404
    draft = _client(hong).get(csv_url + "?draft=1")
    assert draft.status_code == 200
    assert "ban-nhap" in draft["Content-Disposition"]
    response = _client(hong).post(
        reverse("web:paper_resolve", args=[paper_round.pk]),
        {"item": "2", "field": f"cb{first.pk}", "value": "1", "note": "đọc lại phiếu gốc"},
    )
    assert response.status_code == 302
    last = PaperEvent.objects.filter(paper_round__round=paper_round).last()
    assert last is not None and last.action == "resolution" and last.actor == hong.username
    assert '"value":"high"' in last.line and "đọc lại phiếu gốc" in last.line
    audit = AuditEntry.objects.get(action="paper.resolve", round=paper_round)
    assert audit.username == hong.username
    page = _client(hong).get(reverse("web:paper_disagreements", args=[paper_round.pk]))
    assert page.context["rows"] == []
    status = _client(hong).get(reverse("web:paper", args=[paper_round.pk])).context["status"]
    assert status.counted == 2


def test_operator_sees_only_their_own_entry(paper_round: Any) -> None:
    lan, minh, _hong = _operators(paper_round)
    _enter(lan, paper_round, 4, ["3", "0"])
    own = _client(lan).get(reverse("web:paper_enter", args=[paper_round.pk]))
    assert [e["item"] for e in own.context["mine"]] == ["4"]
    other = _client(minh).get(reverse("web:paper_enter", args=[paper_round.pk]))
    assert other.status_code == 200
    assert other.context["mine"] == []
    assert lan.username not in other.content.decode()
    # once Minh enters the same sheet, he still sees his own reading only
    _enter(minh, paper_round, 4, ["3", "1"])
    other = _client(minh).get(reverse("web:paper_enter", args=[paper_round.pk]))
    values = other.context["mine"][0]["values"]
    assert [v for _name, v in values] == ["Tín nhiệm thấp", "Tín nhiệm cao"]
    assert lan.username not in other.content.decode()


def test_wrong_role_is_refused_and_nothing_is_stored(
    paper_round: Any, organiser: Any, make_user: Any, grant_role: Any
) -> None:
    voter = make_user("cu-tri")
    grant_role(voter, Role.VOTER, round=paper_round)
    observer = make_user("quan-sat")
    grant_role(observer, Role.OBSERVER, body=paper_round.body)
    before = PaperEvent.objects.count()
    for user in (voter, observer, organiser):
        assert _enter(user, paper_round, 1, ["1", "1"]).status_code == 403
        response = _client(user).post(
            reverse("web:paper_resolve", args=[paper_round.pk]),
            {"item": "1", "field": "ballot", "value": "valid"},
        )
        assert response.status_code == 403
    assert _client(voter).get(reverse("web:paper_enter", args=[paper_round.pk])).status_code == 403
    assert PaperEvent.objects.count() == before
    assert not AuditEntry.objects.filter(action__in=["paper.enter", "paper.resolve"]).exists()
    # the observer reads the status page
    assert _client(observer).get(reverse("web:paper", args=[paper_round.pk])).status_code == 200


def test_only_an_organiser_creates_a_paper_round(
    setup_round: Any, make_user: Any, grant_role: Any
) -> None:
    official = make_user("can-bo")
    grant_role(official, Role.OFFICIAL, round=setup_round)
    response = _client(official).post(
        reverse("web:paper", args=[setup_round.pk]), {"mode": "ballots", "paper_serials": "5"}
    )
    assert response.status_code == 403
    assert not PaperRound.objects.exists()


def test_ballots_pdf(paper_round: Any, organiser: Any) -> None:
    response = _client(organiser).get(
        reverse("web:paper_ballots", args=[paper_round.pk]) + "?from=1&to=2"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_pages_render_for_each_role(setup_round: Any, organiser: Any) -> None:
    url = reverse("web:paper", args=[setup_round.pk])
    page = _client(organiser).get(url)
    assert page.status_code == 200 and page.context["form"] is not None
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    _client(organiser).post(url, {"mode": "ballots", "paper_serials": "3", "present": "5"})
    lan = _operators(setup_round)[0]
    for name in ("paper", "paper_enter", "paper_disagreements"):
        response = _client(lan).get(reverse(f"web:{name}", args=[setup_round.pk]))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "<h1>" in html and 'style="' not in html and "<script>" not in html
    enter = _client(lan).get(reverse("web:paper_enter", args=[setup_round.pk])).content.decode()
    assert enter.count('type="radio"') == 2 * 5
    assert 'name="csrfmiddlewaretoken"' in enter
    # a ballots round sends the totals page to the entry page
    totals = _client(lan).get(reverse("web:paper_totals", args=[setup_round.pk]))
    assert totals.status_code == 302


def test_pages_speak_english(setup_round: Any, organiser: Any, settings: Any) -> None:
    """Vietnamese first; English from the site's catalogue when chosen."""
    client = _client(organiser)
    url = reverse("web:paper", args=[setup_round.pk])
    assert "Tạo đợt phiếu giấy" in client.get(url).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert "Create the paper round" in html and "Counting method" in html


def test_forms_need_the_csrf_token(paper_round: Any) -> None:
    lan, _minh, _hong = _operators(paper_round)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lan)
    before = PaperEvent.objects.count()
    url = reverse("web:paper_enter", args=[paper_round.pk])
    assert client.post(url, {"serial": "1", "quick": "11"}).status_code == 403
    assert PaperEvent.objects.count() == before
    token = client.get(url).context["csrf_token"]
    assert (
        client.post(url, {"serial": "1", "quick": "11", "csrfmiddlewaretoken": token}).status_code
        == 302
    )


def test_committee_cannot_create_the_paper_round(setup_round: Any) -> None:
    lan = _operators(setup_round)[0]
    response = _client(lan).post(
        reverse("web:paper", args=[setup_round.pk]), {"mode": "ballots", "paper_serials": "3"}
    )
    assert response.status_code == 403
    assert not PaperRound.objects.exists()
