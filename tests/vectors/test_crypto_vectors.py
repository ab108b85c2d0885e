"""Our frozen known-answer vectors (crypto-v1.json) recomputed byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from make_vectors import compute

from tinnhiem.crypto import (
    Ciphertext,
    Context,
    DisjunctiveProof,
    Point,
    SchnorrProof,
    verify_in_set,
    verify_knowledge,
)

VECTORS = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "vectors" / "crypto-v1.json").read_text(
        encoding="utf-8"
    )
)
CASES: list[dict[str, Any]] = VECTORS["cases"]


def test_file_version() -> None:
    assert VECTORS["version"] == "tinnhiem-crypto-v1"
    kinds = {c["kind"] for c in CASES}
    assert {"transcript", "encryption", "schnorr", "chaum_pedersen", "disjunctive"} <= kinds


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_recompute(case: dict[str, Any]) -> None:
    assert compute(case) == case["output"]


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if c["kind"] == "disjunctive"],
    ids=[c["name"] for c in CASES if c["kind"] == "disjunctive"],
)
def test_disjunctive_vectors_verify(case: dict[str, Any]) -> None:
    inp, out = case["input"], case["output"]
    ctx = Context(bytes.fromhex(inp["fingerprint"]))
    verify_in_set(
        ctx,
        Point.from_hex(inp["public"]),
        Ciphertext.from_hex(out["ciphertext"]),
        inp["allowed"],
        DisjunctiveProof.from_hex(out["proof"]),
        binding=bytes.fromhex(inp["binding"]),
    )


def test_schnorr_vector_verifies() -> None:
    case = next(c for c in CASES if c["kind"] == "schnorr")
    ctx = Context(bytes.fromhex(case["input"]["fingerprint"]))
    verify_knowledge(
        ctx,
        Point.from_hex(case["output"]["public"]),
        SchnorrProof.from_hex(case["output"]["proof"]),
        binding=bytes.fromhex(case["input"]["binding"]),
    )
