import json
from dataclasses import replace

import pytest
from ballots_helpers import make_manifest

from tinnhiem.ballots import (
    ExemptOfficial,
    Manifest,
    Official,
    RoundKind,
    ceremony_fingerprint,
    election_fingerprint,
)
from tinnhiem.errors import InputError


def test_json_round_trip_and_canonical_bytes(manifest):
    again = Manifest.from_json(manifest.to_json())
    assert again == manifest
    assert again.canonical_bytes() == manifest.canonical_bytes()
    expected = json.dumps(
        manifest.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()
    assert manifest.canonical_bytes() == expected


@pytest.mark.parametrize(
    "change",
    [
        {"title": "khác"},
        {"summoned": 9},
        {"threshold": 1},
        {"weight_base": 12},
        {"rule_version": "sha256:01"},
        {"kind": RoundKind.FORMAL_VOTE},
        {"exempt": (ExemptOfficial("x", "X", "Y", "nghỉ hưu"),)},
    ],
)
def test_every_field_changes_the_fingerprint(manifest, change):
    key = bytes(range(32))
    other = replace(manifest, **change)
    assert election_fingerprint(other, key) != election_fingerprint(manifest, key)
    assert ceremony_fingerprint(other) != ceremony_fingerprint(manifest)


def test_the_key_changes_the_fingerprint(manifest):
    assert election_fingerprint(manifest, bytes(32)) != election_fingerprint(
        manifest, bytes(31) + b"\x01"
    )


def test_allowed_values():
    assert make_manifest().allowed_values() == (0, 1, 11, 121)
    assert make_manifest(kind=RoundKind.FORMAL_VOTE).allowed_values() == (0, 1, 11)
    assert make_manifest().dlog_bound(10) == 1210


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"weight_base": 10}, "manifest.weight_base"),
        ({"threshold": 3}, "manifest.threshold"),
        (
            {"officials": (Official("a", "A", "p", 1), Official("a", "B", "p", 2))},
            "manifest.officials[1]",
        ),
        ({"officials": (Official("a", "A", "p", 2),)}, "manifest.officials[0]"),
        ({"exempt": (ExemptOfficial("o1", "A", "p", "nghỉ hưu"),)}, "manifest.exempt[0]"),
        ({"exempt": (ExemptOfficial("x", "A", "p", ""),)}, "manifest.exempt[0]"),
        ({"summoned": 0}, "manifest.summoned"),
    ],
)
def test_inconsistent_manifests_are_refused(change, where):
    with pytest.raises(InputError) as info:
        make_manifest(**change)
    assert info.value.where == where


def test_from_json_names_the_bad_field(manifest):
    data = manifest.to_json()
    data["officials"][1]["order"] = "2"
    with pytest.raises(InputError) as info:
        Manifest.from_json(data)
    assert info.value.where == "manifest.officials[1].order"
    data = manifest.to_json()
    data["kind"] = "referendum"
    with pytest.raises(InputError, match="not one of"):
        Manifest.from_json(data)
    data = manifest.to_json()
    del data["summoned"]
    with pytest.raises(InputError, match="missing field 'summoned'"):
        Manifest.from_json(data)


def test_packed_rows_have_a_size_limit():
    with pytest.raises(InputError, match="at most 2000 voters") as info:
        make_manifest(summoned=2500, weight_base=2501)
    assert info.value.where == "manifest.weight_base"
