"""Text rules shared by forms and actions (NFC normalisation, comment length)."""

from __future__ import annotations

import unicodedata

__all__ = ["nfc"]


def nfc(text: str) -> str:
    """``text`` in Unicode NFC with surrounding white space removed; line ends as \\n."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
