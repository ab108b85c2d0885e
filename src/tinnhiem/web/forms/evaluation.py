"""Forms of the evaluation pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tinnhiem.web.actions.evaluation_import import MAX_PROGRAMME_BYTES
from tinnhiem.web.forms import checked_upload

__all__ = ["ProgrammeUploadForm"]


class ProgrammeUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp chương trình công tác (.csv hoặc .xlsx)"))

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data.get("file"), MAX_PROGRAMME_BYTES)
