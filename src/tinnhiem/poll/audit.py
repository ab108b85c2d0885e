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

from tinnhiem.ballots import Ballot, Encoding, Manifest, Mark, RoundKind, mark_value
from tinnhiem.ballots.encoding import choice_bits, level_bits
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
            if manifest.kind is RoundKind.CHOOSE_AT_MOST:
                # the names marked, and one nonce per candidate
                chosen = revealed.get("chosen")
                if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
                    raise InputError("'chosen' lists the names marked", where=where)
                nonces = revealed.get("nonces")
                bits = choice_bits(manifest, chosen)
                if not isinstance(nonces, list) or len(nonces) != len(bits):
                    raise InputError(
                        f"one nonce per candidate ({len(bits)}) is needed", where=where
                    )
                data = b"".join(
                    encrypt_with_nonce(public_key, bit, Scalar.from_hex(str(n))).to_bytes()
                    for bit, n in zip(bits, nonces, strict=True)
                )
                shown = ",".join(chosen) or Mark.BLANK.value
                out.append(AuditRow(row.official_id, shown, data == row.ciphertext))
                continue
            mark = Mark(str(revealed.get("mark")))
            if manifest.encoding is Encoding.PER_LEVEL:
                # one nonce per level: each level's 0/1 re-encrypted
                nonces = revealed.get("nonces")
                bits = level_bits(manifest, mark)
                if not isinstance(nonces, list) or len(nonces) != len(bits):
                    raise InputError(f"one nonce per level ({len(bits)}) is needed", where=where)
                data = b"".join(
                    encrypt_with_nonce(public_key, bit, Scalar.from_hex(str(n))).to_bytes()
                    for bit, n in zip(bits, nonces, strict=True)
                )
            else:
                nonce = Scalar.from_hex(str(revealed.get("nonce")))
                data = encrypt_with_nonce(public_key, mark_value(manifest, mark), nonce).to_bytes()
        except (ValueError, CryptoError, InputError) as exc:
            raise StepRefused("bad_reveal", str(exc), where=where) from exc
        out.append(AuditRow(row.official_id, mark.value, data == row.ciphertext))
    return out
