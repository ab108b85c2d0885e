"""Load rule versions from TOML (built-in ones in ``data/``, or a user's own file).

The format is documented in docs/rules.md. Every problem raises ``RuleError`` naming the
file, the key (e.g. ``bands[2].lower.fraction``) and what is wrong; unknown keys are
errors too, so a typo never silently changes a rule.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from tinnhiem.rules.errors import RuleError
from tinnhiem.rules.model import (
    Band,
    BlankRow,
    Bound,
    Citation,
    Consequence,
    Denominator,
    ExemptionKind,
    ExemptionRule,
    FormalFollowUp,
    FormalOption,
    FormalTrigger,
    Level,
    Quorum,
    RequestThreshold,
    ResignationClosure,
    RoundKind,
    Rule,
    Source,
    SourceKind,
    TimeLimit,
    free_citation,
)

__all__ = ["FORMAT_VERSION", "builtin_rule_ids", "list_rules", "load_rule", "parse_rule"]

FORMAT_VERSION = 1
_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_FRACTION = re.compile(r"[0-9]+(?:/[0-9]+|\.[0-9]+)?")
_E = TypeVar("_E")

_POLL_LEVELS = (Level.HIGH, Level.CONFIDENT, Level.LOW)
_FORMAL_LEVELS = (FormalOption.CONFIDENCE, FormalOption.NO_CONFIDENCE)


class _Table:
    """A TOML table with its key path, for error messages that say where."""

    def __init__(self, data: dict[str, Any], path: str, file: str) -> None:
        self.data = data
        self.path = path
        self.file = file
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def error(self, name: str, message: str) -> RuleError:
        return RuleError(message, file=self.file, key=self.key(name))

    def raw(self, name: str, *, required: bool = True) -> Any:
        self.used.add(name)
        if name not in self.data:
            if required:
                raise self.error(name, "missing required key")
            return None
        return self.data[name]

    def text(self, name: str, *, required: bool = True, default: str = "") -> str:
        value = self.raw(name, required=required)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.error(name, f"expected a string, got {type(value).__name__}")
        if required and not value.strip():
            raise self.error(name, "must not be empty")
        return value

    def flag(self, name: str, *, required: bool = True, default: bool = False) -> bool:
        value = self.raw(name, required=required)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(name, f"expected true or false, got {value!r}")
        return value

    def whole(self, name: str, *, required: bool = True) -> int | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(name, f"expected a whole number >= 0, got {value!r}")
        return value

    def fraction(self, name: str) -> Fraction:
        value = self.raw(name)
        if isinstance(value, float):
            raise self.error(name, f'write fractions as strings such as "1/2", not {value!r}')
        if not isinstance(value, str):
            raise self.error(name, f'expected a fraction as a string such as "2/3", got {value!r}')
        # The grammar of rules.md exactly: digits "/" digits, or digits ["." digits];
        # no sign, no space, no exponent, no underscore.
        if not _FRACTION.fullmatch(value):
            raise self.error(name, f'"{value}" is not a fraction such as "2/3" or "0.2"')
        try:
            result = Fraction(value)
        except ZeroDivisionError:
            raise self.error(name, f'"{value}" divides by zero') from None
        if not 0 <= result <= 1:
            raise self.error(name, f"{value} is outside 0..1 (a share of the base)")
        return result

    def enum(
        self, name: str, kind: Callable[[str], _E], choices: str, *, default: str | None = None
    ) -> _E:
        value = self.text(name, required=default is None, default=default or "")
        try:
            return kind(value)
        except ValueError:
            raise self.error(name, f"'{value}' is not one of: {choices}") from None

    def table(self, name: str, *, required: bool = True) -> _Table | None:
        value = self.raw(name, required=required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.error(name, "expected a table")
        return _Table(value, self.key(name), self.file)

    def tables(self, name: str, *, required: bool = True) -> list[_Table]:
        value = self.raw(name, required=required)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(name, f"expected an array of tables ([[{self.key(name)}]])")
        return [_Table(v, f"{self.key(name)}[{i + 1}]", self.file) for i, v in enumerate(value)]

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.raw(name, required=False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(name, "expected an array of strings")
        return tuple(value)

    def done(self) -> None:
        """Reject keys nobody read: a typo must not pass silently."""
        for name in self.data:
            if name not in self.used:
                raise self.error(name, "unknown key")


_KEY = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Citations:
    """The rule's ``[citations.KEY]`` tables; ``citation = "KEY"`` anywhere refers to one.

    A ``citation`` that is not a key (free text such as ``"QĐ 96-QĐ/TW, Điều 7"``, the
    form of older files) is kept as an unchecked citation. A string that looks like a key
    but names no table is an error: a typo must not turn a checked citation into free text.
    """

    def __init__(self, table: _Table | None) -> None:
        self.by_key: dict[str, Citation] = {}
        if table is None:
            return
        for key in table.data:
            sub = table.table(key)
            assert sub is not None
            if not _KEY.fullmatch(key):
                raise table.error(key, "a citation key is lower-case letters, digits, '-', '.'")
            self.by_key[key] = _citation(sub, key)
        table.done()

    def get(self, t: _Table, name: str, *, required: bool = True) -> tuple[str, Citation | None]:
        """``(display text, Citation)`` for the ``citation``-like key ``name`` of ``t``."""
        text = t.text(name, required=required)
        if not text:
            return "", None
        if text in self.by_key:
            cite = self.by_key[text]
        elif _KEY.fullmatch(text):
            known = ", ".join(self.by_key) or "none"
            raise t.error(name, f"no [citations.{text}] table in this file (known: {known})")
        else:
            cite = free_citation(text)
        return cite.display, cite


def _citation(t: _Table, key: str) -> Citation:
    kind = t.enum("source_kind", SourceKind, _choices(SourceKind))
    cite = Citation(
        document=t.text("document"),
        date=t.text("date", required=False),
        article=t.text("article", required=False),
        clause=t.text("clause", required=False),
        quote=t.text("quote", required=False),
        url=t.text("url", required=False),
        source_kind=kind,
        source=t.text("source", required=False),
        verified=t.flag("verified"),
        note=t.text("note", required=False),
        key=key,
    )
    if cite.date and not _DATE.fullmatch(cite.date):
        raise t.error("date", f"'{cite.date}' is not YYYY-MM-DD")
    if cite.verified:
        if not kind.can_verify:
            raise t.error(
                "verified",
                f"a clause read in a {kind} source is not checked: verified must be false"
                " (only official_text or verbatim_quote can be verified)",
            )
        for needed in ("quote", "url"):
            if not getattr(cite, needed).strip():
                raise t.error(needed, "a verified citation needs the quote and where it was read")
    t.done()
    return cite


def _choices(kind: type[Any]) -> str:
    return ", ".join(str(m.value) for m in kind)


def _bound(table: _Table | None) -> Bound | None:
    if table is None:
        return None
    bound = Bound(table.fraction("fraction"), table.flag("inclusive"))
    table.done()
    return bound


def _consequence(t: _Table, rule_id: str, cites: _Citations) -> Consequence:
    text, cite = cites.get(t, "citation")
    result = Consequence(
        code=t.text("code"),
        text_vi=t.text("vi"),
        text_en=t.text("en"),
        citation=text,
        rule_id=rule_id,
        mandatory=t.flag("mandatory", required=False),
        resignation=t.flag("resignation", required=False),
        cite=cite,
    )
    t.done()
    return result


def _interval(band: Band) -> tuple[Fraction, bool, Fraction, bool]:
    lo = (band.lower.fraction, band.lower.inclusive) if band.lower else (Fraction(0), True)
    hi = (band.upper.fraction, band.upper.inclusive) if band.upper else (Fraction(1), True)
    return lo[0], lo[1], hi[0], hi[1]


def _empty(lo: Fraction, lo_inc: bool, hi: Fraction, hi_inc: bool) -> bool:
    return lo > hi or (lo == hi and not (lo_inc and hi_inc))


def _overlap(a: Band, b: Band) -> bool:
    alo, alo_inc, ahi, ahi_inc = _interval(a)
    blo, blo_inc, bhi, bhi_inc = _interval(b)
    lo = max(alo, blo)
    lo_inc = (alo_inc or alo != lo) and (blo_inc or blo != lo)
    hi = min(ahi, bhi)
    hi_inc = (ahi_inc or ahi != hi) and (bhi_inc or bhi != hi)
    return not _empty(lo, lo_inc, hi, hi_inc)


def _band(
    t: _Table, rule_id: str, levels: tuple[str, ...], default_measure: str, cites: _Citations
) -> Band:
    measure = t.text("measure", required=False, default=default_measure)
    if measure not in levels:
        raise t.error("measure", f"'{measure}' is not a level of this rule ({', '.join(levels)})")
    band = Band(
        id=t.text("id"),
        title_vi=t.text("title_vi"),
        title_en=t.text("title_en"),
        measure=measure,
        lower=_bound(t.table("lower", required=False)),
        upper=_bound(t.table("upper", required=False)),
        consequences=tuple(_consequence(c, rule_id, cites) for c in t.tables("consequences")),
        formal_vote=t.enum(
            "formal_vote",
            FormalFollowUp,
            _choices(FormalFollowUp),
            default=FormalFollowUp.NONE.value,
        ),
        cite=cites.get(t, "citation", required=False)[1],
    )
    if band.lower is None and band.upper is None:
        raise t.error("lower", "a band needs a lower or an upper bound")
    if _empty(*_interval(band)):
        raise t.error("upper", f"the band {band.formula()} is empty")
    if not band.consequences:
        raise t.error("consequences", "a band needs at least one consequence")
    t.done()
    return band


def _exemption(t: _Table, cites: _Citations) -> ExemptionRule:
    kind = t.enum("kind", ExemptionKind, _choices(ExemptionKind))
    needs_months = kind in (ExemptionKind.SERIOUS_ILLNESS, ExemptionKind.IN_POST_UNDER)
    months = t.whole("months", required=needs_months)
    if not needs_months and months is not None:
        raise t.error("months", f"an exemption of kind '{kind}' takes no months")
    text, cite = cites.get(t, "citation")
    result = ExemptionRule(t.text("code"), kind, t.text("vi"), t.text("en"), text, months, cite)
    t.done()
    return result


def _quorum(t: _Table, cites: _Citations) -> tuple[Quorum | None, Citation | None]:
    """The quorum, and the citation of the quorum clause (or of the finding that there is
    none: ``citation`` is optional when ``required = false``)."""
    if not t.flag("required"):
        cite = cites.get(t, "citation", required=False)[1]
        t.done()
        return None, cite
    text, cite = cites.get(t, "citation")
    quorum = Quorum(t.fraction("fraction"), t.flag("inclusive"), text, cite)
    t.done()
    return quorum, cite


def parse_rule(data: dict[str, Any], file: str) -> Rule:
    """Build and check a Rule from parsed TOML; ``file`` names the source in errors."""
    top = _Table(data, "", file)
    version = top.whole("format")
    if version != FORMAT_VERSION:
        raise top.error(
            "format", f"unsupported format {version}; this version reads {FORMAT_VERSION}"
        )
    rule_id = top.text("id")
    if not _ID.fullmatch(rule_id):
        raise top.error("id", f"'{rule_id}' must be lower-case letters, digits, '-', '.' or '_'")
    kind = top.enum("kind", RoundKind, _choices(RoundKind))
    allowed = _POLL_LEVELS if kind is RoundKind.POLL else _FORMAL_LEVELS
    level_tables = top.tables("levels")
    labels: list[tuple[str, str, str]] = []
    for lt in level_tables:
        code = lt.text("code")
        labels.append((code, lt.text("vi"), lt.text("en")))
        lt.done()
    codes = tuple(code for code, _, _ in labels)
    if sorted(codes) != sorted(allowed):
        raise top.error(
            "levels",
            f"a {kind} rule has exactly the levels {', '.join(allowed)}; got {', '.join(codes)}",
        )
    default_measure = (
        Level.LOW.value if kind is RoundKind.POLL else FormalOption.NO_CONFIDENCE.value
    )
    cites = _Citations(top.table("citations", required=False))
    bands = tuple(_band(b, rule_id, codes, default_measure, cites) for b in top.tables("bands"))
    for i, a in enumerate(bands):
        for j in range(i + 1, len(bands)):
            b = bands[j]
            if a.id == b.id:
                raise RuleError(f"duplicate band id '{a.id}'", file=file, key=f"bands[{j + 1}].id")
            if a.measure != b.measure:
                raise RuleError(
                    "all bands of a rule measure the same level",
                    file=file,
                    key=f"bands[{j + 1}].measure",
                )
            if _overlap(a, b):
                raise RuleError(
                    f"band '{b.id}' ({b.formula()}) overlaps band '{a.id}' ({a.formula()})",
                    file=file,
                    key=f"bands[{j + 1}]",
                )
    source_t = top.table("source")
    assert source_t is not None
    source = Source(
        document=source_t.text("document"),
        issuer=source_t.text("issuer"),
        date=source_t.text("date"),
        url=source_t.text("url", required=False),
        verified=source_t.flag("verified"),
        uncertain=source_t.strings("uncertain"),
    )
    source_t.done()
    if source.verified:
        unchecked = [c.key or c.document for c in cites.by_key.values() if not c.verified]
        if unchecked or not cites.by_key:
            raise source_t.error(
                "verified",
                "the rule is marked verified but these citations are not: "
                + (", ".join(unchecked) or "(none written as [citations.KEY] tables)"),
            )
    quorum_t = top.table("quorum")
    assert quorum_t is not None
    res_t = top.table("resignation")
    assert res_t is not None
    closed = res_t.flag("closed_by_mandatory")
    res_text, res_cite = cites.get(res_t, "citation", required=closed)
    resignation = ResignationClosure(
        closed,
        res_text,
        res_t.text("vi", required=closed),
        res_t.text("en", required=closed),
        res_cite,
    )
    res_t.done()
    triggers: list[FormalTrigger] = []
    for tt in top.tables("formal_triggers", required=False):
        text, cite = cites.get(tt, "citation")
        triggers.append(
            FormalTrigger(tt.text("vi"), tt.text("en"), text, cite, tt.text("body", required=False))
        )
        tt.done()
    thresholds: list[RequestThreshold] = []
    for rt in top.tables("request_thresholds", required=False):
        text, cite = cites.get(rt, "citation")
        thresholds.append(
            RequestThreshold(
                rt.text("body"), rt.fraction("fraction"), rt.flag("inclusive"), text, cite
            )
        )
        rt.done()
    limits: list[TimeLimit] = []
    for lt in top.tables("time_limits", required=False):
        text, cite = cites.get(lt, "citation")
        limits.append(TimeLimit(lt.text("code"), lt.text("vi"), lt.text("en"), text, cite))
        lt.done()
    quorum, quorum_cite = _quorum(quorum_t, cites)
    formal_rule = top.text("formal_rule", required=False) or None
    if formal_rule is not None and not _ID.fullmatch(formal_rule):
        raise top.error("formal_rule", f"'{formal_rule}' is not a rule id")
    rule = Rule(
        id=rule_id,
        kind=kind,
        title_vi=top.text("title_vi"),
        title_en=top.text("title_en"),
        source=source,
        levels=codes,
        level_labels=tuple(labels),
        denominator=top.enum("denominator", Denominator, _choices(Denominator)),
        quorum=quorum,
        bands=bands,
        exemptions=tuple(_exemption(e, cites) for e in top.tables("exemptions", required=False)),
        blank_row=top.enum("blank_row", BlankRow, _choices(BlankRow)),
        invalid_rows_in_base=top.flag("invalid_rows_in_base"),
        resignation=resignation,
        formal_rule=formal_rule,
        formal_triggers=tuple(triggers),
        request_thresholds=tuple(thresholds),
        applies_to_vi=top.text("applies_to_vi"),
        applies_to_en=top.text("applies_to_en"),
        denominator_cite=cites.get(top, "denominator_citation", required=False)[1],
        quorum_cite=quorum_cite,
        time_limits=tuple(limits),
        citations=tuple(cites.by_key.values()),
    )
    top.done()
    return rule


def _read(text: str, file: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"not valid TOML: {exc}", file=file) from None


def _data_dir() -> Any:
    return resources.files("tinnhiem.rules").joinpath("data")


# Files of personnel-vote procedures (appointment.py) share the data folder; they are not
# confidence rules and have their own loader.
PROCEDURE_PREFIX = "appointment-"


def builtin_rule_ids() -> list[str]:
    """The ids of the rule versions shipped with Tín Nhiệm, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _data_dir().iterdir()
        if entry.name.endswith(".toml") and not entry.name.startswith(PROCEDURE_PREFIX)
    )


