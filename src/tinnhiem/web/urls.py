"""The URL map (docs/web.md lists each page with the roles it needs)."""

import importlib

from django.urls import URLPattern, URLResolver, include, path

from tinnhiem.web.views import (
    api,
    audit,
    auth,
    bodies,
    comments,
    credentials,
    home,
    reports,
    results,
    rounds,
)

web_patterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/slip/", auth.slip_login_view, name="slip_login"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/", auth.password_view, name="password"),
    path("audit/", audit.audit_log, name="audit_site"),
    path("bodies/", bodies.bodies, name="bodies"),
    path("bodies/<int:body_id>/", bodies.body_detail, name="body"),
    path("bodies/<int:body_id>/roster/", bodies.roster_import, name="roster_import"),
    path("bodies/<int:body_id>/roles/", bodies.body_roles, name="body_roles"),
    path("bodies/<int:body_id>/rounds/new/", rounds.round_create, name="round_create"),
    path("bodies/<int:body_id>/audit/", audit.audit_log, name="audit_body"),
    path("rounds/<int:round_id>/", rounds.round_detail, name="round"),
    path("rounds/<int:round_id>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:round_id>/officials/", rounds.officials_add, name="officials_add"),
    path(
        "rounds/<int:round_id>/officials/<int:official_id>/remove/",
        rounds.official_remove,
        name="official_remove",
    ),
    path(
        "rounds/<int:round_id>/officials/<int:official_id>/exempt/",
        rounds.official_exempt,
        name="official_exempt",
    ),
    path("rounds/<int:round_id>/summon/", rounds.round_summon, name="round_summon"),
    path("rounds/<int:round_id>/committee/", rounds.round_committee, name="round_committee"),
    path("rounds/<int:round_id>/status/<slug:change>/", rounds.round_status, name="round_status"),
    path("rounds/<int:round_id>/credentials/", credentials.credentials, name="credentials"),
    path("rounds/<int:round_id>/checkin/", credentials.checkin, name="checkin"),
    path(
        "rounds/<int:round_id>/checkin/quorum/", credentials.checkin_quorum, name="checkin_quorum"
    ),
    path("rounds/<int:round_id>/reports/<int:official_id>/", reports.report_detail, name="report"),
    path(
        "rounds/<int:round_id>/reports/<int:official_id>/edit/",
        reports.report_edit,
        name="report_edit",
    ),
    path(
        "rounds/<int:round_id>/reports/<int:official_id>/pdf/",
        reports.report_pdf,
        name="report_pdf",
    ),
    path(
        "rounds/<int:round_id>/reports/<int:official_id>/publish/",
        reports.report_publish,
        name="report_publish",
    ),
    path(
        "rounds/<int:round_id>/reports/<int:official_id>/comments/",
        comments.comment_post,
        name="report_comment",
    ),
    path("rounds/<int:round_id>/results/", results.results, name="results"),
    path("rounds/<int:round_id>/results/comments/", comments.comment_post, name="results_comment"),
    path(
        "rounds/<int:round_id>/comments/<int:comment_id>/hide/",
        comments.comment_hide,
        name="comment_hide",
    ),
    path("rounds/<int:round_id>/audit/", audit.audit_log, name="audit_round"),
    path("api/openapi.json", api.openapi, name="api_openapi"),
    path("api/rounds", api.round_list, name="api_rounds"),
    path("api/rounds/<int:round_id>", api.round_detail, name="api_round"),
    path("api/rounds/<int:round_id>/board", api.board, name="api_board"),
    path("api/rounds/<int:round_id>/results", api.round_results, name="api_results"),
]


# Pages of other features live in their own URL modules, in the same ``web`` namespace:
# ``urls_poll.py`` (booth, key ceremony, decryption, board: issue 4, part B) and
# ``urls_extra.py`` (paper rounds, tally minutes, evaluation). The site runs without them.
def _optional_patterns(module_name: str) -> list[URLPattern | URLResolver]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return []
    return list(module.urlpatterns)


extra_patterns = [
    *_optional_patterns("tinnhiem.web.urls_poll"),
    *_optional_patterns("tinnhiem.web.urls_extra"),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(([*web_patterns, *extra_patterns], "web"))),
]

handler403 = "tinnhiem.web.views.errors.forbidden"
handler404 = "tinnhiem.web.views.errors.not_found"
handler500 = "tinnhiem.web.views.errors.server_error"
