"""The paper round pages, the tally minutes and the evaluation pages. ``tinnhiem.web.urls``
adds them to the ``web`` namespace (names start with ``paper_`` or ``eval``)."""

from django.urls import path

from tinnhiem.web.views_eval import pages as eval_pages
from tinnhiem.web.views_paper import minutes, pages

urlpatterns = [
    path("rounds/<int:round_id>/paper/", pages.paper_status, name="paper"),
    path("rounds/<int:round_id>/paper/ballots.pdf", pages.paper_ballots, name="paper_ballots"),
    path("rounds/<int:round_id>/paper/enter/", pages.paper_enter, name="paper_enter"),
    path("rounds/<int:round_id>/paper/totals/", pages.paper_totals, name="paper_totals"),
    path(
        "rounds/<int:round_id>/paper/disagreements/",
        pages.paper_disagreements,
        name="paper_disagreements",
    ),
    path("rounds/<int:round_id>/paper/resolve/", pages.paper_resolve, name="paper_resolve"),
    path("rounds/<int:round_id>/paper/returned/", pages.paper_returned, name="paper_returned"),
    path("rounds/<int:round_id>/paper/issue/", pages.paper_issue, name="paper_issue"),
    path(
        "rounds/<int:round_id>/paper/electronic/",
        pages.paper_electronic,
        name="paper_electronic",
    ),
    path(
        "rounds/<int:round_id>/minutes.<slug:fmt>",
        minutes.minutes_download,
        name="paper_minutes",
    ),
    path("rounds/<int:round_id>/evaluation/", eval_pages.evaluation, name="eval"),
    path(
        "rounds/<int:round_id>/evaluation/import/",
        eval_pages.programme_import,
        name="eval_import",
    ),
    path(
        "rounds/<int:round_id>/evaluation/report.<slug:fmt>",
        eval_pages.evaluation_export,
        name="eval_export",
    ),
]
