"""tinnhiem.evaluation — evaluation beyond the poll (đánh giá, xếp loại).

Work programmes (đề án) with verified progress and independent quality reviews; scores
(completion × timeliness × quality) under a published, versioned policy that locks when the
cycle starts; confidence statistics beside the unchanged legal tally (Wilson and Jeffreys
intervals, empirical-Bayes shrinkage, trends, two bodies side by side); flags for review
(confidence against performance); the annual rating suggestion on the 100-point scale of
Quy định 366-QĐ/TW with the unit quota and the combined consequences; anonymity rules for
breakdowns; XLSX and PDF exports. No Django here (docs/evaluation.md).
"""

from tinnhiem.evaluation.anonymity import (
    DEFAULT_MIN_GROUP,
    GroupDecision,
    check_min_group,
    suppress_groups,
)
from tinnhiem.evaluation.demo import DemoBody, demo_body
from tinnhiem.evaluation.errors import (
    AmbitiousFlagError,
    AnonymityConfigError,
    EvaluationError,
    ImportIssue,
    PolicyError,
    PolicyLockedError,
    ProgrammeError,
    ProgrammeImportError,
)
from tinnhiem.evaluation.export import render_html, write_pdf, write_xlsx
from tinnhiem.evaluation.flags import (
    CAVEATS,
    FlagAnalysis,
    FlagInput,
    FlagKind,
    FlagResult,
    flag_officials,
    loo_theil_sen_residuals,
)
from tinnhiem.evaluation.importing import (
    COLUMNS,
    RECORDS,
    load_programme,
    parse_programme_csv,
    programme_rows,
    write_programme,
)
from tinnhiem.evaluation.levels import Finding, FindingKind, OfficialInfo, Rating
from tinnhiem.evaluation.policy import (
    DEFAULT_POLICY_ID,
    MIN_GROUP_FLOOR,
    EvaluationPolicy,
    TimelinessStep,
    list_policies,
    load_policy,
)
from tinnhiem.evaluation.programme import (
    Assignment,
    DelayExcuse,
    Milestone,
    ProgressUpdate,
    QualityReview,
    Share,
    WorkProgramme,
    bind_policy,
)
from tinnhiem.evaluation.rating import (
    CombinedConsequence,
    ConsequenceSource,
    QuotaCheck,
    RatingSuggestion,
    check_quota,
    combine_consequences,
    confidence_score,
    suggest_rating,
)
from tinnhiem.evaluation.report import (
    SCHEMA,
    EvaluationReport,
    OfficialEvaluation,
    PollEntry,
    evaluate_body,
    report_document,
)
from tinnhiem.evaluation.scoring import (
    AssignmentScore,
    OfficialScore,
    ProgrammeScores,
    score_assignment,
    score_programme,
)
from tinnhiem.evaluation.stats import (
    BetaPrior,
    Comparison,
    Interval,
    ShareEstimate,
    TrendPoint,
    compare_shares,
    estimate_shares,
    fit_beta_prior,
    jeffreys_interval,
    newcombe_difference,
    trend,
    wilson_interval,
)

__all__ = [
    "CAVEATS",
    "COLUMNS",
    "DEFAULT_MIN_GROUP",
    "DEFAULT_POLICY_ID",
    "MIN_GROUP_FLOOR",
    "RECORDS",
    "SCHEMA",
    "AmbitiousFlagError",
    "AnonymityConfigError",
    "Assignment",
    "AssignmentScore",
    "BetaPrior",
    "CombinedConsequence",
    "Comparison",
    "ConsequenceSource",
    "DelayExcuse",
    "DemoBody",
    "EvaluationError",
    "EvaluationPolicy",
    "EvaluationReport",
    "Finding",
    "FindingKind",
    "FlagAnalysis",
    "FlagInput",
    "FlagKind",
    "FlagResult",
    "GroupDecision",
    "ImportIssue",
    "Interval",
    "Milestone",
    "OfficialEvaluation",
    "OfficialInfo",
    "OfficialScore",
    "PolicyError",
    "PolicyLockedError",
    "PollEntry",
    "ProgrammeError",
    "ProgrammeImportError",
    "ProgrammeScores",
    "ProgressUpdate",
    "QualityReview",
    "QuotaCheck",
    "Rating",
    "RatingSuggestion",
    "Share",
    "ShareEstimate",
    "TimelinessStep",
    "TrendPoint",
    "WorkProgramme",
    "bind_policy",
    "check_min_group",
    "check_quota",
    "combine_consequences",
    "compare_shares",
    "confidence_score",
    "demo_body",
    "estimate_shares",
    "evaluate_body",
    "fit_beta_prior",
    "flag_officials",
    "jeffreys_interval",
    "list_policies",
    "load_policy",
    "load_programme",
    "loo_theil_sen_residuals",
    "newcombe_difference",
    "parse_programme_csv",
    "programme_rows",
    "render_html",
    "report_document",
    "score_assignment",
    "score_programme",
    "suggest_rating",
    "suppress_groups",
    "trend",
    "wilson_interval",
    "write_pdf",
    "write_programme",
    "write_xlsx",
]
