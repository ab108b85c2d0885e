"""The evaluation policy (chính sách đánh giá): every parameter of scoring, rating, statistics
and flags, published as a versioned TOML file, locked when the cycle starts.

A policy is a frozen value. ``lock(on)`` returns the locked copy; ``with_changes`` on a locked
policy raises :class:`PolicyLockedError`. :func:`bind_policy` locks the policy once the
evaluation date reaches the programme's cycle start and refuses a policy whose hash differs
from the one the programme recorded at the start. ``policy.sha256`` is recorded with every
evaluation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from importlib import resources
from pathlib import Path
from typing import Any

from tinnhiem.evaluation._numbers import fraction_text, parse_fraction
from tinnhiem.evaluation.errors import PolicyError, PolicyLockedError

__all__ = [
    "DEFAULT_POLICY_ID",
    "MIN_GROUP_FLOOR",
    "EvaluationPolicy",
    "TimelinessStep",
    "list_policies",
    "load_policy",
]

DEFAULT_POLICY_ID = "qd366-2025"
MIN_GROUP_FLOOR = 3
_SHARES = ("high", "high_or_confident")
_SHRINKAGE = ("marginal-likelihood", "moments")


@dataclass(frozen=True)
class TimelinessStep:
    """Timeliness factor for a finished assignment up to ``max_days_late`` (None: the rest)."""

    max_days_late: int | None
    factor: Fraction


@dataclass(frozen=True)
class EvaluationPolicy:
    """A published, versioned set of evaluation parameters (docs/evaluation.md)."""

    id: str
    version: int
    title_vi: str
    title_en: str
    quality_scale_max: Fraction
    missing_review_quality: Fraction
    ambitious_success_fraction: Fraction
    unfinished_timeliness: Fraction
    timeliness: tuple[TimelinessStep, ...]
    work_weight: Fraction
    confidence_weight: Fraction
    excellent_min: Fraction
    good_min: Fraction
    completed_min: Fraction
    excellent_quota_of_good: Fraction
    disqualifying_discipline: tuple[str, ...]
    confidence_share: str
    interval_level: Fraction
    shrinkage: str
    z_threshold: Fraction
    min_residual_scale: Fraction
    min_frequency: Fraction
    draws: int
    seed: int
    min_group: int
    source: str = "custom"
    locked_on: date | None = None

    def __post_init__(self) -> None:
        _validate(self)

    # -- locking ------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        """True once the cycle has started (đã khóa)."""
        return self.locked_on is not None

    def lock(self, on: date) -> EvaluationPolicy:
        """The locked copy of this policy, locked on ``on`` (the cycle start)."""
        if self.locked_on is not None:
            return self
        return dataclasses.replace(self, locked_on=on)

    def with_changes(self, **changes: Any) -> EvaluationPolicy:
        """A new policy with some parameters changed; raises if this one is locked."""
        if self.locked_on is not None:
            raise PolicyLockedError(
                f"chính sách {self.id} v{self.version} đã khóa từ {self.locked_on.isoformat()} / "
                f"policy {self.id} v{self.version} is locked since the cycle started on "
                f"{self.locked_on.isoformat()}; publish a new version for the next cycle"
            )
        if "locked_on" in changes:
            raise PolicyError("use lock(on) to lock a policy")
        return dataclasses.replace(self, **changes)

    # -- identity -----------------------------------------------------------------------
    def canonical_text(self) -> str:
        """One ``key=value`` line per parameter, sorted: the text the hash is taken of."""
        lines = []
        for f in dataclasses.fields(self):
            if f.name in ("source", "locked_on"):
                continue
            lines.append(f"{f.name}={_canonical(getattr(self, f.name))}")
        return "\n".join(sorted(lines)) + "\n"

    @property
    def sha256(self) -> str:
        """SHA-256 of :meth:`canonical_text`: recorded with every evaluation."""
        return hashlib.sha256(self.canonical_text().encode("utf-8")).hexdigest()

    def timeliness_factor(self, days_late: int) -> Fraction:
        """Timeliness of an assignment finished ``days_late`` days after its excused due date."""
        for step in self.timeliness:
            if step.max_days_late is None or days_late <= step.max_days_late:
                return step.factor
        raise PolicyError("timeliness steps do not cover every delay")  # _validate prevents it


def _canonical(value: object) -> str:
    if isinstance(value, Fraction):
        return fraction_text(value)
    if isinstance(value, TimelinessStep):
        limit = "*" if value.max_days_late is None else str(value.max_days_late)
        return f"{limit}:{fraction_text(value.factor)}"
    if isinstance(value, tuple):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    return str(value)


def _validate(p: EvaluationPolicy) -> None:
    where = p.source

    def fail(message: str) -> None:
        raise PolicyError(message, where=where)

    if p.version < 1:
        fail("version must be a positive integer")
    if p.quality_scale_max <= 0:
        fail("scoring.quality_scale_max must be positive")
    for name in ("missing_review_quality", "unfinished_timeliness"):
        if not 0 <= getattr(p, name) <= 1:
            fail(f"scoring.{name} must lie in [0, 1]")
    if not 0 < p.ambitious_success_fraction <= 1:
        fail("scoring.ambitious_success_fraction must lie in (0, 1]")
    if not p.timeliness or p.timeliness[-1].max_days_late is not None:
        fail("scoring.timeliness must end with a step without max_days_late")
    previous = -1
    for step in p.timeliness[:-1]:
        assert step.max_days_late is not None
        if step.max_days_late <= previous:
            fail("scoring.timeliness steps must have increasing max_days_late")
        previous = step.max_days_late
    factors = [s.factor for s in p.timeliness]
    if any(not 0 <= f <= 1 for f in factors) or factors != sorted(factors, reverse=True):
        fail("scoring.timeliness factors must lie in [0, 1] and never rise with delay")
    if p.work_weight < 0 or p.confidence_weight < 0 or p.work_weight + p.confidence_weight != 1:
        fail("rating.work_weight + rating.confidence_weight must equal 1")
    if not 0 <= p.completed_min <= p.good_min <= p.excellent_min <= 100:
        fail(
            "rating thresholds must satisfy 0 <= completed_min <= good_min <= excellent_min <= 100"
        )
    if p.excellent_quota_of_good < 0:
        fail("rating.excellent_quota_of_good must not be negative")
    if p.confidence_share not in _SHARES:
        fail(f"confidence.share must be one of {', '.join(_SHARES)}")
    if not 0 < p.interval_level < 1:
        fail("confidence.interval_level must lie in (0, 1)")
    if p.shrinkage not in _SHRINKAGE:
        fail(f"confidence.shrinkage must be one of {', '.join(_SHRINKAGE)}")
    if p.z_threshold <= 0 or p.min_residual_scale <= 0:
        fail("flags.z_threshold and flags.min_residual_scale must be positive")
    if not 0 <= p.min_frequency <= 1:
        fail("flags.min_frequency must lie in [0, 1]")
    if not 100 <= p.draws <= 100_000:
        fail("flags.draws must lie between 100 and 100000")
    if p.min_group < MIN_GROUP_FLOOR:
        fail(f"anonymity.min_group must be at least {MIN_GROUP_FLOOR} (never under 3)")


# -- loading ----------------------------------------------------------------------------

_LAYOUT: dict[str, tuple[str, ...]] = {
    "": (
        "id",
        "version",
        "title_vi",
        "title_en",
        "scoring",
        "rating",
        "confidence",
        "flags",
        "anonymity",
    ),
    "scoring": (
        "quality_scale_max",
        "missing_review_quality",
        "ambitious_success_fraction",
        "unfinished_timeliness",
        "timeliness",
    ),
    "rating": (
        "work_weight",
        "confidence_weight",
        "excellent_min",
        "good_min",
        "completed_min",
        "excellent_quota_of_good",
        "disqualifying_discipline",
    ),
    "confidence": ("share", "interval_level", "shrinkage"),
    "flags": ("z_threshold", "min_residual_scale", "min_frequency", "draws", "seed"),
    "anonymity": ("min_group",),
}


def _data_dir() -> Any:
    return resources.files("tinnhiem.evaluation").joinpath("data")


def list_policies() -> list[EvaluationPolicy]:
    """The policies shipped in the package, by id."""
    entries = sorted(
        (e for e in _data_dir().iterdir() if e.name.endswith(".toml")), key=lambda e: e.name
    )
    return [_from_bytes(e.read_bytes(), f"builtin:{e.name[:-5]}") for e in entries]


def load_policy(id_or_path: str | Path = DEFAULT_POLICY_ID) -> EvaluationPolicy:
    """Load a shipped policy by id (``qd366-2025``) or a custom one from a TOML file."""
    text = str(id_or_path)
    if not text.endswith(".toml") and "/" not in text and "\\" not in text:
        entry = _data_dir().joinpath(f"{text}.toml")
        if not entry.is_file():
            known = ", ".join(p.id for p in list_policies())
            raise PolicyError(f"no shipped policy {text!r}; known: {known}", where="--policy")
        return _from_bytes(entry.read_bytes(), f"builtin:{text}")
    path = Path(id_or_path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"cannot read policy file: {exc.strerror}", where=str(path)) from exc
    return _from_bytes(data, str(path))


def _from_bytes(data: bytes, source: str) -> EvaluationPolicy:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"not valid TOML: {exc}", where=source) from exc
    return _from_mapping(doc, source)


def _from_mapping(doc: dict[str, Any], source: str) -> EvaluationPolicy:
    for section, keys in _LAYOUT.items():
        table = doc if not section else doc.get(section)
        if not isinstance(table, dict):
            raise PolicyError(f"missing table [{section}]", where=source)
        for key in table:
            if key not in keys:
                raise PolicyError(f"unknown key {_key(section, key)!r}", where=source)
        for key in keys:
            if key not in table:
                raise PolicyError(f"missing key {_key(section, key)!r}", where=source)

    def frac(section: str, key: str) -> Fraction:
        raw = doc[section][key]
        try:
            return parse_fraction(raw)
        except ValueError as exc:
            raise PolicyError(f"{_key(section, key)}: {exc}", where=source) from exc

    def integer(section: str, key: str) -> int:
        raw = (doc[section] if section else doc)[key]
        if not isinstance(raw, int) or isinstance(raw, bool):
            raise PolicyError(f"{_key(section, key)} must be an integer", where=source)
        return raw

    def text(section: str, key: str) -> str:
        raw = (doc[section] if section else doc)[key]
        if not isinstance(raw, str) or not raw.strip():
            raise PolicyError(f"{_key(section, key)} must be a non-empty string", where=source)
        return raw

    steps: list[TimelinessStep] = []
    raw_steps = doc["scoring"]["timeliness"]
    if not isinstance(raw_steps, list):
        raise PolicyError("scoring.timeliness must be an array of tables", where=source)
    for i, raw in enumerate(raw_steps, start=1):
        if (
            not isinstance(raw, dict)
            or set(raw) - {"max_days_late", "factor"}
            or ("factor" not in raw)
        ):
            raise PolicyError(
                f"scoring.timeliness step {i}: needs factor [, max_days_late]", where=source
            )
        limit = raw.get("max_days_late")
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 0
        ):
            raise PolicyError(
                f"scoring.timeliness step {i}: max_days_late must be an integer >= 0", where=source
            )
        try:
            factor = parse_fraction(raw["factor"])
        except ValueError as exc:
            raise PolicyError(f"scoring.timeliness step {i}: {exc}", where=source) from exc
        steps.append(TimelinessStep(limit, factor))
    levels = doc["rating"]["disqualifying_discipline"]
    if not isinstance(levels, list) or not all(isinstance(v, str) for v in levels):
        raise PolicyError("rating.disqualifying_discipline must be a list of strings", where=source)
    return EvaluationPolicy(
        id=text("", "id"),
        version=integer("", "version"),
        title_vi=text("", "title_vi"),
        title_en=text("", "title_en"),
        quality_scale_max=frac("scoring", "quality_scale_max"),
        missing_review_quality=frac("scoring", "missing_review_quality"),
        ambitious_success_fraction=frac("scoring", "ambitious_success_fraction"),
        unfinished_timeliness=frac("scoring", "unfinished_timeliness"),
        timeliness=tuple(steps),
        work_weight=frac("rating", "work_weight"),
        confidence_weight=frac("rating", "confidence_weight"),
        excellent_min=frac("rating", "excellent_min"),
        good_min=frac("rating", "good_min"),
        completed_min=frac("rating", "completed_min"),
        excellent_quota_of_good=frac("rating", "excellent_quota_of_good"),
        disqualifying_discipline=tuple(levels),
        confidence_share=text("confidence", "share"),
        interval_level=frac("confidence", "interval_level"),
        shrinkage=text("confidence", "shrinkage"),
        z_threshold=frac("flags", "z_threshold"),
        min_residual_scale=frac("flags", "min_residual_scale"),
        min_frequency=frac("flags", "min_frequency"),
        draws=integer("flags", "draws"),
        seed=integer("flags", "seed"),
        min_group=integer("anonymity", "min_group"),
        source=source,
    )


def _key(section: str, key: str) -> str:
    return f"{section}.{key}" if section else key
