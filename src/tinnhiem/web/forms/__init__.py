"""Forms: the typed parsing step of each view (validation of shape only; the rules live in
the actions)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tinnhiem.web.forms.fields import SecretField, TextField
from tinnhiem.web.lib.roster import MAX_ROSTER_BYTES
from tinnhiem.web.lib.rules import rule_choices
from tinnhiem.web.lib.uploads import UploadRefused, check_size
from tinnhiem.web.models import CONFIDENCE_KINDS, MAX_COMMENT_CHARS, Revote

__all__ = [
    "BodyForm",
    "CheckInForm",
    "CommentForm",
    "CommitteeForm",
    "ExemptionForm",
    "HideForm",
    "LoginForm",
    "OfficialForm",
    "PasswordChangeForm",
    "ReportForm",
    "RoleForm",
    "RosterUploadForm",
    "RoundForm",
    "SlipLoginForm",
    "checked_upload",
]

_DT = {"type": "datetime-local"}


class LoginForm(forms.Form):
    username = TextField(
        label=_("Tên đăng nhập"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = SecretField(
        label=_("Mật khẩu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class SlipLoginForm(forms.Form):
    code = TextField(
        label=_("Mã đăng nhập trên phiếu"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


# Django's password validators speak English where its Vietnamese catalogue is incomplete
# (plural forms): each refusal, by its code, in our words.
_PASSWORD_MESSAGES = {
    "password_too_short": _("Mật khẩu quá ngắn: cần ít nhất %(min_length)s ký tự."),
    "password_too_common": _("Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác."),
    "password_entirely_numeric": _("Mật khẩu không được chỉ gồm chữ số."),
    "password_too_similar": _("Mật khẩu quá giống tên đăng nhập hoặc thông tin cá nhân."),
}


class PasswordChangeForm(forms.Form):
    """Change one's own password: the current one, the new one twice. The new one passes the
    site's validators (messages in the user's language) and may not be the current one."""

    old_password = SecretField(
        label=_("Mật khẩu hiện tại"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = SecretField(
        label=_("Mật khẩu mới"),
        help_text=_("Ít nhất 8 ký tự, không phải mật khẩu phổ biến, khác mật khẩu hiện tại."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = SecretField(
        label=_("Nhập lại mật khẩu mới"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        old = str(self.cleaned_data["old_password"])
        if not self.user.check_password(old):
            raise forms.ValidationError(
                gettext("Mật khẩu hiện tại không đúng."), code="password_incorrect"
            )
        return old

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None
        new, again = data.get("new_password1"), data.get("new_password2")
        if not new or not again:
            return data
        if new != again:
            self.add_error("new_password2", gettext("Hai lần nhập mật khẩu mới không khớp."))
            return data
        if self.user.check_password(new):
            self.add_error("new_password1", gettext("Mật khẩu mới phải khác mật khẩu hiện tại."))
            return data
        try:
            password_validation.validate_password(new, self.user)
        except forms.ValidationError as exc:
            for error in exc.error_list:
                template = _PASSWORD_MESSAGES.get(error.code or "")
                if template is None:
                    self.add_error("new_password1", error)
                else:
                    self.add_error("new_password1", str(template) % (error.params or {}))
        return data


class BodyForm(forms.Form):
    code = forms.SlugField(
        label=_("Mã cơ quan"), max_length=64, help_text=_("chữ thường không dấu, ví dụ: hdnd-tinh")
    )
    name = TextField(label=_("Tên cơ quan"), max_length=300)
    description = TextField(label=_("Mô tả"), required=False, multiline=True, widget=forms.Textarea)


def checked_upload(upload: Any, max_bytes: int) -> Any:
    """``upload`` if it is at most ``max_bytes`` (checked before anything reads it)."""
    if upload is not None:
        try:
            check_size(int(upload.size or 0), max_bytes)
        except UploadRefused as exc:
            raise forms.ValidationError(exc.message, code="too_large") from exc
    return upload


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp danh sách (.csv hoặc .xlsx)"))
    preview = forms.BooleanField(label=_("Chỉ xem trước, chưa lưu"), required=False)

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data.get("file"), MAX_ROSTER_BYTES)


class RoundForm(forms.Form):
    title = TextField(label=_("Tên đợt"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Loại"), choices=[(k.value, k.label) for k in CONFIDENCE_KINDS]
    )
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
    post = TextField(label=_("Chức vụ"), max_length=300, required=False)
    order = forms.IntegerField(label=_("Thứ tự trên phiếu"), min_value=1, required=False)


class ExemptionForm(forms.Form):
    exempt = forms.BooleanField(label=_("Miễn lấy phiếu"), required=False)
    reason = TextField(label=_("Lý do"), max_length=500, required=False)


class CommitteeForm(forms.Form):
    person = forms.IntegerField(label=_("Thành viên"))


class RoleForm(forms.Form):
    person = forms.IntegerField(label=_("Người"))
    role = forms.ChoiceField(label=_("Vai trò"), choices=(), required=False)


class ReportForm(forms.Form):
    text = TextField(
        label=_("Nội dung báo cáo"),
        required=False,
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    pdf = forms.FileField(label=_("Tệp PDF (không bắt buộc)"), required=False)

    def clean_pdf(self) -> Any:
        return checked_upload(self.cleaned_data.get("pdf"), settings.TINNHIEM_MAX_UPLOAD_BYTES)


class CommentForm(forms.Form):
    # The limit counts the text after NFC (what is stored), so it is checked after the
    # field has normalised it, with the same message as the action's; the request size
    # limit (DATA_UPLOAD_MAX_MEMORY_SIZE) stops huge posts before this.
    text = TextField(
        label=_("Bình luận"),
        multiline=True,
        widget=forms.Textarea(attrs={"rows": 4, "data-maxchars": MAX_COMMENT_CHARS}),
    )

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"])
        if len(text) > MAX_COMMENT_CHARS:
            raise forms.ValidationError(
                gettext("Bình luận dài %(n)s ký tự, vượt quá giới hạn %(max)s ký tự.")
                % {"n": len(text), "max": MAX_COMMENT_CHARS},
                code="max_length",
            )
        return text


class HideForm(forms.Form):
    reason = TextField(label=_("Lý do ẩn"), max_length=500, required=False)


class CheckInForm(forms.Form):
    code = TextField(
        label=_("Mã điểm danh (quét mã QR trên phiếu)"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "spellcheck": "false"}
        ),
    )