class _FromFile(Protocol):
    """A rule or a procedure: parsed from a TOML file, named by its ``id``."""

    @property
    def id(self) -> str: ...


Loaded = TypeVar("Loaded", bound=_FromFile)


def load_builtin(name: str, parse: Callable[[dict[str, Any], str], Loaded]) -> Loaded:
    """The built-in data file ``name`` parsed by ``parse``; its id must be its name."""
    entry = _data_dir().joinpath(f"{name}.toml")
    file = f"tinnhiem/rules/data/{name}.toml"
    item = parse(_read(entry.read_text(encoding="utf-8"), file), file)
    if item.id != name:
        raise RuleError(f"id '{item.id}' does not match the file name", file=file, key="id")
    return item


def load_data_file(
    id_or_path: str | Path,
    *,
    builtin_ids: Callable[[], list[str]],
    parse: Callable[[dict[str, Any], str], Loaded],
    what: str,
) -> Loaded:
    """A built-in ``what`` (``rule``, ``procedure``) by id, or one from a TOML file path (a
    custom one, which keeps its ``path``)."""
    text = str(id_or_path)
    looks_like_path = isinstance(id_or_path, Path) or text.endswith(".toml") or "/" in text
    if not looks_like_path and text in builtin_ids():
        return load_builtin(text, parse)
    path = Path(text)
    if path.is_file():
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError(f"cannot read the {what} file: {exc}", file=text) from None
        item = parse(_read(content, text), text)
        return cast(Loaded, replace(cast(Any, item), path=path))
    if looks_like_path:
        raise RuleError(f"no such {what} file", file=text)
    known = ", ".join(builtin_ids())
    raise RuleError(f"unknown {what} '{text}' (known: {known}; or give a path to a .toml file)")


def load_rule(id_or_path: str | Path) -> Rule:
    """A rule by built-in id (``nq96-2023``) or from a TOML file path (a custom rule)."""
    return load_data_file(id_or_path, builtin_ids=builtin_rule_ids, parse=parse_rule, what="rule")


def list_rules() -> list[Rule]:
    """Every built-in rule version, sorted by id."""
    return [load_builtin(rule_id, parse_rule) for rule_id in builtin_rule_ids()]
