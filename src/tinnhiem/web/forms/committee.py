"""The organiser's form to restart a key ceremony after complaints."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinnhiem.web.forms.fields import TextField

__all__ = ["RestartForm"]


class RestartForm(forms.Form):
    """One choice per accused member (leave, or a replacement from the body's roster), and
    the reason written into the board's restart entry."""

    reason = TextField(
        label=_("Lý do tạo khóa lại"),
        max_length=500,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        accused: dict[int, str],
        people: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        choices = [("", _("Rời Ban kiểm phiếu, không thay người"))] + [
            (str(pk), name) for pk, name in people
        ]
        for index, name in accused.items():
            self.fields[f"replace_{index}"] = forms.ChoiceField(
                label=_("Thành viên %(i)s (%(name)s) bị khiếu nại") % {"i": index, "name": name},
                choices=choices,
                required=False,
            )

    def replacements(self) -> dict[int, int]:
        """Accused index -> the roster person who takes the seat (absent: the seat goes)."""
        out = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("replace_") and value:
                out[int(name.removeprefix("replace_"))] = int(value)
        return out
