"""The Benaloh challenge (kiểm tra lá phiếu), checked a second time on the server.

A voter may audit a sealed ballot instead of casting it: the booth reveals each row's mark
and encryption nonce and re-encrypts them in JavaScript. The server repeats the check with
the Python implementation, so a booth that lied to its voter would have to fool both. An
audited ballot is spoiled: it is never stored and can never be cast (its randomness is
public). Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tinnhiem.ballots import Ballot, Manifest, Mark, mark_value
from tinnhiem.crypto import CryptoError, Point, Scalar, encrypt_with_nonce
from tinnhiem.errors import InputError

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
    manifest: Manifest, public_key: Point, ballot: Ballot, reveal: Mapping[str, Any]
) -> list[AuditRow]:
    """Re-encrypt every revealed (mark, nonce) and compare with the ballot's ciphertexts.

    Raises ``InputError`` when the reveal is malformed (wrong rows, unknown mark, bad nonce).
    """
    rows = reveal.get("rows")
    if not isinstance(rows, list) or len(rows) != len(ballot.rows):
        raise InputError("the reveal needs one row per ballot row", where="reveal.rows")
    out: list[AuditRow] = []
    for i, (row, revealed) in enumerate(zip(ballot.rows, rows, strict=True)):
        where = f"reveal.rows[{i}]"
        if not isinstance(revealed, Mapping) or revealed.get("official") != row.official_id:
            raise InputError(f"expected official {row.official_id!r}", where=where)
        try:
            mark = Mark(str(revealed.get("mark")))
            nonce = Scalar.from_hex(str(revealed.get("nonce")))
            value = mark_value(manifest, mark)
            ct = encrypt_with_nonce(public_key, value, nonce)
        except (ValueError, CryptoError) as exc:
            raise InputError(str(exc), where=where) from exc
        out.append(AuditRow(row.official_id, mark.value, ct.to_bytes() == row.ciphertext))
    return out
