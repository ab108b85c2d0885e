"""tinnhiem.web: the Django project (settings, models, actions, views, templates).

Views are thin: they parse a request, call one ``do_*`` action from
``tinnhiem.web.actions`` and render. Every state change runs in one transaction, writes
its audit entries in that transaction and fires side effects only on commit. See
docs/web.md.
"""

__all__: list[str] = []
