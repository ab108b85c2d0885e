"""The OpenAPI 3.1 description of the JSON API (hand-written; a test validates it, and
tests/web/test_api_openapi_complete.py checks that every ``api/`` URL is described).

Authentication: the session cookie of a logged-in user (``sessionid``); a request that
changes state (POST) also carries Django's CSRF token in the ``X-CSRFToken`` header (from
the ``csrfmiddlewaretoken`` field of a page's form, or the ``csrftoken`` cookie). Errors
come back as ``{"error": code, "detail": text}`` (Vietnamese first), the CSRF refusal
(403 ``csrf``) and a refused method (405 ``method``, with an ``Allow`` header) included.
Every GET endpoint also answers HEAD (the same headers, no body).
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["openapi_document"]

_DESCRIPTION = (
    "Log in at /login/ (a voter with the slip's login code at /phieu/); every call sends "
    "the session cookie, and every POST the CSRF token in the X-CSRFToken header. Errors "
    'are JSON {"error": code, "detail": text}, text in Vietnamese first: a POST refused '
    'for its CSRF token gets 403 {"error": "csrf"}, and a method an endpoint does not '
    'accept 405 {"error": "method"} with an Allow header. Every GET endpoint also '
    "answers HEAD (the same headers, no body). "
    "Binary values are lowercase hex; the ballot and ceremony formats are those of "
    "docs/record-format.md and docs/crypto.md."
)

_JSON = "application/json"
_ROUND_ID = {
    "name": "round_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
    "description": "The round's id.",
}
#: A logged-in user; a POST also needs the CSRF header.
_SESSION: list[dict[str, list[str]]] = [{"session": []}]
_SESSION_CSRF: list[dict[str, list[str]]] = [{"session": [], "csrf": []}]
_PUBLIC: list[dict[str, list[str]]] = [{}]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {_JSON: {"schema": _ref(ref)}}}


def _error(description: str, codes: list[str] | None = None) -> dict[str, Any]:
    """An error response ``{"error", "detail"}``; ``codes`` lists the ``error`` values."""
    schema: dict[str, Any] = _ref("Error")
    if codes:
        schema = {
            "allOf": [_ref("Error"), {"properties": {"error": {"type": "string", "enum": codes}}}]
        }
    return {"description": description, "content": {_JSON: {"schema": schema}}}


def _forbidden(post: bool, codes: tuple[str, ...] = ()) -> dict[str, Any]:
    text = "Not logged in, or no role here that allows this (Không có quyền)."
    if post:
        text += " csrf: a POST without a valid CSRF token (X-CSRFToken header)."
        codes = ("csrf", *codes)
    return _error(text, ["forbidden", *codes])


_NOT_FOUND = _error("No such round (Không tìm thấy).", ["not_found"])
_BUSY = {
    **_error(
        "busy: the database is too busy (a hall casting at once); nothing was stored. Send "
        "the same request again after Retry-After seconds.",
        ["busy"],
    ),
    "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
}
_NOT_ALLOWED = {
    **_error("method: the endpoint does not accept this method.", ["method"]),
    "headers": {
        "Allow": {
            "schema": {"type": "string"},
            "description": "The methods accepted, e.g. GET, HEAD",
        }
    },
}


def _with_head(item: dict[str, Any]) -> dict[str, Any]:
    """Add the HEAD twin of a path item's GET: the same statuses and headers, no body."""
    get = item["get"]
    responses = {
        status: {k: v for k, v in answer.items() if k != "content"}
        for status, answer in get["responses"].items()
    }
    op_id = get["operationId"]
    head = {
        **get,
        "operationId": "head" + op_id[3:] if op_id.startswith("get") else op_id + "Head",
        "summary": "As GET, without the body",
        "responses": responses,
    }
    return {**item, "head": head}


_BAD_JSON = "bad_request: the body is not a JSON object (or over 2 MB)."


