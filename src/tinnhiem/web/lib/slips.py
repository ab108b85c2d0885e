"""Voter slips (phiếu thông tin đăng nhập): the random codes they carry and their QR codes.

A slip carries three things, printed once and never stored in the clear:
- the login code, typed or scanned to log in: the slip's number (its credential's id in
  Crockford base32, not secret) then 16 random Crockford base32 characters (80 bits), as
  ``1Z-7K2M-Q9XD-4H8P-2MNA``; the number lets a wrong code count against the slip it was
  aimed at (``actions.auth``: a slip is locked, not the hall's shared address). Codes
  printed before the number existed (16 characters) still log in;
- the Ed25519 signing seed (32 bytes), which the booth uses to sign the ballot;
- the check-in token, scanned at the door (it proves presence, not the right to vote).
The booth QR holds ``<site><booth entry>#v1.<login code>.<seed, base64url>``: the part
after ``#`` never leaves the voter's browser. The booth entry is the booth's page
(``web:poll_entry``, /phieu/).
"""

from __future__ import annotations

import base64
import secrets

import segno
from django.urls import reverse

__all__ = [
    "CHECKIN_PREFIX",
    "booth_entry_path",
    "booth_fragment",
    "group_code",
    "new_checkin_token",
    "new_login_code",
    "normalise_login_code",
    "parse_booth_fragment",
    "parse_checkin_code",
    "qr_svg",
    "slip_of_code",
    "slip_prefix",
]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CHECKIN_PREFIX = "TN-CHK:"
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _random_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def group_code(raw: str) -> str:
    """A code in groups of four for reading aloud or typing: ``7K2M-Q9XD-…``."""
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


SECRET_LENGTH = 16
"""Random characters of a login code (80 bits)."""


def slip_prefix(credential_id: int) -> str:
    """The slip's number in a login code: the credential's id in Crockford base32."""
    if credential_id <= 0:
        raise ValueError("a credential id is positive")
    digits = ""
    while credential_id:
        credential_id, rest = divmod(credential_id, 32)
        digits = ALPHABET[rest] + digits
    return digits


def slip_of_code(code: str) -> int | None:
    """The credential id a login code names (``None`` for a code printed without one, or
    one that is not a number in Crockford base32)."""
    cleaned = normalise_login_code(code)
    head = cleaned[:-SECRET_LENGTH] if len(cleaned) > SECRET_LENGTH else ""
    if not head or len(head) > 8 or any(ch not in ALPHABET for ch in head):
        return None
    value = 0
    for ch in head:
        value = value * 32 + ALPHABET.index(ch)
    return value or None


def new_login_code(credential_id: int | None = None) -> str:
    """A fresh login code, grouped for reading: ``1Z-7K2M-Q9XD-…``: the slip's number
    (when ``credential_id`` is given), then 80 random bits."""
    secret = group_code(_random_code(SECRET_LENGTH))
    if credential_id is None:
        return secret
    return f"{slip_prefix(credential_id)}-{secret}"


def normalise_login_code(code: str) -> str:
    """Upper case, without spaces or dashes, O read as 0 and I/L as 1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(_CONFUSABLE)


def new_checkin_token() -> str:
    """A fresh door token (80 random bits)."""
    return _random_code(16)


def parse_checkin_code(scanned: str) -> str:
    """The token from what a scanner typed (with or without the ``TN-CHK:`` prefix)."""
    text = scanned.strip()
    if text.upper().startswith(CHECKIN_PREFIX):
        text = text[len(CHECKIN_PREFIX) :]
    return normalise_login_code(text)


def booth_entry_path() -> str:
    """The path the booth QR opens: the booth's entry page (``/phieu/``)."""
    return reverse("web:poll_entry")


def booth_fragment(login_code: str, seed: bytes) -> str:
    """The URL fragment of the booth QR: ``v1.<code>.<seed in base64url without padding>``."""
    encoded = base64.urlsafe_b64encode(seed).rstrip(b"=").decode()
    return f"v1.{normalise_login_code(login_code)}.{encoded}"


def parse_booth_fragment(fragment: str) -> tuple[str, bytes]:
    """Inverse of ``booth_fragment`` (used by tests and by the booth's documentation)."""
    version, code, encoded = fragment.lstrip("#").split(".")
    if version != "v1":
        raise ValueError(f"unknown slip version {version!r}")
    seed = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    return code, seed


def qr_svg(data: str, *, title: str, scale: int = 4) -> str:
    """An inline SVG QR code (no style attributes, so the strict CSP allows it). It has a
    viewBox and no fixed size, so the stylesheet sets its printed size."""
    code = segno.make(data, error="m", micro=False)
    return str(
        code.svg_inline(scale=scale, title=title, svgclass="qr", lineclass=None, omitsize=True)
    )
