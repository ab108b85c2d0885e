"""Forms of the scanner and audit pages (issue 13). Every upload is sized before it is read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinnhiem.web.forms import checked_upload
from tinnhiem.web.forms.fields import TextField

__all__ = [
    "MAX_SCAN_BYTES",
    "MAX_SCAN_FILES",
    "AuditReadingForm",
    "AuditStartForm",
    "QueueResolveForm",
    "ScanUploadForm",
]

MAX_SCAN_BYTES = 40 * 1024 * 1024
"""One scanner PDF or photo: at most 40 MiB (about 60 pages scanned at 200 dpi)."""
MAX_SCAN_FILES = 50


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": ".pdf,image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            if len(data) > MAX_SCAN_FILES:
                raise forms.ValidationError(
                    _("Tối đa %(n)s tệp mỗi lần tải lên.") % {"n": MAX_SCAN_FILES}
                )
            return [checked_upload(single(d, initial), MAX_SCAN_BYTES) for d in data]
        return [checked_upload(single(data, initial), MAX_SCAN_BYTES)]


class ScanUploadForm(forms.Form):
    batch = TextField(label=_("Tập phiếu (đặt tên khi mở hòm, ví dụ 1, 2, 3)"), max_length=20)
    sheets = _MultipleFileField(label=_("Tệp PDF của máy quét hoặc ảnh chụp phiếu"))


class QueueResolveForm(forms.Form):
    serial = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    field = TextField(max_length=100, widget=forms.HiddenInput)
    value = TextField(label=_("Quyết định của Ban kiểm phiếu"), max_length=20)
    note = TextField(label=_("Lý do"), max_length=500)


class AuditStartForm(forms.Form):
    seed = TextField(
        label=_("Số ngẫu nhiên từ xúc xắc gieo tại hội trường (ít nhất 20 chữ số)"),
        max_length=200,
    )
    risk_limit = TextField(label=_("Giới hạn rủi ro"), max_length=10, initial="5%")


class AuditReadingForm(forms.Form):
    quick = TextField(
        label=_("Ban kiểm phiếu đọc lại phiếu: một ký tự mỗi dòng"),
        max_length=2000,
        required=False,
    )
    sheet_invalid = forms.BooleanField(label=_("Cả phiếu không hợp lệ"), required=False)
