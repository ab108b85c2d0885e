"""Form fields that pass what a person types through the one text gate
(``tinnhiem.text.clean_text``), with the refusal in the user's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from tinnhiem.text import UnsafeText, clean_text
from tinnhiem.web.lib.text import unsafe_text_message

__all__ = ["SecretField", "TextField"]


def _without_null_validator(field: forms.CharField) -> None:
    # Django's own NUL check speaks English ("Null characters are not allowed."); ours runs
    # first and names the character and the place.
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]


class TextField(forms.CharField):
    """A ``CharField`` whose value is NFC, trimmed, and free of control characters (newline
    and tab allowed when ``multiline``), text-direction controls and invisible-only text.
    ``max_length`` counts the normalised text."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        self.multiline = multiline
        super().__init__(**kwargs)
        _without_null_validator(self)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        try:
            return clean_text(text, multiline=self.multiline)
        except UnsafeText as exc:
            label = str(self.label or "")
            raise forms.ValidationError(
                unsafe_text_message(exc, label, multiline=self.multiline), code="unsafe_text"
            ) from exc


class SecretField(forms.CharField):
    """A password or code as typed (no normalising, no trimming), refusing only control
    characters, in the user's language."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        _without_null_validator(self)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        for index, char in enumerate(text):
            if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:
                try:
                    clean_text(char)
                except UnsafeText as exc:
                    exc.position = index + 1
                    raise forms.ValidationError(
                        unsafe_text_message(exc, str(self.label or "")), code="unsafe_text"
                    ) from exc
        return text
