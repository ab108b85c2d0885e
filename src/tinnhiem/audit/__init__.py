"""tinnhiem.audit — the statistics of a risk-limiting comparison audit (kiểm tra rủi ro giới
hạn): the public-seed sampler and the Kaplan–Markov test of the super-simple method.

Nothing here knows about rounds or rules: :mod:`tinnhiem.paper.audit` turns a paper round's
count and its rule's thresholds into assertions and runs them. The method is a choice of
this project, not a legal rule (docs/paper.md).
"""

from tinnhiem.audit.rla import (
    DEFAULT_GAMMA,
    Assertion,
    AuditError,
    agi_sample_size,
    draw_indices,
    km_p_value,
    km_sample_size,
    rho,
)

__all__ = [
    "DEFAULT_GAMMA",
    "Assertion",
    "AuditError",
    "agi_sample_size",
    "draw_indices",
    "km_p_value",
    "km_sample_size",
    "rho",
]
