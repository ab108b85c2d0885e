"""The OpenAPI document describes the whole JSON API: every ``api/`` URL with exactly the
methods its view accepts, the statuses it answers, who may call it, and bodies that match
the documented schemas (checked with jsonschema on real answers of a real round)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tinnhiem.ballots import Mark, cast_ballot, ceremony_fingerprint
from tinnhiem.crypto import Context, CredentialKey, Point
from tinnhiem.crypto.dkg import CommitMessage, DkgMember, RevealMessage
from tinnhiem.web.actions import (
    do_check_in,
    do_issue_credentials,
    do_open_round,
    do_start_ceremony,
)
from tinnhiem.web.lib.poll_round import engine_of
from tinnhiem.web.models import CommitteeMember, Role, Summons
from tinnhiem.web.openapi import openapi_document

pytestmark = pytest.mark.django_db

#: Every method a probe tries; the document must list exactly those not answered by 405.
METHODS = ("get", "head", "post", "put", "patch", "delete", "options")
DOC_URI = "urn:tinnhiem:openapi"


def _api_routes() -> Iterator[str]:
    """The route of every URL pattern under ``api/``, nested includes flattened."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/"):
                yield route

    yield from walk(get_resolver().url_patterns, "")


def _template(route: str) -> str:
    """``api/rounds/<int:round_id>/cast`` → ``/api/rounds/{round_id}/cast``."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def _operations(doc: dict[str, Any], path: str) -> set[str]:
    return {m for m in doc["paths"][path] if m in METHODS}


def _schema(doc: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    response = doc["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


def _request_schema(doc: dict[str, Any], path: str) -> dict[str, Any]:
    return doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]


def _check(doc: dict[str, Any], schema: dict[str, Any], instance: Any) -> None:
    """Validate ``instance`` against a schema of the document (its ``$ref``s resolved in
    the document); fail with every error found."""
    registry = Registry().with_resource(
        DOC_URI, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    rooted = json.loads(json.dumps(schema).replace('"#/components/', f'"{DOC_URI}#/components/'))
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(rooted, registry=registry).iter_errors(instance)
    ]
    assert not errors, errors


def _post(client: Client, url: str, payload: Any) -> Any:
    return client.post(url, data=json.dumps(payload), content_type="application/json")


@pytest.fixture
def doc() -> dict[str, Any]:
    return openapi_document("http://testserver/")


@pytest.fixture
def prober(make_user: Any, grant_role: Any, setup_round: Any) -> Client:
    """A client logged in with every write role in the round (so that only the method
    decides whether a view refuses with 405)."""
    user = make_user("prober")
    for role in (Role.ORGANISER, Role.COMMITTEE, Role.VOTER):
        grant_role(user, role, round=setup_round)
    client = Client()
    client.force_login(user)
    return client


def test_document_is_valid_openapi_3_1(client: Client, doc: dict[str, Any]) -> None:
    validate(doc)
    served = client.get("/api/openapi.json")
    assert served.status_code == 200
    validate(served.json())
    assert served.json()["paths"].keys() == doc["paths"].keys()
    _check(doc, _schema(doc, "/api/openapi.json", "get", 200), served.json())


def test_every_api_url_is_described_with_its_methods(
    doc: dict[str, Any], prober: Client, setup_round: Any
) -> None:
    routes = list(_api_routes())
    templates = {_template(r) for r in routes}
    # The poll endpoints are there, and nothing documented is missing from the URL map.
    assert "/api/rounds/{round_id}/cast" in templates
    assert templates == set(doc["paths"]), templates ^ set(doc["paths"])
    for template in sorted(templates):
        url = template.replace("{round_id}", str(setup_round.pk))
        accepted = set()
        for method in METHODS:
            answer = getattr(prober, method)(url)
            if answer.status_code != 405:
                accepted.add(method)
            responses = doc["paths"][template].get(method, {}).get("responses", {})
            if method in _operations(doc, template):
                # The status seen is one the document lists for this operation.
                assert str(answer.status_code) in responses, (method, url, answer.status_code)
            else:
                assert answer.status_code == 405, (method, url)
                _check_not_allowed(doc, template, answer, with_body=method != "head")
        assert accepted == _operations(doc, template), (template, accepted)
        # Every GET has its HEAD twin (require_safe semantics).
        assert ("get" in accepted) == ("head" in accepted), template


def _check_not_allowed(
    doc: dict[str, Any], template: str, answer: Any, *, with_body: bool = True
) -> None:
    """A refused method: the JSON 405 every operation of the path documents, and an Allow
    header naming exactly the documented methods (a HEAD answer has the headers only)."""
    assert answer["Content-Type"] == "application/json", template
    body = answer.json() if with_body else None
    assert body is None or (body["error"] == "method" and body["detail"]), body
    allowed = {m.strip().lower() for m in answer["Allow"].split(",")}
    assert allowed == _operations(doc, template), (template, answer["Allow"])
    for method in allowed:
        response = doc["paths"][template][method]["responses"]["405"]
        assert "Allow" in response["headers"]
        if body is not None and method != "head":
            _check(doc, _schema(doc, template, method, 405), body)


def test_documented_authentication_holds(doc: dict[str, Any], setup_round: Any) -> None:
    """Public operations answer an anonymous caller; the others answer 403 with the
    documented error body."""
    anonymous = Client()
    for template, item in doc["paths"].items():
        url = template.replace("{round_id}", str(setup_round.pk))
        for method in {"get", "post"} & set(item):
            operation = item[method]
            answer = getattr(anonymous, method)(url)
            if {} in operation.get("security", doc["security"]):  # anonymous allowed
                assert answer.status_code == 200, (method, url)
                continue
            assert answer.status_code == 403, (method, url)
            assert answer["Content-Type"] == "application/json"
            _check(doc, _schema(doc, template, method, 403), answer.json())
            if method == "post":
                assert {"session": [], "csrf": []} in operation["security"]


def test_posts_need_the_csrf_header(
    doc: dict[str, Any], make_user: Any, grant_role: Any, setup_round: Any
) -> None:
    user = make_user("csrf-member")
    for role in (Role.ORGANISER, Role.COMMITTEE, Role.VOTER):
        grant_role(user, role, round=setup_round)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(f"/rounds/{setup_round.pk}/committee/").content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None
    token = found.group(1)
    assert doc["components"]["securitySchemes"]["csrf"]["name"] == "X-CSRFToken"
    posts = [t for t, item in doc["paths"].items() if "post" in item]
    assert len(posts) == 6
    for template in posts:
        url = template.replace("{round_id}", str(setup_round.pk))
        refused = client.post(url, data="{}", content_type="application/json")
        assert refused.status_code == 403 and refused["Content-Type"] == "application/json"
        assert refused.json()["error"] == "csrf" and refused.json()["detail"]
        _check(doc, _schema(doc, template, "post", 403), refused.json())
        assert set(doc["paths"][template]["post"]["responses"]["403"]["content"]) == {
            "application/json"
        }
        sent = client.post(
            url, data="{}", content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert sent.status_code != 403 or sent["Content-Type"] == "application/json", url
        assert str(sent.status_code) in doc["paths"][template]["post"]["responses"]


def _ceremony_through_the_api(doc: dict[str, Any], round_: Any) -> None:
    """The three members' DKG, each message POSTed to the ceremony endpoint; every request
    and answer checked against the document."""
    path = "/api/rounds/{round_id}/ceremony"
    url = f"/api/rounds/{round_.pk}/ceremony"
    manifest = engine_of(round_).manifest
    ctx = Context(ceremony_fingerprint(manifest))
    seats = {m.index: m.user for m in CommitteeMember.objects.filter(round=round_)}
    members = {i: DkgMember(ctx, i, manifest.threshold, len(seats)) for i in seats}
    clients = {}
    for i, user in seats.items():
        clients[i] = Client()
        clients[i].force_login(user)

    def send(i: int, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = {"kind": kind, "payload": payload}
        _check(doc, _request_schema(doc, path), body)
        answer = _post(clients[i], url, body)
        assert answer.status_code == 201, answer.content
        _check(doc, _schema(doc, path, "post", 201), answer.json())
        return answer.json()["state"]

    commits = {}
    for i, member in members.items():
        commits[i] = CommitMessage.from_dict(
            send(i, "commit", member.commit().to_dict())["commits"][str(i)]
        )
    # A second commit from the same seat: a documented 409 with the error body.
    again = _post(clients[1], url, {"kind": "commit", "payload": members[1].commit().to_dict()})
    assert again.status_code == 409
    _check(doc, _schema(doc, path, "post", 409), again.json())
    for i, member in members.items():
        state = send(i, "reveal", member.reveal(commits).to_dict())
    reveals = {int(i): RevealMessage.from_dict(p) for i, p in state["reveals"].items()}
    for i, member in members.items():
        key, _share = member.finish(reveals)
        state = send(
            i,
            "confirm",
            {
                "member": i,
                "verification_key": key.verification_keys[i].hex(),
                "public_key": key.public_key.hex(),
            },
        )
    assert state["public_key"] and state["fingerprint"]
    got = clients[2].get(url)
    assert got.status_code == 200
    _check(doc, _schema(doc, path, "get", 200), got.json())


def test_real_answers_match_the_documented_schemas(
    doc: dict[str, Any], org_actor: Any, setup_round: Any
) -> None:
    round_ = setup_round
    do_start_ceremony(org_actor, round_)
    _ceremony_through_the_api(doc, round_)
    round_.refresh_from_db()
    slips = do_issue_credentials(org_actor, round_)
    for summons in Summons.objects.filter(round=round_)[:5]:
        do_check_in(org_actor, round_, summons=summons)
    do_open_round(org_actor, round_)
    round_.refresh_from_db()

    # Cast: the ballot the Python core makes fits the request schema; the receipt and a
    # refusal fit the answers.
    cast = "/api/rounds/{round_id}/cast"
    manifest = engine_of(round_).manifest
    slip = slips[0]
    ballot = cast_ballot(
        manifest,
        bytes.fromhex(round_.fingerprint),
        Point.from_hex(round_.public_key),
        CredentialKey.from_seed(slip.seed),
        {manifest.official_ids[0]: Mark.HIGH},
    )
    body = {"ballot": ballot.to_json()}
    _check(doc, _request_schema(doc, cast), body)
    voter = Client()
    voter.force_login(slip.credential.user)
    url = f"/api/rounds/{round_.pk}/cast"
    receipt = _post(voter, url, body)
    assert receipt.status_code == 201, receipt.content
    _check(doc, _schema(doc, cast, "post", 201), receipt.json())
    copy = _post(voter, url, body)
    assert copy.status_code == 200 and copy.json()["repeated"] is True
    assert copy.json()["tracker"] == receipt.json()["tracker"]
    _check(doc, _schema(doc, cast, "post", 200), copy.json())
    broken = _post(voter, url, {"ballot": {"credential": "zz"}})
    assert broken.status_code == 400
    _check(doc, _schema(doc, cast, "post", 400), broken.json())

    # The live board (public) lists the ballot's tracker.
    board = Client().get(f"/api/rounds/{round_.pk}/board?since=-1")
    assert board.status_code == 200
    _check(doc, _schema(doc, "/api/rounds/{round_id}/board", "get", 200), board.json())
    trackers = [e.get("tracker") for e in board.json()["entries"] if e["kind"] == "ballot"]
    assert trackers == [receipt.json()["tracker"]]


def test_schemas_reject_what_the_views_reject(doc: dict[str, Any]) -> None:
    """The request schemas are not vacuous: they refuse what the views refuse."""
    cast = _request_schema(doc, "/api/rounds/{round_id}/cast")
    row = {"official": "P1", "ct": "ab" * 64, "proof": "cd" * 512}
    good = {"ballot": {"credential": "01" * 32, "rows": [row], "signature": "02" * 64}}
    _check(doc, cast, good)
    for bad in (
        {},
        {"ballot": {**good["ballot"], "credential": "01" * 31}},
        {"ballot": {**good["ballot"], "rows": [{**row, "ct": "AB" * 64}]}},
        {"ballot": {**good["ballot"], "rows": [{**row, "proof": "cd" * 100}]}},
    ):
        with pytest.raises(AssertionError):
            _check(doc, cast, bad)
    ceremony = _request_schema(doc, "/api/rounds/{round_id}/ceremony")
    with pytest.raises(AssertionError):
        _check(doc, ceremony, {"kind": "vote", "payload": {}})
