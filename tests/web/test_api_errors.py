"""Every error of the JSON API is JSON: the CSRF refusal (403 ``csrf``) and a refused
method (405 ``method`` with an ``Allow`` header); pages keep their HTML error pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from tinnhiem.web.lib.api import api_get, api_methods, api_post
from tinnhiem.web.models import Body, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user: Any, grant_role: Any, setup_round: Any) -> Client:
    """A client logged in with every write role in the round."""
    user = make_user("api-errors")
    for role in (Role.ORGANISER, Role.COMMITTEE, Role.VOTER):
        grant_role(user, role, round=setup_round)
    client = Client()
    client.force_login(user)
    return client


def _not_allowed(answer: Any, allow: str) -> None:
    assert answer.status_code == 405
    assert answer["Content-Type"] == "application/json"
    assert answer["Allow"] == allow
    body = json.loads(answer.content)
    assert body["error"] == "method"
    assert "Phương thức không được phép" in body["detail"] and allow in body["detail"]


def test_wrong_method_on_a_read_endpoint_is_a_json_405(member: Client, setup_round: Any) -> None:
    for url in (
        "/api/rounds",
        f"/api/rounds/{setup_round.pk}",
        f"/api/rounds/{setup_round.pk}/board",
    ):
        _not_allowed(member.post(url), "GET, HEAD")
        _not_allowed(member.delete(url), "GET, HEAD")


def test_wrong_method_on_a_write_endpoint_is_a_json_405(member: Client, setup_round: Any) -> None:
    for name in ("cast", "audit", "aggregates", "decryption"):
        _not_allowed(member.get(f"/api/rounds/{setup_round.pk}/{name}"), "POST")
        _not_allowed(member.put(f"/api/rounds/{setup_round.pk}/{name}"), "POST")


def test_ceremony_allows_get_head_and_post(member: Client, setup_round: Any) -> None:
    url = f"/api/rounds/{setup_round.pk}/ceremony"
    _not_allowed(member.put(url), "GET, HEAD, POST")
    _not_allowed(member.options(url), "GET, HEAD, POST")
    assert member.head(url).status_code == 200


def test_the_method_is_checked_before_the_login(setup_round: Any) -> None:
    """An anonymous caller with a wrong method learns only what the document says."""
    _not_allowed(Client().get(f"/api/rounds/{setup_round.pk}/cast"), "POST")
    assert Client().post(f"/api/rounds/{setup_round.pk}/cast").status_code == 403


def test_head_answers_like_get_without_a_body(member: Client, setup_round: Any) -> None:
    for url in (
        "/api/openapi.json",
        "/api/rounds",
        f"/api/rounds/{setup_round.pk}",
        f"/api/rounds/{setup_round.pk}/board",
        f"/api/rounds/{setup_round.pk}/board",
    ):
        got, head = member.get(url), member.head(url)
        assert head.status_code == got.status_code == 200, url
        assert head["Content-Type"] == got["Content-Type"] == "application/json"
        assert head.content == b""
    # A HEAD is still refused where a GET is (not published yet).
    results = f"/api/rounds/{setup_round.pk}/results"
    assert member.head(results).status_code == member.get(results).status_code == 404


def test_api_post_without_csrf_token_is_json(
    make_user: Any, grant_role: Any, setup_round: Any
) -> None:
    user = make_user("csrf-api")
    grant_role(user, Role.VOTER, round=setup_round)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    answer = client.post(
        f"/api/rounds/{setup_round.pk}/cast", data="{}", content_type="application/json"
    )
    assert answer.status_code == 403
    assert answer["Content-Type"] == "application/json"
    body = answer.json()
    assert body["error"] == "csrf" and "X-CSRFToken" in body["detail"]


def test_page_post_without_csrf_token_keeps_the_html_page(organiser: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    answer = client.post(reverse("web:bodies"), {"code": "x", "name": "X"})
    assert answer.status_code == 403
    assert answer["Content-Type"].startswith("text/html")
    assert "CSRF" in answer.content.decode()
    assert not Body.objects.filter(code="x").exists()


def _view(request: Any) -> HttpResponse:
    return HttpResponse("ok")


def test_the_decorators_alone() -> None:
    factory = RequestFactory()
    assert api_get(_view)(factory.get("/api/x")).content == b"ok"
    assert api_get(_view)(factory.head("/api/x")).status_code == 200
    _not_allowed(api_get(_view)(factory.post("/api/x")), "GET, HEAD")
    assert api_post(_view)(factory.post("/api/x")).content == b"ok"
    _not_allowed(api_post(_view)(factory.head("/api/x")), "POST")
    both = api_methods("get", "post")(_view)
    assert both(factory.post("/api/x")).status_code == 200
    _not_allowed(both(factory.patch("/api/x")), "GET, HEAD, POST")
    assert api_get(_view).__name__ == "_view"  # functools.wraps keeps the view's name


def test_head_has_headers_and_no_body_through_the_whole_stack() -> None:
    """The test client drops HEAD bodies itself; the WSGI handler (what waitress serves)
    must not send one either, on any page, and Content-Length is the GET body's."""
    from django.test.client import RequestFactory

    from tinnhiem.web.wsgi import application

    for path in ("/login/", "/api/openapi.json", "/phieu/"):
        environ = RequestFactory().head(path).environ
        statuses: list[str] = []
        headers: dict[str, str] = {}

        def start(status: str, items: list[tuple[str, str]], *rest: object) -> None:
            statuses.append(status)
            headers.update(items)

        body = b"".join(application(environ, start))
        assert body == b"", path
        assert statuses[0].startswith("200"), (path, statuses)
        assert int(headers["Content-Length"]) > 0, path
