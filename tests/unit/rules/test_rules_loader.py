"""Loading rule versions: built-in ids, custom files, and errors that say where."""

from __future__ import annotations

from pathlib import Path

import pytest

from tinnhiem.errors import InputError
from tinnhiem.rules import (
    Denominator,
    RoundKind,
    RuleError,
    builtin_rule_ids,
    list_rules,
    load_rule,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def example_text() -> str:
    text = DOCS.read_text(encoding="utf-8")
    return text.split("```toml\n", 1)[1].split("```", 1)[0]


def write(tmp_path: Path, text: str, name: str = "custom.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_rules() -> None:
    assert builtin_rule_ids() == [
        "nq35-2012",
        "nq85-2014",
        "nq96-2023",
        "nq96-2023-formal",
        "qd96-2023",
    ]
    rules = {r.id: r for r in list_rules()}
    assert rules["qd96-2023"].denominator is Denominator.RETURNED
    assert rules["nq96-2023"].denominator is Denominator.RETURNED
    assert rules["nq85-2014"].denominator is Denominator.MEMBERS
    assert rules["nq35-2012"].denominator is Denominator.MEMBERS
    assert rules["nq96-2023-formal"].kind is RoundKind.FORMAL_VOTE
    assert rules["nq96-2023"].formal_rule == "nq96-2023-formal"
    assert rules["qd96-2023"].quorum is not None and rules["nq96-2023"].quorum is None
    for rule in rules.values():
        assert rule.source.uncertain, f"{rule.id} must say what is uncertain"
        for band in rule.bands:
            assert all(c.citation and c.rule_id == rule.id for c in band.consequences)


def test_docs_example_is_a_valid_custom_rule(tmp_path: Path) -> None:
    rule = load_rule(write(tmp_path, example_text()))
    assert rule.id == "qd96-qd41" and rule.path is not None
    top = rule.bands[-1]
    assert top.lower is not None and not top.lower.inclusive
    assert top.formula() == "3L > 2N"


def test_load_by_path_string(tmp_path: Path) -> None:
    path = write(tmp_path, example_text())
    assert load_rule(str(path)).id == "qd96-qd41"


def test_bom_in_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes("\ufeff".encode() + example_text().encode())
    assert load_rule(path).id == "qd96-qd41"


def test_unknown_rule() -> None:
    with pytest.raises(RuleError, match=r"unknown rule 'nq00-1999'.*nq96-2023"):
        load_rule("nq00-1999")
    with pytest.raises(RuleError, match="no such rule file"):
        load_rule("missing/rule.toml")


def test_rule_error_is_input_error() -> None:
    assert issubclass(RuleError, InputError)


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "format = 1\nid = \n")
    with pytest.raises(RuleError, match=r"custom.toml.*not valid TOML") as info:
        load_rule(path)
    assert info.value.file == str(path)


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            'lower = { fraction = "1/2", inclusive = false }\nupper = { fraction = "2/3", '
            "inclusive = true }",
            'lower = { fraction = 0.5, inclusive = false }\nupper = { fraction = "2/3", '
            "inclusive = true }",
            "bands[1].lower.fraction",
            "write fractions as strings",
        ),
        (
            'denominator = "returned"',
            'denominator = "voters"',
            "denominator",
            "not one of: returned, members",
        ),
        (
            'blank_row = "invalid"\n',
            'blank_row = "invalid"\nthreshold = 3\n',
            "threshold",
            "unknown key",
        ),
        ('id = "qd96-qd41"\n', "", "id", "missing required key"),
        (
            'lower = { fraction = "2/3", inclusive = false }',
            'lower = { fraction = "3/5", inclusive = false }',
            "bands[2]",
            "overlaps band",
        ),
        (
            'fraction = "2/3"\ninclusive = true\ncitation = "QĐ 96-QĐ/TW, Điều 7"',
            'fraction = "4/3"\ninclusive = true\ncitation = "QĐ 96-QĐ/TW, Điều 7"',
            "quorum.fraction",
            "outside 0..1",
        ),
        ('kind = "retirement_notice"', 'kind = "retired"', "exemptions[1].kind", "not one of"),
        (
            'code = "low"\nvi = "Tín nhiệm thấp"',
            'code = "lowest"\nvi = "Tín nhiệm thấp"',
            "levels",
            "exactly the levels",
        ),
        (
            "\nmandatory = true",
            '\nmandatory = "yes"',
            "bands[2].consequences[1].mandatory",
            "true or false",
        ),
        (
            'upper = { fraction = "2/3", inclusive = true }',
            'upper = { fraction = "1/2", inclusive = true }',
            "bands[1].upper",
            "is empty",
        ),
    ],
)
def test_validation_names_the_key(
    tmp_path: Path, old: str, new: str, key: str, message: str
) -> None:
    text = example_text()
    assert old in text, old
    path = write(tmp_path, text.replace(old, new, 1))
    with pytest.raises(RuleError, match=message) as info:
        load_rule(path)
    assert info.value.key == key
    assert info.value.file == str(path)
    assert f"key '{key}'" in str(info.value)
