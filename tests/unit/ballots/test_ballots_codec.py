import hashlib

import pytest

from tinnhiem.ballots import canonical_json, from_hex, tagged_hash
from tinnhiem.errors import InputError


def test_tagged_hash_framing_is_length_prefixed():
    expected = hashlib.sha256(
        (3).to_bytes(8, "big") + b"tag" + (2).to_bytes(8, "big") + b"ab" + (0).to_bytes(8, "big")
    ).digest()
    assert tagged_hash("tag", b"ab", b"") == expected
    # Moving a byte between parts changes the hash.
    assert tagged_hash("t", b"ab", b"c") != tagged_hash("t", b"a", b"bc")


def test_canonical_json_is_sorted_compact_utf8():
    assert (
        canonical_json({"b": 1, "a": ["Đ", None, True]}) == '{"a":["Đ",null,true],"b":1}'.encode()
    )


def test_canonical_json_refuses_decomposed_strings():
    with pytest.raises(InputError, match="NFC"):
        canonical_json({"name": "Nguye\u0302\u0303n"})


@pytest.mark.parametrize(
    ("text", "size", "message"),
    [
        ("ABCD", None, "lowercase"),
        ("abc", None, "not a hex"),
        ("abcd", 3, "expected 3 bytes"),
        (12, None, "lowercase hex"),
    ],
)
def test_from_hex_says_what_is_wrong(text, size, message):
    with pytest.raises(InputError, match=message) as info:
        from_hex(text, size=size, where="here")
    assert info.value.where == "here"
