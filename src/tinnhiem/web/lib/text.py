"""Text rules shared by forms and actions: the one gate for what a person types
(``tinnhiem.text.clean_text``: NFC, no control or text-direction characters, not only
invisible characters), its refusals in the user's language, and the comment length."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from tinnhiem.text import UnsafeText, clean_text

__all__ = ["UnsafeText", "clean", "nfc", "unsafe_text_message"]


def nfc(text: str) -> str:
    """``text`` in Unicode NFC with surrounding white space removed; line ends as \\n."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()


def unsafe_text_message(exc: UnsafeText, label: str, *, multiline: bool = False) -> str:
    """The refusal in the active language: which character (code point and name) and where
    (the field's ``label``, the position, and the line and column in a multi-line field)."""
    if not label:  # the caller names the place (a file's line and column)
        if exc.kind == "invisible":
            return _("chỉ gồm ký tự vô hình (như %(char)s): hãy nhập nội dung đọc được") % {
                "char": exc.label
            }
        if exc.kind == "bidi":
            return _(
                "vị trí %(position)s: ký tự đổi chiều văn bản %(char)s không được phép; "
                "hãy xóa ký tự này"
            ) % {"position": exc.position, "char": exc.label}
        return _(
            "vị trí %(position)s: ký tự điều khiển %(char)s không được phép; hãy xóa ký tự này"
        ) % {"position": exc.position, "char": exc.label}
    if multiline and exc.line > 1:
        where = _("%(field)s, dòng %(line)s, cột %(column)s") % {
            "field": label,
            "line": exc.line,
            "column": exc.column,
        }
    else:
        where = _("%(field)s, vị trí %(position)s") % {"field": label, "position": exc.position}
    if exc.kind == "invisible":
        return _("%(field)s chỉ gồm ký tự vô hình (như %(char)s): hãy nhập nội dung đọc được.") % {
            "field": label,
            "char": exc.label,
        }
    if exc.kind == "bidi":
        return _(
            "%(where)s: ký tự đổi chiều văn bản %(char)s không được phép (nó làm chữ hiển thị "
            "khác với nội dung thật); hãy xóa ký tự này."
        ) % {"where": where, "char": exc.label}
    return _(
        "%(where)s: ký tự điều khiển %(char)s không được phép (thường lẫn vào khi sao chép); "
        "hãy xóa ký tự này."
    ) % {"where": where, "char": exc.label}


def clean(value: object, *, label: str, field: str = "", multiline: bool = False) -> str:
    """``clean_text`` for an action: the safe text, or ``ActionError`` naming the field
    (``field`` for the form, ``label`` as the person reads it) and the character."""
    from tinnhiem.web.actions.errors import ActionError  # actions import this module

    try:
        return clean_text(value, multiline=multiline, field=field)
    except UnsafeText as exc:
        raise ActionError(
            unsafe_text_message(exc, label, multiline=multiline), field=field or None
        ) from exc
