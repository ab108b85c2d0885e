"""Forms of the paper pages (typed parsing of requests)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tinnhiem.paper import (
    PERSONNEL_TOTALS_FIELDS,
    Mark,
    PaperInputError,
    PersonnelMark,
    count_fields,
    marks_for,
    parse_marks,
    parse_personnel_marks,
    personnel_marks_for,
)
from tinnhiem.rules import RoundKind
from tinnhiem.web.forms.fields import TextField

__all__ = [
    "MARK_CHOICES",
    "BallotEntryForm",
    "IssueForm",
    "PaperRoundForm",
    "PersonnelTotalsForm",
    "ResolveForm",
    "ReturnedForm",
    "TotalsForm",
    "level_label",
    "mark_choices_for",
    "mark_key",
]


def mark_choices_for(kind: RoundKind) -> list[tuple[str, str]]:
    """The radio choices of a ``kind`` ballot row, as ``(code, "code · label")``: a poll's
    1 Tín nhiệm cao, 2 Tín nhiệm, 3 Tín nhiệm thấp; a formal vote's (bỏ phiếu tín nhiệm)
    1 Tín nhiệm, 2 Không tín nhiệm; both 0 không đánh dấu and x không hợp lệ. The labels are
    in the active language (Vietnamese first, English from the catalogue)."""
    return [(m.code, f"{m.code} · {gettext(m.label_vi)}") for m in marks_for(kind)]


def mark_key(kind: RoundKind, ballot: str | None = None) -> str:
    """The keyboard key of a ``kind`` ballot (or a personnel ``ballot``) for the entry page:
    ``1 = Tín nhiệm, …`` / ``1 = Chọn, 0 = Không chọn``."""
    marks = personnel_marks_for(ballot) if ballot else marks_for(kind)
    return ", ".join(f"{m.code} = {gettext(m.label_vi)}" for m in marks)


def level_label(level: str) -> str:
    """A count column (``high`` … ``no_confidence``, ``invalid``) in the active language."""
    if level == "invalid":
        return gettext("Không hợp lệ / không đánh dấu")
    return gettext(Mark(level).label_vi)


# The poll's choices, kept for callers that predate formal votes (labels resolved per use).
MARK_CHOICES = [(m.code, f"{m.code} · {m.label_vi}") for m in marks_for(RoundKind.POLL)]


class PaperRoundForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Cách kiểm phiếu"),
        choices=[
            ("ballots", _("Nhập từng phiếu (hai người nhập độc lập)")),
            ("totals", _("Kiểm phiếu bằng tay, chỉ nhập tổng số")),
        ],
    )
    mixed = forms.BooleanField(label=_("Kết hợp phiếu giấy và phiếu điện tử"), required=False)
    scan = forms.BooleanField(
        label=_("Đọc phiếu bằng máy quét (in phiếu có dấu định vị và mã QR của đợt)"),
        required=False,
    )
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
    summoned = forms.IntegerField(
        label=_("Số người được triệu tập (để trống: theo danh sách triệu tập)"),
        min_value=1,
        required=False,
    )
    present = forms.IntegerField(label=_("Số người có mặt"), min_value=1, required=False)
    date = forms.DateField(
        label=_("Ngày kiểm phiếu"), required=False, widget=forms.DateInput({"type": "date"})
    )
    place = TextField(label=_("Địa điểm"), max_length=200, required=False)

    def clean_required_entries(self) -> int:
        return int(self.cleaned_data.get("required_entries") or 2)


class BallotEntryForm(forms.Form):
    """One sheet: a radio group per official (keyboard: Tab to the next row, arrows to pick),
    or the quick line ``1230`` typed on the numeric keypad."""

    serial = forms.IntegerField(label=_("Số phiếu (in trên phiếu)"), min_value=1)
    quick = TextField(
        label=_("Nhập nhanh: một ký tự mỗi dòng (1, 2, 3, 0, x)"),
        required=False,
        max_length=2000,
    )
    sheet_invalid = forms.BooleanField(label=_("Cả phiếu không hợp lệ"), required=False)
    device = TextField(label=_("Máy nhập (không bắt buộc)"), max_length=80, required=False)

    def __init__(
        self,
        *args: Any,
        officials: list[tuple[str, str, str]],
        kind: RoundKind = RoundKind.POLL,
        ballot: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.officials = officials
        self.kind = kind
        self.ballot = ballot
        """A personnel sheet's ballot (``choose_at_most``, ``agree_disagree``), else None."""
        marks = personnel_marks_for(ballot) if ballot else marks_for(kind)
        choices = [(m.code, f"{m.code} · {gettext(m.label_vi)}") for m in marks]
        for key, name, post in officials:
            self.fields[f"m_{key}"] = forms.ChoiceField(
                label=f"{name} — {post}" if post else name,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )
        self.fields["quick"].label = gettext("Nhập nhanh: một ký tự mỗi dòng (%(codes)s)") % {
            "codes": ", ".join(m.code for m in marks)
        }
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
                if self.ballot:
                    data["marks"] = parse_personnel_marks(
                        quick, len(self.officials), where="nhập nhanh", ballot=self.ballot
                    )
                else:
                    data["marks"] = parse_marks(
                        quick, len(self.officials), where="nhập nhanh", kind=self.kind
                    )
            except PaperInputError as exc:
                self.add_error("quick", str(exc))
            return data
        marks: list[Mark | PersonnelMark] = []
        missing = []
        for key, name, _post in self.officials:
            code = data.get(f"m_{key}")
            if not code:
                missing.append(name)
            elif self.ballot:
                marks.append(PersonnelMark.from_code(code, where=key, ballot=self.ballot))
            else:
                marks.append(Mark.from_code(code, where=key, kind=self.kind))
        if missing:
            raise forms.ValidationError(
                _("Chưa chọn cho: %(names)s (dòng để trống thì chọn 0).")
                % {"names": ", ".join(missing)}
            )
        data["marks"] = marks
        return data


