"""Citations: every clause of every built-in rule cites its text, and only a clause read in
the official text or quoted word for word may be marked verified (issue 10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tinnhiem.cli.rules_cmd import describe_rule
from tinnhiem.rules import (
    Citation,
    RuleError,
    SourceKind,
    list_rules,
    load_rule,
    parse_rule,
)
from tinnhiem.rules.loader import _read

DATA = Path(__file__).resolve().parents[3] / "src" / "tinnhiem" / "rules" / "data"
BUILTIN = ["nq35-2012", "nq85-2014", "nq96-2023", "nq96-2023-formal", "qd96-2023"]


def _every_cited_clause(rule_id: str) -> list[tuple[str, Citation | None]]:
    rule = load_rule(rule_id)
    out: list[tuple[str, Citation | None]] = [("denominator", rule.denominator_cite)]
    out.append(("quorum", rule.quorum_cite))
    for band in rule.bands:
        out.append((f"band {band.id}", band.cite))
        out += [(f"consequence {c.code}", c.cite) for c in band.consequences]
    out += [(f"exemption {e.code}", e.cite) for e in rule.exemptions]
    out += [(f"trigger {t.vi}", t.cite) for t in rule.formal_triggers]
    out += [(f"request {t.body}", t.cite) for t in rule.request_thresholds]
    out += [(f"time limit {t.code}", t.cite) for t in rule.time_limits]
    if rule.resignation.closed_by_mandatory:
        out.append(("resignation", rule.resignation.cite))
    return out


@pytest.mark.parametrize("rule_id", BUILTIN)
def test_every_clause_of_a_builtin_rule_has_a_structured_citation(rule_id: str) -> None:
    rule = load_rule(rule_id)
    keys = {c.key for c in rule.citations}
    for what, cite in _every_cited_clause(rule_id):
        assert cite is not None, f"{rule_id}: {what} has no citation"
        assert cite.key in keys, f"{rule_id}: {what} cites free text, not a [citations] table"


@pytest.mark.parametrize("rule_id", BUILTIN)
def test_verified_only_from_the_text_or_a_word_for_word_quote(rule_id: str) -> None:
    rule = load_rule(rule_id)
    assert rule.citations
    for cite in rule.citations:
        if cite.verified:
            assert cite.source_kind in (SourceKind.OFFICIAL_TEXT, SourceKind.VERBATIM_QUOTE)
            assert cite.quote and cite.url.startswith("http")
            assert cite.display == cite.label
        else:
            assert cite.display.endswith("[chưa đối chiếu văn bản / unverified]")
        if cite.source_kind not in (SourceKind.NOT_FOUND, SourceKind.UNCHECKED):
            assert cite.url.startswith("http"), f"{rule_id}/{cite.key}: where was it read?"
    # no built-in claims to be checked as a whole: some clauses could not be checked
    assert rule.source.verified is False


def test_the_verified_citations_are_those_the_texts_confirmed() -> None:
    verified = {r.id: sorted(c.key for c in r.citations if c.verified) for r in list_rules()}
    assert verified == {
        "nq35-2012": [],
        "nq85-2014": ["nq85-art7"],
        "nq96-2023": ["nq96-consequences", "nq96-two-thirds"],
        "nq96-2023-formal": ["law-na-13-2", "nq96-13-1", "nq96-formal-outcome"],
        "qd96-2023": [],
    }


@pytest.mark.parametrize("rule_id", BUILTIN)
def test_rules_show_prints_every_citation(rule_id: str) -> None:
    rule = load_rule(rule_id)
    text = "\n".join(describe_rule(rule))
    for cite in rule.citations:
        assert f"[{cite.key}] {cite.label}" in text
        assert ("ĐÃ ĐỐI CHIẾU / verified" if cite.verified else "CHƯA ĐỐI CHIẾU") in text
        if cite.quote:
            assert f"Trích / Quote: “{cite.quote}”" in text
        if cite.url:
            assert f"URL: {cite.url}" in text
        assert cite.kind_text in text
    for what, cite in _every_cited_clause(rule_id):
        assert cite is not None and f"[{cite.display}]" in text, what
    assert "không có trích dẫn / no citation" not in text


def test_article_not_given_by_the_source_is_said_not_guessed() -> None:
    rule = load_rule("nq96-2023")
    cite = rule.bands[0].cite
    assert cite is not None and cite.verified and cite.article == ""
    assert (
        cite.label == "Nghị quyết 96/2023/QH15, điều, khoản chưa xác định / article not confirmed"
    )


def test_formal_triggers_include_the_ethnic_council_and_the_fatherland_front() -> None:
    for rule_id in ("nq96-2023-formal", "nq85-2014", "nq35-2012"):
        rule = load_rule(rule_id)
        text = " ".join(t.vi for t in rule.formal_triggers)
        assert "Hội đồng Dân tộc".lower() in text.lower(), rule_id
        assert "Mặt trận Tổ quốc Việt Nam cùng cấp" in text, rule_id
        bodies = {t.body for t in rule.request_thresholds}
        assert bodies == {"national_assembly", "peoples_council"}


def test_qd96_two_thirds_band_includes_reassignment() -> None:
    band = load_rule("qd96-2023").bands[1]
    (relief,) = band.consequences
    assert "bố trí công tác khác" in relief.text_vi and relief.mandatory


def test_nq85_adopted_after_the_november_2014_poll() -> None:
    rule = load_rule("nq85-2014")
    assert rule.source.date == "2014-11-28"
    assert any("1/7/2015" in line or "2018" in line for line in rule.source.uncertain)
    nq35 = (DATA / "nq35-2012.toml").read_text(encoding="utf-8")
    assert "November 2014" in nq35


# --- the loader ------------------------------------------------------------------------


def _rule_text(**replace: str) -> str:
    text = (DATA / "nq96-2023.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _parse(text: str) -> None:
    parse_rule(_read(text, "x.toml"), "x.toml")


def test_a_paraphrase_cannot_be_verified() -> None:
    text = _rule_text()
    start = text.index("[citations.nq96-exemptions]")
    at = text.index("verified = false", start)
    text = text[:at] + "verified = true" + text[at + len("verified = false") :]
    with pytest.raises(RuleError, match=r"citations\.nq96-exemptions\.verified"):
        _parse(text)


def test_a_verified_citation_needs_its_quote_and_url() -> None:
    text = _rule_text()
    start = text.index("[citations.nq96-two-thirds]")
    quote_at = text.index("quote = ", start)
    end = text.index("\n", quote_at)
    with pytest.raises(RuleError, match="quote"):
        _parse(text[:quote_at] + text[end + 1 :])


def test_an_unknown_citation_key_is_an_error_not_free_text() -> None:
    text = _rule_text(**{'citation = "nq96-illness"': 'citation = "nq96-ilness"'})
    with pytest.raises(RuleError, match=r"no \[citations\.nq96-ilness\] table"):
        _parse(text)


def test_free_text_citation_is_kept_as_unchecked() -> None:
    text = _rule_text(**{'citation = "nq96-illness"': 'citation = "NQ 96/2023/QH15, Điều 2"'})
    rule = parse_rule(_read(text, "x.toml"), "x.toml")
    ill = rule.exemptions[-1]
    assert ill.cite is not None and ill.cite.source_kind is SourceKind.UNCHECKED
    assert ill.citation == "NQ 96/2023/QH15, Điều 2 [chưa đối chiếu văn bản / unverified]"


def test_a_rule_marked_verified_needs_every_citation_verified() -> None:
    text = _rule_text(**{"verified = false\nuncertain": "verified = true\nuncertain"})
    with pytest.raises(RuleError, match=r"source\.verified.*nq96-exemptions"):
        _parse(text)


def test_unknown_key_in_a_citation_is_rejected() -> None:
    text = _rule_text(**{"[citations.nq96-illness]\n": "[citations.nq96-illness]\npage = 3\n"})
    with pytest.raises(RuleError, match=r"citations\.nq96-illness\.page.*unknown key"):
        _parse(text)
