"""Forms: the typed parsing step of each view (validation of shape only; the rules live in
the actions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinnhiem.web.lib.rules import rule_choices
from tinnhiem.web.models import MAX_COMMENT_CHARS, Revote, RoundKind

__all__ = [
    "BodyForm",
    "CheckInForm",
    "CommentForm",
    "CommitteeForm",
    "ExemptionForm",
    "HideForm",
    "LoginForm",
    "OfficialForm",
    "ReportForm",
    "RoleForm",
    "RosterUploadForm",
    "RoundForm",
    "SlipLoginForm",
]

_DT = {"type": "datetime-local"}


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SlipLoginForm(forms.Form):
    code = forms.CharField(
        label=_("Mã đăng nhập trên phiếu"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class BodyForm(forms.Form):
    code = forms.SlugField(
        label=_("Mã cơ quan"), max_length=64, help_text=_("chữ thường không dấu, ví dụ: hdnd-tinh")
    )
    name = forms.CharField(label=_("Tên cơ quan"), max_length=300)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách (.csv hoặc .xlsx)"))
    preview = forms.BooleanField(label=_("Chỉ xem trước, chưa lưu"), required=False)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("Tên đợt"), max_length=300)
    kind = forms.ChoiceField(label=_("Loại"), choices=RoundKind.choices)
    rule_id = forms.ChoiceField(label=_("Quy định áp dụng"), choices=())
    threshold = forms.IntegerField(
        label=_("Ngưỡng giải mã t"), min_value=1, max_value=15, initial=2
    )
    committee_size = forms.IntegerField(
        label=_("Số thành viên Ban kiểm phiếu n"), min_value=1, max_value=15, initial=3
    )
    report_deadline = forms.DateTimeField(
        label=_("Hạn nộp báo cáo tự đánh giá"), required=False, widget=forms.DateTimeInput(_DT)
    )
    opens_at = forms.DateTimeField(
        label=_("Giờ mở bỏ phiếu"), required=False, widget=forms.DateTimeInput(_DT)
    )
    closes_at = forms.DateTimeField(
        label=_("Giờ đóng bỏ phiếu"), required=False, widget=forms.DateTimeInput(_DT)
    )
    revote = forms.ChoiceField(
        label=_("Bỏ phiếu lại"), choices=Revote.choices, initial=Revote.REJECT, required=False
    )

    def clean_revote(self) -> str:
        return str(self.cleaned_data.get("revote") or Revote.REJECT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_id"].choices = rule_choices()  # type: ignore[attr-defined]


class OfficialForm(forms.Form):
    person = forms.IntegerField(label=_("Người được lấy phiếu"))
    post = forms.CharField(label=_("Chức vụ"), max_length=300, required=False)
    order = forms.IntegerField(label=_("Thứ tự trên phiếu"), min_value=1, required=False)


class ExemptionForm(forms.Form):
    exempt = forms.BooleanField(label=_("Miễn lấy phiếu"), required=False)
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)


class CommitteeForm(forms.Form):
    person = forms.IntegerField(label=_("Thành viên"))


class RoleForm(forms.Form):
    person = forms.IntegerField(label=_("Người"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=(), required=False)


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Nội dung báo cáo"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    pdf = forms.FileField(label=_("Tệp PDF (không bắt buộc)"), required=False)


class CommentForm(forms.Form):
    # The limit is checked after NFC in the action; this bound only stops huge posts.
    text = forms.CharField(
        label=_("Bình luận"),
        max_length=MAX_COMMENT_CHARS * 4,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "data-maxchars": MAX_COMMENT_CHARS}),
    )


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Lý do ẩn"), max_length=500, required=False)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Mã điểm danh (quét mã QR trên phiếu)"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )
