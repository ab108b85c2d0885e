"""Forms of the evaluation pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

__all__ = ["ProgrammeUploadForm"]


class ProgrammeUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp chương trình công tác (.csv hoặc .xlsx)"))
