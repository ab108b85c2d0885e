"""Thin views: parse the request, call one ``do_*`` action, render a template."""

__all__: list[str] = []
