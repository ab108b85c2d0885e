"""Queries and reusable logic of the web layer, one module per feature (no state changes:
those are ``tinnhiem.web.actions``)."""

__all__: list[str] = []
