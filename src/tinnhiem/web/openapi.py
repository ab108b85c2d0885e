"""The OpenAPI 3.1 description of the JSON API (hand-written; a test validates it)."""

from __future__ import annotations

from typing import Any

__all__ = ["openapi_document"]

_ROUND_ID = {
    "name": "round_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
    "description": "The round's id.",
}
_ERRORS = {
    "403": {
        "description": "Not logged in, or no role in this round (Không có quyền).",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "404": {
        "description": "No such round, or nothing published yet.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}


def _ok(ref: str, description: str) -> dict[str, Any]:
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
        },
        **_ERRORS,
    }


_DATETIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}

_SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}, "detail": {"type": "string"}},
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
        "required": ["seq", "kind", "payload_hash", "previous", "hash"],
        "properties": {
            "seq": {"type": "integer"},
            "kind": {"type": "string"},
            "payload_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "previous": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "created_at": {"type": "string", "format": "date-time"},
            "payload": {"type": "object"},
        },
    },
    "Board": {
        "type": "object",
        "required": ["round", "head", "entries"],
        "properties": {
            "round": {"type": "integer"},
            "head": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "entries": {"type": "array", "items": {"$ref": "#/components/schemas/BoardEntry"}},
        },
    },
    "Results": {
        "type": "object",
        "required": ["round", "published_at", "result"],
        "properties": {
            "round": {"type": "integer"},
            "published_at": {"type": "string", "format": "date-time"},
            "result": {
                "type": "object",
                "description": "Counts and consequences (docs/record-format.md)",
            },
        },
    },
}


def openapi_document(server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document served at /api/openapi.json."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tín Nhiệm API",
            "version": "1.0.0",
            "summary": "Read-only JSON API: rounds, bulletin board, results.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": server_url}],
        "security": [{"session": []}],
        "paths": {
            "/api/rounds": {
                "get": {
                    "operationId": "listRounds",
                    "summary": "Rounds the caller holds a role in",
                    "responses": _ok("RoundList", "The rounds."),
                }
            },
            "/api/rounds/{round_id}": {
                "get": {
                    "operationId": "getRound",
                    "summary": "One round: officials, quorum",
                    "parameters": [_ROUND_ID],
                    "responses": _ok("RoundDetail", "The round."),
                }
            },
            "/api/rounds/{round_id}/board": {
                "get": {
                    "operationId": "getBoard",
                    "summary": "The bulletin board (hash chain)",
                    "parameters": [
                        _ROUND_ID,
                        {
                            "name": "payload",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "enum": [0, 1]},
                            "description": "1: include each entry's payload",
                        },
                    ],
                    "responses": _ok("Board", "The board, in order."),
                }
            },
            "/api/rounds/{round_id}/results": {
                "get": {
                    "operationId": "getResults",
                    "summary": "Published results",
                    "parameters": [_ROUND_ID],
                    "responses": _ok("Results", "The published result."),
                }
            },
        },
        "components": {
            "schemas": _SCHEMAS,
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "sessionid",
                    "description": "The session cookie of a logged-in user (log in at /login/).",
                }
            },
        },
    }
