"""The strict record (issue 12): the schema and the orders, checked before anything else,
each refusal naming its JSON path; and the committee's signatures of the board head."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tinnhiem.poll.demo import DemoConfig, run_demo
from tinnhiem.record import ElectionRecord, RecordInvalid, verify_record
from tinnhiem.record.schema import record_schema
from tinnhiem.tally import load_rule_source, sign_head

DOCS = Path(__file__).resolve().parents[3] / "docs" / "record.schema.json"


@pytest.fixture(scope="module")
def run() -> Any:
    return run_demo(
        DemoConfig(officials=3, voters=8, exempt=1, first_band=1, seed=5),
        load_rule_source("qd96-2023"),
        workers=1,
    )


@pytest.fixture(scope="module")
def good(run: Any) -> dict[str, Any]:
    return json.loads(run.election.record().to_bytes())


def refused(good: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> RecordInvalid:
    data = copy.deepcopy(good)
    change(data)
    with pytest.raises(RecordInvalid) as info:
        ElectionRecord.from_json(data)
    assert info.value.check == "schema"
    return info.value


def test_the_schema_in_docs_is_the_one_the_verifier_uses(good):
    assert json.loads(DOCS.read_text("utf-8")) == record_schema()
    jsonschema.Draft202012Validator.check_schema(record_schema())
    jsonschema.validate(good, record_schema())  # a written record follows its own schema
    verify_record(ElectionRecord.from_json(good), workers=1)


@pytest.mark.parametrize(
    "path",
    [
        (),
        ("manifest",),
        ("manifest", "rule"),
        ("manifest", "officials", 0),
        ("manifest", "exempt", 0),
        ("manifest", "committee"),
        ("manifest", "committee", "members", 1),
        ("rule",),
        ("committee",),
        ("committee", "key"),
        ("committee", "commits", 2),
        ("committee", "reveals", 0),
        ("ballots", 1),
        ("ballots", 1, "rows", 2),
        ("close",),
        ("decryption",),
        ("decryption", "shares", 1),
        ("results", 0),
        ("results", 0, "counts"),
        ("results", 0, "percentages"),
        ("signatures", 0),
        ("board",),
        ("board", "entries", 4),
    ],
)
def test_an_unknown_key_is_refused_at_every_level(good, path):
    def change(data: dict[str, Any]) -> None:
        node = data
        for key in path:
            node = node[key]
        node["zz_extra"] = 1

    error = refused(good, change)
    prefix = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")
    assert error.where == (f"{prefix}.zz_extra" if prefix else "zz_extra")
    assert "unknown key 'zz_extra'" in str(error)


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("ballots", 2, "credential"), "ballots[2].credential"),
        (("ballots", 0, "rows", 1, "ct"), "ballots[0].rows[1].ct"),
        (("ballots", 3, "rows", 0, "proof"), "ballots[3].rows[0].proof"),
        (("fingerprint",), "fingerprint"),
        (("aggregates", 1), "aggregates[1]"),
        (("board", "head"), "board.head"),
        (("decryption", "shares", 0, "factors", 1), "decryption.shares[0].factors[1]"),
        (("committee", "key", "public_key"), "committee.key.public_key"),
    ],
)
@pytest.mark.parametrize("spoil", ["upper", "space", "short"])
def test_hex_is_lowercase_without_whitespace(good, path, where, spoil):
    def change(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        text = node[path[-1]]
        node[path[-1]] = {
            "upper": text.upper(),
            "space": f"{text[:8]} {text[8:]}",
            "short": text[:-2],
        }[spoil]

    error = refused(good, change)
    assert error.where == where
    assert "lowercase hex" in str(error)


def test_hex_with_a_newline_inside_is_refused(good):
    def change(data: dict[str, Any]) -> None:
        data["credentials"][0] = data["credentials"][0][:32] + "\n" + data["credentials"][0][32:]

    assert refused(good, change).where == "credentials[0]"


def test_decryption_shares_in_another_order_than_present(good):
    def change(data: dict[str, Any]) -> None:
        data["decryption"]["shares"].reverse()

    error = refused(good, change)
    assert error.where == "decryption.shares[0].member"


def test_present_must_ascend(good):
    def change(data: dict[str, Any]) -> None:
        data["decryption"]["present"].reverse()
        data["decryption"]["shares"].reverse()

    assert refused(good, change).where == "decryption.present"


def test_an_extra_committee_reveal_is_refused(good):
    def change(data: dict[str, Any]) -> None:
        extra = copy.deepcopy(data["committee"]["reveals"][0])
        extra["member"] = 6
        data["committee"]["reveals"].append(extra)

    error = refused(good, change)
    assert error.where == "committee.reveals[5]"


def test_commits_in_member_order(good):
    def change(data: dict[str, Any]) -> None:
        commits = data["committee"]["commits"]
        commits[0], commits[1] = commits[1], commits[0]

    assert refused(good, change).where == "committee.commits[0].member"


def test_a_sealed_share_to_no_member_is_refused(good):
    def change(data: dict[str, Any]) -> None:
        shares = data["committee"]["reveals"][0]["shares"]
        shares["9"] = shares["2"]

    assert refused(good, change).where == "committee.reveals[0].shares.9"


def test_a_member_number_spelt_otherwise_is_refused(good):
    def change(data: dict[str, Any]) -> None:
        keys = data["committee"]["key"]["verification_keys"]
        keys["01"] = keys.pop("1")

    assert refused(good, change).where == "committee.key.verification_keys.01"


def test_the_first_problem_in_document_order_is_named(good):
    def change(data: dict[str, Any]) -> None:
        data["ballots"][4]["rows"][0]["zz"] = 1
        data["ballots"][2]["signature"] = data["ballots"][2]["signature"].upper()

    assert refused(good, change).where == "ballots[2].signature"


def test_wrong_types_and_missing_keys_name_the_path(good):
    assert refused(good, lambda d: d["close"].update(counted="8")).where == "close.counted"
    assert refused(good, lambda d: d["results"][1].pop("band")).where == "results[1]"
    assert refused(good, lambda d: d["results"][1].update(quorum="maybe")).where == (
        "results[1].quorum"
    )


# -- the committee's signatures of the final board head ----------------------------------


def _verdict(data: dict[str, Any]) -> RecordInvalid:
    with pytest.raises(RecordInvalid) as info:
        verify_record(ElectionRecord.from_json(data), workers=1)
    return info.value


def test_every_member_who_decrypted_signed_the_head(run, good):
    record = run.election.record()
    assert [s["member"] for s in good["signatures"]] == good["decryption"]["present"]
    assert len(good["signatures"]) >= record.manifest.threshold


def test_a_missing_head_signature_fails(good):
    def change(data: dict[str, Any]) -> None:
        data["signatures"].pop()

    assert refused(good, change).where == "signatures"


def test_a_forged_head_signature_fails(good):
    data = copy.deepcopy(good)
    sig = data["signatures"][1]["signature"]
    data["signatures"][1]["signature"] = sig[:-4] + ("0000" if sig[-4:] != "0000" else "1111")
    error = _verdict(data)
    assert (error.check, error.where) == ("signatures", "signatures[1].signature")


def test_a_signature_by_another_member_or_of_another_head_fails(run, good):
    shares = run.election.secrets.shares
    fp = bytes.fromhex(good["fingerprint"])
    head = bytes.fromhex(good["board"]["head"])
    data = copy.deepcopy(good)
    # member 4 did not decrypt: their valid signature in member 1's place fails
    data["signatures"][0]["signature"] = sign_head(fp, shares[4], head).hex()
    assert _verdict(data).where == "signatures[0].signature"
    data = copy.deepcopy(good)
    data["signatures"][0]["signature"] = sign_head(fp, shares[1], b"\x00" * 32).hex()
    assert _verdict(data).where == "signatures[0].signature"
    data = copy.deepcopy(good)
    data["signatures"][0]["signature"] = sign_head(fp, shares[1], head).hex()
    verify_record(ElectionRecord.from_json(data), workers=1)  # a fresh one of its own passes
