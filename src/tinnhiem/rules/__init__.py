"""tinnhiem.rules — rule versions as data, and the exact evaluator.

Rule versions (Quy định 96-QĐ/TW, Nghị quyết 96/2023/QH15, 85/2014/QH13, 35/2012/QH13 and
the formal vote of NQ 96/2023) are TOML files in ``data/``; a user's custom rule is a file
in the same format (docs/rules.md). Everything a rule decides is exact (``Fraction``,
integers): bands compare ``2L > N`` by cross-multiplication, never a rounded percentage.
"""

from tinnhiem.rules.counts_csv import CountRow, evaluate_rows, read_counts, with_defaults
from tinnhiem.rules.errors import RuleError
from tinnhiem.rules.evaluate import (
    FormalCounts,
    Outcome,
    PollCounts,
    QuorumCheck,
    QuorumStatus,
    evaluate_formal,
    evaluate_poll,
    formal_vote_requested,
)
from tinnhiem.rules.exemptions import Exemption, OfficialFacts, check_exemption
from tinnhiem.rules.loader import builtin_rule_ids, list_rules, load_rule, parse_rule
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
)
from tinnhiem.rules.percent import check_printed_percent, format_percent, parse_percent

__all__ = [
    "Band",
    "BlankRow",
    "Bound",
    "Citation",
    "Consequence",
    "CountRow",
    "Denominator",
    "Exemption",
    "ExemptionKind",
    "ExemptionRule",
    "FormalCounts",
    "FormalFollowUp",
    "FormalOption",
    "FormalTrigger",
    "Level",
    "OfficialFacts",
    "Outcome",
    "PollCounts",
    "Quorum",
    "QuorumCheck",
    "QuorumStatus",
    "RequestThreshold",
    "ResignationClosure",
    "RoundKind",
    "Rule",
    "RuleError",
    "Source",
    "SourceKind",
    "TimeLimit",
    "builtin_rule_ids",
    "check_exemption",
    "check_printed_percent",
    "evaluate_formal",
    "evaluate_poll",
    "evaluate_rows",
    "formal_vote_requested",
    "format_percent",
    "list_rules",
    "load_rule",
    "parse_percent",
    "parse_rule",
    "read_counts",
    "with_defaults",
]
