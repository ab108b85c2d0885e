"""Forms of the paper pages (typed parsing of requests)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinnhiem.paper import Mark, PaperInputError, parse_marks

__all__ = [
    "MARK_CHOICES",
    "BallotEntryForm",
    "IssueForm",
    "PaperRoundForm",
    "ResolveForm",
    "ReturnedForm",
    "TotalsForm",
]

MARK_CHOICES = [
    ("1", _("1 · Tín nhiệm cao")),
    ("2", _("2 · Tín nhiệm")),
    ("3", _("3 · Tín nhiệm thấp")),
    ("0", _("0 · Không đánh dấu")),
    ("x", _("x · Không hợp lệ")),
]
LEVELS = ("high", "confident", "low", "invalid")


class PaperRoundForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Cách kiểm phiếu"),
        choices=[
            ("ballots", _("Nhập từng phiếu (hai người nhập độc lập)")),
            ("totals", _("Kiểm phiếu bằng tay, chỉ nhập tổng số")),
        ],
    )
    mixed = forms.BooleanField(label=_("Kết hợp phiếu giấy và phiếu điện tử"), required=False)
    paper_serials = forms.IntegerField(
        label=_("Số phiếu giấy in ra"), min_value=0, max_value=100_000
    )
    required_entries = forms.TypedChoiceField(
        label=_("Số lần nhập mỗi phiếu"),
        choices=[(2, "2"), (3, "3")],
        coerce=int,
        initial=2,
        required=False,
        empty_value=None,
    )
    members = forms.IntegerField(
        label=_("Tổng số thành viên của cơ quan (nếu quy định tính theo tổng số)"),
        min_value=1,
        required=False,
    )
    present = forms.IntegerField(label=_("Số người có mặt"), min_value=1, required=False)
    date = forms.DateField(
        label=_("Ngày kiểm phiếu"), required=False, widget=forms.DateInput({"type": "date"})
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)

    def clean_required_entries(self) -> int:
        return int(self.cleaned_data.get("required_entries") or 2)


class BallotEntryForm(forms.Form):
    """One sheet: a radio group per official (keyboard: Tab to the next row, arrows to pick),
    or the quick line ``1230`` typed on the numeric keypad."""

    serial = forms.IntegerField(label=_("Số phiếu (in trên phiếu)"), min_value=1)
    quick = forms.CharField(
        label=_("Nhập nhanh: một ký tự mỗi dòng (1, 2, 3, 0, x)"),
        required=False,
        max_length=2000,
    )
    sheet_invalid = forms.BooleanField(label=_("Cả phiếu không hợp lệ"), required=False)
    device = forms.CharField(label=_("Máy nhập (không bắt buộc)"), max_length=80, required=False)

    def __init__(self, *args: Any, officials: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officials = officials
        for key, name, post in officials:
            self.fields[f"m_{key}"] = forms.ChoiceField(
                label=f"{name} — {post}" if post else name,
                choices=MARK_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )
        self.fields["quick"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}
        )
        self.fields["serial"].widget.attrs["inputmode"] = "numeric"
        # after a save the next serial is filled in: the cursor waits in the quick line
        first = "quick" if self.initial.get("serial") else "serial"
        self.fields[first].widget.attrs["autofocus"] = True

    def mark_fields(self) -> list[forms.BoundField]:
        return [self[f"m_{key}"] for key, _name, _post in self.officials]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        if data.get("sheet_invalid"):
            data["marks"] = None
            return data
        quick = (data.get("quick") or "").strip()
        if quick:
            try:
                data["marks"] = parse_marks(quick, len(self.officials), where="nhập nhanh")
            except PaperInputError as exc:
                self.add_error("quick", str(exc))
            return data
        marks, missing = [], []
        for key, name, _post in self.officials:
            code = data.get(f"m_{key}")
            if not code:
                missing.append(name)
            else:
                marks.append(Mark.from_code(code, where=key))
        if missing:
            raise forms.ValidationError(
                _("Chưa chọn cho: %(names)s (dòng để trống thì chọn 0).")
                % {"names": ", ".join(missing)}
            )
        data["marks"] = marks
        return data


class ResolveForm(forms.Form):
    item = forms.CharField(max_length=20, widget=forms.HiddenInput)
    field = forms.CharField(max_length=100, widget=forms.HiddenInput)
    value = forms.CharField(label=_("Giá trị theo phiếu gốc"), max_length=20)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class ReturnedForm(forms.Form):
    count = forms.IntegerField(label=_("Số phiếu thu về trong hòm phiếu"), min_value=0)


class TotalsForm(forms.Form):
    issued = forms.IntegerField(label=_("Số phiếu phát ra"), min_value=0)
    returned = forms.IntegerField(label=_("Số phiếu thu về"), min_value=0)
    device = forms.CharField(label=_("Máy nhập (không bắt buộc)"), max_length=80, required=False)

    def __init__(self, *args: Any, officials: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.officials = officials
        labels = {
            "high": _("Tín nhiệm cao"),
            "confident": _("Tín nhiệm"),
            "low": _("Tín nhiệm thấp"),
            "invalid": _("Không hợp lệ / không đánh dấu"),
        }
        for key, name, _post in officials:
            for level in LEVELS:
                self.fields[f"{key}.{level}"] = forms.IntegerField(
                    label=f"{name}: {labels[level]}", min_value=0
                )

    @staticmethod
    def levels() -> tuple[str, ...]:
        return LEVELS

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (name, [self[f"{key}.{level}"] for level in LEVELS])
            for key, name, _post in self.officials
        ]


class IssueForm(forms.Form):
    """Mixed rounds: which serial goes to which summoned voter."""

    serial = forms.IntegerField(label=_("Số phiếu"), min_value=1)
    voter = forms.TypedChoiceField(label=_("Người nhận phiếu"), coerce=int, choices=())

    def __init__(self, round: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voter"].choices = [  # type: ignore[attr-defined]
            (s.person_id, f"{s.person.full_name} ({s.person.external_id})")
            for s in round.summons.select_related("person")
        ]