def _get(
    op_id: str,
    summary: str,
    ok: dict[str, Any],
    *,
    query: list[dict[str, Any]] | None = None,
    not_found: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A GET (and HEAD) endpoint (``api_get``) behind ``require_role``."""
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "parameters": [_ROUND_ID, *(query or [])],
            "security": _SESSION,
            "responses": {
                "200": ok,
                "403": _forbidden(False),
                "404": not_found or _NOT_FOUND,
                "405": _NOT_ALLOWED,
            },
        }
    }


def _post(
    op_id: str, summary: str, body: str | None, responses: dict[str, Any], description: str
) -> dict[str, Any]:
    """A POST-only endpoint (``api_post``) behind ``require_role``."""
    op: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "description": description,
        "parameters": [_ROUND_ID],
        "security": _SESSION_CSRF,
        "responses": {
            "403": _forbidden(True),
            "404": _NOT_FOUND,
            "405": _NOT_ALLOWED,
            "503": _BUSY,
            **responses,
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {_JSON: {"schema": _ref(body)}}}
    return {"post": op}


def _hex(size: int | None = None, description: str = "") -> dict[str, Any]:
    """Lowercase hex of ``size`` bytes (any even length without ``size``)."""
    pattern = f"^[0-9a-f]{{{2 * size}}}$" if size else "^([0-9a-f]{2})*$"
    out: dict[str, Any] = {"type": "string", "pattern": pattern}
    if description:
        out["description"] = description
    return out


_DATETIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
_HASH = _hex(32)
_HEX_OR_EMPTY = {"type": "string", "pattern": "^([0-9a-f]{64})?$"}
_MEMBER = {"type": "integer", "minimum": 1, "description": "Committee seat 1 … n"}

_ROUND_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "A short code, e.g. forbidden"},
            "detail": {"type": "string", "description": "What went wrong (Vietnamese first)"},
            "row": {
                "type": ["integer", "null"],
                "description": "cast only: the 0-based ballot row at fault, if any",
            },
        },
    },
    "RoundSummary": {
        "type": "object",
        "required": [
            "id",
            "body",
            "title",
            "kind",
            "rule_id",
            "status",
            "schedule",
            "threshold",
            "committee_size",
        ],
        "properties": {
            "id": {"type": "integer"},
            "body": {
                "type": "object",
                "required": ["id", "code", "name"],
                "properties": {
                    "id": {"type": "integer"},
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                },
            },
            "title": {"type": "string"},
            "kind": {"type": "string", "enum": ["poll", "formal_vote"]},
            "rule_id": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["draft", "ceremony", "open", "closed", "tallied", "published"],
            },
            "schedule": {
                "type": "object",
                "properties": {
                    "report_deadline": _DATETIME_OR_NULL,
                    "opens_at": _DATETIME_OR_NULL,
                    "closes_at": _DATETIME_OR_NULL,
                },
            },
            "threshold": {"type": "integer", "description": "t: members needed to decrypt"},
            "committee_size": {"type": "integer", "description": "n: committee members"},
        },
    },
    "RoundList": {
        "type": "object",
        "required": ["rounds"],
        "properties": {
            "rounds": {"type": "array", "items": {"$ref": "#/components/schemas/RoundSummary"}}
        },
    },
    "Official": {
        "type": "object",
        "required": ["id", "name", "post", "order", "exempt"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "post": {"type": "string"},
            "order": {"type": "integer"},
            "exempt": {"type": "boolean"},
            "exempt_reason": {"type": "string"},
            "report_published": {"type": "boolean"},
        },
    },
    "Quorum": {
        "type": "object",
        "required": ["present", "summoned", "met"],
        "properties": {
            "present": {"type": "integer"},
            "summoned": {"type": "integer"},
            "required": {
                "type": ["string", "null"],
                "description": 'The rule\'s fraction, e.g. "2/3"; null: none',
            },
            "inclusive": {"type": "boolean"},
            "met": {"type": "boolean"},
        },
    },
    "RoundDetail": {
        "allOf": [
            {"$ref": "#/components/schemas/RoundSummary"},
            {
                "type": "object",
                "required": ["officials", "quorum", "credentials_issued"],
                "properties": {
                    "officials": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Official"},
                    },
                    "quorum": {"$ref": "#/components/schemas/Quorum"},
                    "credentials_issued": {"type": "integer"},
                    "public_key": {
                        "type": "string",
                        "description": "hex; empty before the ceremony",
                    },
                },
            },
        ],
    },
    "BoardEntry": {
        "type": "object",
        "required": ["seq", "kind", "hash", "payload_hash", "previous", "created_at"],
        "properties": {
            "seq": {"type": "integer", "minimum": 0},
            "kind": {"type": "string"},
            "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "payload_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "previous": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "created_at": {"type": "string", "format": "date-time"},
            "tracker": {"type": "string", "description": "Ballot entries only"},
            "payload": {
                "type": ["object", "array", "string", "number", "boolean", "null"],
                "description": "With payload=1 only",
            },
            "sealed": {
                "const": True,
                "description": "With payload=1: a decryption or results entry whose payload "
                "(the decrypted sums) the caller may not see yet; it has no payload.",
            },
        },
    },
    "Board": {
        "type": "object",
        "description": "The board: head of the hash chain, counts, the entries after since.",
        "required": [
            "round",
            "status",
            "status_label",
            "head",
            "length",
            "summoned",
            "issued",
            "returned",
            "entries",
        ],
        "properties": {
            "round": {"type": "integer"},
            "status": {"$ref": "#/components/schemas/RoundStatus"},
            "status_label": {"type": "string"},
            "head": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "length": {"type": "integer", "minimum": 0},
            "summoned": {"type": "integer", "minimum": 0},
            "issued": {"type": "integer", "minimum": 0, "description": "Credentials issued"},
            "returned": {"type": "integer", "minimum": 0, "description": "Ballots cast"},
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/BoardEntry"}},
        },
    },
    "Results": {
        "type": "object",
        "required": ["round", "published_at", "result"],
        "properties": {
            "round": {"type": "integer"},
            "published_at": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "null: tallied, not published (organiser and committee only)",
            },
            "result": {
                "type": "object",
                "description": "Counts and consequences (docs/record-format.md)",
            },
        },
    },
}

_MARKS = ["blank", "low", "confident", "high", "no_confidence", "confidence"]

_BALLOT_SCHEMAS: dict[str, Any] = {
    "BallotRow": {
        "type": "object",
        "description": "One official's row (docs/record-format.md §3.5).",
        "required": ["official", "ct", "proof"],
        "properties": {
            "official": {"type": "string", "description": "The official's id (ballot order)"},
            "ct": _hex(64, "ElGamal ciphertext α ‖ β"),
            "proof": {
                "type": "string",
                "pattern": "^([0-9a-f]{256})+$",
                "description": "Disjunctive proof: 128 bytes per allowed value "
                "(poll 4, formal vote 3)",
            },
        },
    },
    "Ballot": {
        "type": "object",
        "description": "Lá phiếu mã hóa: one row per official, signed by the credential.",
        "required": ["credential", "rows", "signature"],
        "properties": {
            "credential": _hex(32, "The voter's Ed25519 public credential"),
            "rows": {"type": "array", "items": _ref("BallotRow")},
            "signature": _hex(64, "Ed25519 signature of the ballot content digest"),
        },
    },
    "CastRequest": {
        "type": "object",
        "required": ["ballot"],
        "properties": {"ballot": _ref("Ballot")},
    },
    "CastReceipt": {
        "type": "object",
        "description": "Biên nhận: find the tracker on the board.",
        "required": ["tracker", "ballot_hash", "board_index"],
        "properties": {
            "tracker": {
                "type": "string",
                "pattern": "^[A-Z2-7]{4}(-[A-Z2-7]{4}){12}$",
                "description": "Mã theo dõi: the whole ballot hash, 13 groups of 4",
            },
            "ballot_hash": _HASH,
            "board_index": {"type": "integer", "minimum": 0},
            "repeated": {
                "type": "boolean",
                "description": "true: this ballot was already on the board (sent twice)",
            },
        },
    },
    "AuditRequest": {
        "type": "object",
        "description": "A sealed ballot and, for each row, its mark and encryption nonce.",
        "required": ["ballot", "reveal"],
        "properties": {
            "ballot": _ref("Ballot"),
            "reveal": {
                "type": "object",
                "required": ["rows"],
                "properties": {
                    "rows": {
                        "type": "array",
                        "description": "One per ballot row, in the same order",
                        "items": {
                            "type": "object",
                            "required": ["official", "mark", "nonce"],
                            "properties": {
                                "official": {"type": "string"},
                                "mark": {"type": "string", "enum": _MARKS},
                                "nonce": _hex(32, "The scalar r (little-endian)"),
                            },
                        },
                    }
                },
            },
        },
    },
    "AuditResult": {
        "type": "object",
        "required": ["ok", "rows"],
        "properties": {
            "ok": {"type": "boolean", "description": "Every row re-encrypts exactly"},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["official", "mark", "ok"],
                    "properties": {
                        "official": {"type": "string"},
                        "mark": {"type": "string", "enum": _MARKS},
                        "ok": {"type": "boolean"},
                    },
                },
            },
        },
    },
}

_CEREMONY_SCHEMAS: dict[str, Any] = {
    "CommitMessage": {
        "type": "object",
        "description": "Cam kết: the member's box key and the hash of its commitments.",
        "required": ["member", "box_public", "digest"],
        "properties": {"member": _MEMBER, "box_public": _hex(32), "digest": _hex(64)},
    },
    "RevealMessage": {
        "type": "object",
        "description": "Công bố: t Feldman commitments, the proof of the constant term, "
        "one sealed share per other member.",
        "required": ["member", "commitments", "proof", "shares"],
        "properties": {
            "member": _MEMBER,
            "commitments": {"type": "array", "items": _hex(32)},
            "proof": _hex(64, "Schnorr proof A ‖ s"),
            "shares": {
                "type": "object",
                "description": "Recipient seat (a decimal string) → sealed share, hex",
                "propertyNames": {"pattern": "^[1-9][0-9]*$"},
                "additionalProperties": _hex(),
            },
        },
    },
    "ConfirmMessage": {
        "type": "object",
        "description": "Xác nhận: the keys the member derived from every reveal.",
        "required": ["verification_key", "public_key"],
        "properties": {
            "member": _MEMBER,
            "verification_key": _hex(32),
            "public_key": _hex(32),
        },
    },
    "Complaint": {
        "type": "object",
        "description": "Khiếu nại: the member names a dealer whose share failed.",
        "required": ["accused"],
        "properties": {
            "member": _MEMBER,
            "accused": _MEMBER,
            "reason": {"type": "string", "maxLength": 500},
        },
    },
    "CeremonyPost": {
        "description": "One key-ceremony message of the caller's seat.",
        "oneOf": [
            {
                "type": "object",
                "required": ["kind", "payload"],
                "properties": {"kind": {"const": kind}, "payload": _ref(ref)},
            }
            for kind, ref in (
                ("commit", "CommitMessage"),
                ("reveal", "RevealMessage"),
                ("confirm", "ConfirmMessage"),
                ("complaint", "Complaint"),
            )
        ],
    },
    "CeremonyState": {
        "type": "object",
        "description": "The public state of the key ceremony and of the decryption.",
        "required": [
            "round",
            "round_id",
            "status",
            "t",
            "n",
            "ceremony_fingerprint",
            "commits",
            "reveals",
            "confirms",
            "complaints",
            "public_key",
            "fingerprint",
            "aggregates_ready",
            "shares",
            "tallied",
            "present",
            "head",
            "signatures",
            "complete",
        ],
        "properties": {
            "round": {"type": "integer"},
            "round_id": {"type": "string", "description": "The manifest's round id"},
            "status": _ref("RoundStatus"),
            "t": {"type": "integer", "minimum": 1},
            "n": {"type": "integer", "minimum": 1},
            "ceremony_fingerprint": _HASH,
            "commits": {"type": "object", "additionalProperties": _ref("CommitMessage")},
            "reveals": {"type": "object", "additionalProperties": _ref("RevealMessage")},
            "confirms": {"type": "object", "additionalProperties": _ref("ConfirmMessage")},
            "complaints": {"type": "array", "items": _ref("Complaint")},
            "public_key": {**_HEX_OR_EMPTY, "description": "Empty until all confirmed"},
            "fingerprint": {**_HEX_OR_EMPTY, "description": "Election fingerprint F"},
            "aggregates_ready": {"type": "boolean"},
            "shares": {
                "type": "array",
                "items": _MEMBER,
                "description": "Seats that posted a decryption share",
            },
            "tallied": {"type": "boolean"},
            "present": {
                "type": "array",
                "items": _MEMBER,
                "description": "Once tallied: the members who decrypted, who sign the head",
            },
            "head": {
                **_HEX_OR_EMPTY,
                "description": "Once tallied: the final board head (hash of the results entry)",
            },
            "signatures": {
                "type": "array",
                "items": _MEMBER,
                "description": "Members who signed the final board head",
            },
            "complete": {
                "type": "boolean",
                "description": "Every member of present signed: the record is complete",
            },
        },
    },
    "CeremonyPosted": {
        "type": "object",
        "required": ["ok", "kind", "state"],
        "properties": {
            "ok": {"const": True},
            "kind": {"type": "string", "enum": ["commit", "reveal", "confirm", "complaint"]},
            "state": _ref("CeremonyState"),
        },
    },
    "Aggregates": {
        "type": "object",
        "description": "What to decrypt: one ciphertext sum per official, ballot order.",
        "required": ["fingerprint", "aggregates"],
        "properties": {
            "fingerprint": _HASH,
            "aggregates": {"type": "array", "items": _hex(64)},
        },
    },
    "DecryptionShare": {
        "type": "object",
        "description": "One factor and one Chaum-Pedersen proof per aggregate.",
        "required": ["member", "factors", "proofs"],
        "properties": {
            "member": _MEMBER,
            "factors": {"type": "array", "items": _hex(32)},
            "proofs": {"type": "array", "items": _hex(96)},
        },
    },
    "DecryptionRequest": {
        "type": "object",
        "required": ["share"],
        "properties": {"share": _ref("DecryptionShare")},
    },
    "DecryptionPosted": {
        "type": "object",
        "required": ["ok", "state"],
        "properties": {"ok": {"const": True}, "state": _ref("CeremonyState")},
    },
    "HeadSignatureRequest": {
        "type": "object",
        "required": ["signature"],
        "properties": {
            "signature": _hex(
                64,
                "Schnorr signature A ‖ s by the caller's key share of the final board head "
                "(record-format §3.12)",
            )
        },
    },
    "HeadSignaturePosted": {
        "type": "object",
        "required": ["ok", "complete", "state"],
        "properties": {
            "ok": {"const": True},
            "complete": {
                "type": "boolean",
                "description": "Every member who decrypted has now signed",
            },
            "state": _ref("CeremonyState"),
        },
    },
    "RoundStatus": {
        "type": "string",
        "enum": ["draft", "ceremony", "open", "closed", "tallied", "published"],
    },
    "OpenApiDocument": {
        "type": "object",
        "required": ["openapi", "info", "paths"],
        "properties": {"openapi": {"type": "string", "const": "3.1.0"}},
    },
}

_SCHEMAS: dict[str, Any] = {**_ROUND_SCHEMAS, **_BALLOT_SCHEMAS, **_CEREMONY_SCHEMAS}


def _round_paths() -> dict[str, Any]:
    """The round API (views/api.py), its board (views/board.py) and results (views/results.py)."""
    return {
        "/api/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document (no login needed)",
                "security": _PUBLIC,
                "responses": {
                    "200": _json("OpenApiDocument", "The OpenAPI 3.1 document."),
                    "405": _NOT_ALLOWED,
                },
            }
        },
        "/api/rounds": {
            "get": {
                "operationId": "listRounds",
                "summary": "Rounds the caller holds a role in",
                "security": _SESSION,
                "responses": {
                    "200": _json("RoundList", "The rounds."),
                    "403": _forbidden(False),
                    "405": _NOT_ALLOWED,
                },
            }
        },
        "/api/rounds/{round_id}": _get(
            "getRound", "One round: officials, quorum", _json("RoundDetail", "The round.")
        ),
        "/api/rounds/{round_id}/board": {
            "get": {
                "operationId": "getBoard",
                "summary": "The bulletin board: head, counts, the entries after since",
                "description": "Public: no login needed for the hash chain, trackers and "
                "counts. payload=1 adds each entry's payload and needs a role in the "
                "round; the payloads of decryption and results entries (the decrypted "
                "sums) stay sealed (sealed: true) until the caller may see the results.",
                "security": [*_PUBLIC, *_SESSION],
                "parameters": [
                    _ROUND_ID,
                    {
                        "name": "since",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "default": -1},
                        "description": "Only entries with seq > since (-1, or not an integer: all)",
                    },
                    {
                        "name": "payload",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "enum": [0, 1]},
                        "description": "1: include each entry's payload (a role in the round)",
                    },
                ],
                "responses": {
                    "200": _json("Board", "The board, in order."),
                    "403": _forbidden(False),
                    "404": _NOT_FOUND,
                    "405": _NOT_ALLOWED,
                },
            }
        },
        "/api/rounds/{round_id}/results": _get(
            "getResults",
            "The result, to whom the results page shows it",
            _json("Results", "The result (published_at null: not published yet)."),
            not_found=_error(
                "No such round, or no result the caller may see yet (docs/web.md, "
                "who sees results).",
                ["not_found", "not_published"],
            ),
        ),
    }


def _voter_paths() -> dict[str, Any]:
    """The booth's endpoints (views/booth.py): role voter."""
    return {
        "/api/rounds/{round_id}/cast": _post(
            "castBallot",
            "Cast an encrypted ballot (bỏ phiếu)",
            "CastRequest",
            {
                "201": _json("CastReceipt", "Accepted and posted on the board."),
                "200": _json(
                    "CastReceipt",
                    "This very ballot was already received (a client that lost the answer "
                    "sends again): its receipt, with repeated = true; nothing is added.",
                ),
                "400": _error(
                    _BAD_JSON + " malformed / bad_signature / bad_proof: the ballot does not "
                    "parse or check (row names the row at fault). Nothing is stored.",
                    ["bad_request", "malformed", "bad_signature", "bad_proof"],
                ),
                "403": _forbidden(True, ("not_eligible", "wrong_credential", "refused")),
                "409": _error(
                    "The board forbids it: a ballot opened in a Benaloh audit (audited), a "
                    "replayed ciphertext, a second ballot from the credential under the "
                    "reject policy, or the round is not open. (A copy of an accepted ballot "
                    "is answered 200 with its receipt.)",
                    ["audited", "duplicate", "replay", "already_voted", "closed"],
                ),
            },
            "Role voter. The ballot is checked once (signature, every row's proof, "
            "eligibility, duplicates) and posted on the board. 403 also answers "
            "not_eligible (no credential issued in this round for the caller or the "
            "ballot's credential), wrong_credential (not the caller's own) and refused.",
        ),
        "/api/rounds/{round_id}/audit": _post(
            "auditBallot",
            "Re-check a Benaloh audit of a sealed ballot (kiểm tra lá phiếu)",
            "AuditRequest",
            {
                "200": _json("AuditResult", "The check of each row; nothing is stored."),
                "400": _error(
                    _BAD_JSON + " bad_reveal: the ballot or the reveal is malformed.",
                    ["bad_request", "bad_reveal"],
                ),
                "409": _error("The key ceremony is not finished.", ["not_ready"]),
            },
            "Role voter. An audited ballot is spoiled: it can never be cast.",
        ),
    }


def _committee_paths() -> dict[str, Any]:
    """The counting committee's endpoints (views/committee.py)."""
    ceremony_get = _get(
        "getCeremony",
        "The public state of the key ceremony and the decryption",
        _json("CeremonyState", "The state."),
    )["get"]
    ceremony_post = _post(
        "postCeremonyMessage",
        "Post one key-ceremony message (commit, reveal, confirm, complaint)",
        "CeremonyPost",
        {
            "201": _json("CeremonyPosted", "Stored; the new state."),
            "400": _error(_BAD_JSON, ["bad_request"]),
            "409": _error(
                "refused: out of turn, repeated, wrong seat, not in the ceremony, or the "
                "message does not check. Nothing is stored.",
                ["refused"],
            ),
        },
        "Role committee, the caller's own seat.",
    )["post"]
    ceremony_get["description"] = "Any role in the round (all of it is public)."
    return {
        "/api/rounds/{round_id}/ceremony": {"get": ceremony_get, "post": ceremony_post},
        "/api/rounds/{round_id}/aggregates": _post(
            "prepareAggregates",
            "Post the close and aggregates sections (once); what to decrypt",
            None,
            {
                "200": _json("Aggregates", "The aggregates (posted now or before)."),
                "409": _error("refused: the round is not closed yet.", ["refused"]),
            },
            "Role committee or organiser; no request body. Idempotent.",
        ),
        "/api/rounds/{round_id}/decryption": _post(
            "postDecryptionShare",
            "Post the caller's partial decryption of the aggregates, with proofs",
            "DecryptionRequest",
            {
                "201": _json(
                    "DecryptionPosted",
                    "Stored; with t shares in, the round is tallied (state.tallied).",
                ),
                "400": _error(_BAD_JSON, ["bad_request"]),
                "409": _error(
                    "refused: the round is not closed or already tallied, no aggregates "
                    "yet, not a member, a share already posted, or the share does not "
                    "verify. Nothing is stored.",
                    ["refused"],
                ),
            },
            "Role committee, the caller's own seat.",
        ),
        "/api/rounds/{round_id}/head-signature": _post(
            "postHeadSignature",
            "Post the caller's signature of the tallied round's final board head",
            "HeadSignatureRequest",
            {
                "201": _json(
                    "HeadSignaturePosted",
                    "Stored; once every member who decrypted signed, the record is "
                    "complete (complete, state.complete).",
                ),
                "400": _error(_BAD_JSON, ["bad_request"]),
                "409": _error(
                    "refused: the round is not tallied, the caller did not decrypt "
                    "(not in present), already signed, or the signature does not verify "
                    "under the caller's verification key. Nothing is stored.",
                    ["refused"],
                ),
            },
            "Role committee, the caller's own seat (a member who decrypted).",
        ),
    }


def openapi_document(server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document served at /api/openapi.json (a fresh copy each call: the
    parts shared between operations are never aliased into a caller's document)."""
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Tín Nhiệm API",
            "version": "2.0.0",
            "summary": "JSON API: rounds, bulletin board, results; the poll's booth, key "
            "ceremony and decryption.",
            "description": _DESCRIPTION,
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": server_url}],
        "security": _SESSION,
        "paths": {
            path: _with_head(item) if "get" in item else item
            for path, item in {**_round_paths(), **_voter_paths(), **_committee_paths()}.items()
        },
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "sessionid",
                    "description": "The session cookie of a logged-in user (log in at /login/, "
                    "a voter with the slip's login code at /phieu/).",
                },
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRFToken",
                    "description": "Django's CSRF token, needed on every POST: the "
                    "csrfmiddlewaretoken of a page's form (the booth and the committee "
                    "page carry one), or the csrftoken cookie. Over HTTPS the Referer "
                    "or Origin must be this site.",
                },
            },
        },
    }
    return copy.deepcopy(document)
