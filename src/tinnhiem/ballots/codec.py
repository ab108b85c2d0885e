"""The canonical codec, re-exported: it lives in :mod:`tinnhiem.codec` (no crypto imports).

``from tinnhiem.ballots.codec import canonical_json`` keeps working for every caller.
"""

from tinnhiem.codec import (
    as_int,
    as_list,
    as_obj,
    as_str,
    canonical_json,
    from_hex,
    parse_json,
    tagged_hash,
    to_hex,
)

__all__ = [
    "as_int",
    "as_list",
    "as_obj",
    "as_str",
    "canonical_json",
    "from_hex",
    "parse_json",
    "tagged_hash",
    "to_hex",
]