class ResolveForm(forms.Form):
    item = TextField(label=_("Mục"), max_length=20, widget=forms.HiddenInput)
    field = TextField(label=_("Ô"), max_length=100, widget=forms.HiddenInput)
    value = TextField(label=_("Giá trị theo phiếu gốc"), max_length=20)
    note = TextField(label=_("Ghi chú"), max_length=500, required=False)


class ReturnedForm(forms.Form):
    count = forms.IntegerField(label=_("Số phiếu thu về trong hòm phiếu"), min_value=0)


class TotalsForm(forms.Form):
    issued = forms.IntegerField(label=_("Số phiếu phát ra"), min_value=0)
    returned = forms.IntegerField(label=_("Số phiếu thu về"), min_value=0)
    device = TextField(label=_("Máy nhập (không bắt buộc)"), max_length=80, required=False)

    def __init__(
        self,
        *args: Any,
        officials: list[tuple[str, str, str]],
        kind: RoundKind = RoundKind.POLL,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.officials = officials
        self.kind = kind
        for key, name, _post in officials:
            for level in self.levels():
                self.fields[f"{key}.{level}"] = forms.IntegerField(
                    label=f"{name}: {level_label(level)}", min_value=0
                )

    def levels(self) -> tuple[str, ...]:
        """The counted columns of this round's kind (its levels, then ``invalid``)."""
        return count_fields(self.kind)

    def level_labels(self) -> list[str]:
        """The column headers, in the active language."""
        return [level_label(level) for level in self.levels()]

    def sum_rule(self) -> str:
        """``Tín nhiệm + Không tín nhiệm + Không hợp lệ``: what must equal the returned."""
        return " + ".join(self.level_labels())

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (name, [self[f"{key}.{level}"] for level in self.levels()])
            for key, name, _post in self.officials
        ]


_PERSONNEL_FIELD_LABELS = {
    "votes": _("Số phiếu chọn"),
    "agree": _("Đồng ý"),
    "disagree": _("Không đồng ý"),
    "blank": _("Để trống"),
    "invalid": _("Dòng không hợp lệ"),
}


class PersonnelTotalsForm(forms.Form):
    """A personnel step counted by hand: the counting committee's totals sheet (số phiếu thu
    về, phiếu không hợp lệ, phiếu trống, then each candidate's counts), entered twice."""

    returned = forms.IntegerField(label=_("Số phiếu thu về"), min_value=0)
    invalid = forms.IntegerField(label=_("Số phiếu không hợp lệ (cả phiếu)"), min_value=0)
    blank = forms.IntegerField(label=_("Số phiếu trống (hợp lệ, không chọn ai)"), min_value=0)
    device = TextField(label=_("Máy nhập (không bắt buộc)"), max_length=80, required=False)

    def __init__(
        self, *args: Any, officials: list[tuple[str, str, str]], ballot: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.officials = officials
        self.ballot = ballot
        for key, name, _post in officials:
            for level in self.levels():
                self.fields[f"{key}.{level}"] = forms.IntegerField(
                    label=f"{name}: {_PERSONNEL_FIELD_LABELS[level]}", min_value=0
                )

    def levels(self) -> tuple[str, ...]:
        return PERSONNEL_TOTALS_FIELDS[self.ballot]

    def level_labels(self) -> list[str]:
        return [str(_PERSONNEL_FIELD_LABELS[level]) for level in self.levels()]

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (name, [self[f"{key}.{level}"] for level in self.levels()])
            for key, name, _post in self.officials
        ]

    def values(self) -> dict[str, int]:
        """The sheet's fields as the paper session names them (``returned``, ``an.votes``)."""
        data = self.cleaned_data
        out = {key: int(data[key]) for key in ("returned", "invalid", "blank")}
        for key, _name, _post in self.officials:
            for level in self.levels():
                out[f"{key}.{level}"] = int(data[f"{key}.{level}"])
        return out


class IssueForm(forms.Form):
    """Mixed rounds: which summoned voter received a paper ballot. The sheets are identical
    and unnumbered, so no number is asked."""

    voter = forms.TypedChoiceField(label=_("Người nhận phiếu giấy"), coerce=int, choices=())

    def __init__(self, round: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voter"].choices = [  # type: ignore[attr-defined]
            (s.person_id, f"{s.person.full_name} ({s.person.external_id})")
            for s in round.summons.select_related("person")
        ]
