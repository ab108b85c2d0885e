"""The Benaloh challenge (kiểm tra lá phiếu), checked by the host a second time.

A voter may audit a sealed ballot instead of casting it: the booth reveals each row's mark
and encryption nonce and re-encrypts them. The host repeats the check here, so a booth that
lied to its voter would have to fool both. An audited ballot is spent: its randomness is
public, so the engine keeps its hash and its α's and refuses any later cast of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tinnhiem.ballots import Ballot, Manifest, Mark, mark_value
from tinnhiem.crypto import CryptoError, Point, Scalar, encrypt_with_nonce
from tinnhiem.errors import InputError
from tinnhiem.poll.errors import StepRefused

__all__ = ["AuditRow", "check_audit"]


@dataclass(frozen=True)
class AuditRow:
    """One row of an audited ballot: the revealed mark and whether it re-encrypts exactly."""

    official: str
    mark: str
    ok: bool

    def to_json(self) -> dict[str, Any]:
        return {"official": self.official, "mark": self.mark, "ok": self.ok}


def check_audit(
    manifest: Manifest, public_key: Point, ballot: Ballot, reveal: Any
) -> list[AuditRow]:
    """Re-encrypt every revealed (mark, nonce) and compare with the ballot's ciphertexts.

    Raises ``StepRefused`` (code ``bad_reveal``) when the reveal is malformed: wrong rows,
    an unknown mark, a bad nonce.
    """
    if not isinstance(reveal, Mapping):
        raise StepRefused("bad_reveal", "the reveal is a JSON object", where="reveal")
    rows = reveal.get("rows")
    if not isinstance(rows, list) or len(rows) != len(ballot.rows):
        raise StepRefused("bad_reveal", "the reveal needs one row per ballot row", where="reveal")
    out: list[AuditRow] = []
    for i, (row, revealed) in enumerate(zip(ballot.rows, rows, strict=True)):
        where = f"reveal.rows[{i}]"
        if not isinstance(revealed, Mapping) or revealed.get("official") != row.official_id:
            raise StepRefused("bad_reveal", f"expected official {row.official_id!r}", where=where)
        try:
            mark = Mark(str(revealed.get("mark")))
            nonce = Scalar.from_hex(str(revealed.get("nonce")))
            value = mark_value(manifest, mark)
            ct = encrypt_with_nonce(public_key, value, nonce)
        except (ValueError, CryptoError, InputError) as exc:
            raise StepRefused("bad_reveal", str(exc), where=where) from exc
        out.append(AuditRow(row.official_id, mark.value, ct.to_bytes() == row.ciphertext))
    return out
