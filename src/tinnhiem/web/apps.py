"""The Django application of Tín Nhiệm (label ``web``)."""

from __future__ import annotations

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Registers the models and the SQLite connection tuning."""

    name = "tinnhiem.web"
    label = "web"
    verbose_name = "Tín Nhiệm"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tinnhiem.web import db_tuning

        db_tuning.connect()
