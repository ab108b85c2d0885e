"""tinnhiem.tally — homomorphic aggregation, threshold decryption by the counting committee,
and the per-official results under the round's rule (kiểm phiếu)."""

from tinnhiem.tally.aggregate import aggregate, aggregate_rows
from tinnhiem.tally.committee import Ceremony, run_ceremony, verify_ceremony_json
from tinnhiem.tally.decrypt import committee_decrypt, decrypt_sums, partial_decryptions
from tinnhiem.tally.empty import EmptySumError, check_empty_sums, is_empty_sum
from tinnhiem.tally.head import head_binding, sign_head, verify_head_signature
from tinnhiem.tally.personnel import (
    NOT_CONFIRMED,
    ProcedureText,
    check_round_step,
    cite_text,
    load_procedure_text,
    step_result,
)
from tinnhiem.tally.results import OfficialResult, compute_results
from tinnhiem.tally.rule_source import RuleSource, load_rule_source, rule_digest

__all__ = [
    "NOT_CONFIRMED",
    "Ceremony",
    "EmptySumError",
    "OfficialResult",
    "ProcedureText",
    "RuleSource",
    "aggregate",
    "aggregate_rows",
    "check_empty_sums",
    "check_round_step",
    "cite_text",
    "committee_decrypt",
    "compute_results",
    "decrypt_sums",
    "head_binding",
    "is_empty_sum",
    "load_procedure_text",
    "load_rule_source",
    "partial_decryptions",
    "rule_digest",
    "run_ceremony",
    "sign_head",
    "step_result",
    "verify_ceremony_json",
    "verify_head_signature",
]
