"""The URL map (docs/web.md lists each page with the roles it needs).

Every page of a round lives under ``/rounds/<id>/`` and every JSON endpoint of a round under
``/api/rounds/<id>/`` (errors there come back as JSON). The one exception is ``/phieu/``,
the booth's entry page that the slip's QR code opens (printed slips carry that address).
"""

from django.urls import include, path

from tinnhiem.web.views import (
    api,
    audit,
    auth,
    board,
    bodies,
    booth,
    comments,
    committee,
    credentials,
    evaluation,
    home,
    minutes,
    paper,
    paper_scan,
    procedures,
    reports,
    results,
    rounds,
    verify,
)

R = "rounds/<int:round_id>"
API = "api/rounds/<int:round_id>"

site_patterns = [
    path("", home.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("login/slip/", auth.slip_login_view, name="slip_login"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/", auth.password_view, name="password"),
    path("phieu/", booth.entry, name="poll_entry"),
    path("audit/", audit.audit_log, name="audit_site"),
    path("verify/", verify.verify_page, name="verify"),
    path("verify/tinnhiem-verifier.html", verify.verify_download, name="verify_download"),
]

body_patterns = [
    path("bodies/", bodies.bodies, name="bodies"),
    path("bodies/<int:body_id>/", bodies.body_detail, name="body"),
    path("bodies/<int:body_id>/roster/", bodies.roster_import, name="roster_import"),
    path("bodies/<int:body_id>/roles/", bodies.body_roles, name="body_roles"),
    path("bodies/<int:body_id>/rounds/new/", rounds.round_create, name="round_create"),
    path("bodies/<int:body_id>/procedures/", procedures.procedures, name="procedures"),
    path(
        "bodies/<int:body_id>/procedures/<int:procedure_id>/",
        procedures.procedure_detail,
        name="procedure",
    ),
    path(
        "bodies/<int:body_id>/procedures/<int:procedure_id>/step/",
        procedures.procedure_create_step,
        name="procedure_step",
    ),
    path(
        "bodies/<int:body_id>/procedures/<int:procedure_id>/settle/",
        procedures.procedure_settle,
        name="procedure_settle",
    ),
    path("bodies/<int:body_id>/audit/", audit.audit_log, name="audit_body"),
]

round_patterns = [
    # setting the round up
    path(f"{R}/", rounds.round_detail, name="round"),
    path(f"{R}/edit/", rounds.round_edit, name="round_edit"),
    path(f"{R}/officials/", rounds.officials_add, name="officials_add"),
    path(
        f"{R}/officials/<int:official_id>/remove/", rounds.official_remove, name="official_remove"
    ),
    path(
        f"{R}/officials/<int:official_id>/exempt/", rounds.official_exempt, name="official_exempt"
    ),
    path(f"{R}/summon/", rounds.round_summon, name="round_summon"),
    path(f"{R}/committee/members/", rounds.round_committee, name="round_committee"),
    path(f"{R}/status/<slug:change>/", rounds.round_status, name="round_status"),
    path(f"{R}/audit/", audit.audit_log, name="audit_round"),
    # voters: slips, check-in, the booth
    path(f"{R}/credentials/", credentials.credentials, name="credentials"),
    path(f"{R}/checkin/", credentials.checkin, name="checkin"),
    path(f"{R}/checkin/quorum/", credentials.checkin_quorum, name="checkin_quorum"),
    path(f"{R}/booth/", booth.booth, name="poll_booth"),
    # officials' self-reports
    path(f"{R}/reports/<int:official_id>/", reports.report_detail, name="report"),
    path(f"{R}/reports/<int:official_id>/edit/", reports.report_edit, name="report_edit"),
    path(f"{R}/reports/<int:official_id>/pdf/", reports.report_pdf, name="report_pdf"),
    path(f"{R}/reports/<int:official_id>/publish/", reports.report_publish, name="report_publish"),
    path(f"{R}/reports/<int:official_id>/comments/", comments.comment_post, name="report_comment"),
    # the counting committee: key ceremony and decryption
    path(f"{R}/committee/", committee.committee, name="poll_committee"),
    path(
        f"{R}/committee/ceremony.json",
        committee.ceremony_file_download,
        name="poll_ceremony_file",
    ),
    path(
        f"{R}/committee/aggregates.json",
        committee.aggregates_file_download,
        name="poll_aggregates_file",
    ),
    path(f"{R}/committee/head.json", committee.head_file_download, name="poll_head_file"),
    path(f"{R}/committee/upload/", committee.upload, name="poll_upload"),
    path(f"{R}/committee/restart/", committee.restart, name="poll_restart"),
    # the public board, the results, the record and the minutes
    path(f"{R}/board/", board.board, name="poll_board"),
    path(f"{R}/results/", results.results, name="results"),
    path(f"{R}/results/publish/", results.publish, name="poll_publish"),
    path(f"{R}/results/comments/", comments.comment_post, name="results_comment"),
    path(f"{R}/comments/<int:comment_id>/hide/", comments.comment_hide, name="comment_hide"),
    path(f"{R}/record.json", results.record_download, name="poll_record"),
    path(f"{R}/settlement.json", procedures.settlement_download, name="step_settlement"),
    path(f"{R}/minutes.<slug:fmt>", minutes.minutes_download, name="paper_minutes"),
    # paper rounds
    path(f"{R}/paper/", paper.paper_status, name="paper"),
    path(f"{R}/paper/ballots.pdf", paper.paper_ballots, name="paper_ballots"),
    path(f"{R}/paper/enter/", paper.paper_enter, name="paper_enter"),
    path(f"{R}/paper/totals/", paper.paper_totals, name="paper_totals"),
    path(f"{R}/paper/disagreements/", paper.paper_disagreements, name="paper_disagreements"),
    path(f"{R}/paper/resolve/", paper.paper_resolve, name="paper_resolve"),
    path(f"{R}/paper/returned/", paper.paper_returned, name="paper_returned"),
    path(f"{R}/paper/issue/", paper.paper_issue, name="paper_issue"),
    path(f"{R}/paper/electronic/", paper.paper_electronic, name="paper_electronic"),
    path(f"{R}/paper/post-step/", paper.paper_post_step, name="paper_post_step"),
    path(f"{R}/paper/log.jsonl", paper.paper_log, name="paper_log"),
    path(f"{R}/paper/scan/", paper_scan.paper_scan, name="paper_scan"),
    path(f"{R}/paper/queue/", paper_scan.paper_queue, name="paper_queue"),
    path(f"{R}/paper/queue/resolve/", paper_scan.paper_queue_resolve, name="paper_queue_resolve"),
    path(f"{R}/paper/crop/<int:serial>/<str:field>.png", paper_scan.paper_crop, name="paper_crop"),
    path(f"{R}/paper/audit/", paper_scan.paper_audit, name="paper_audit"),
    # the evaluation beside the poll
    path(f"{R}/evaluation/", evaluation.evaluation, name="eval"),
    path(f"{R}/evaluation/import/", evaluation.programme_import, name="eval_import"),
    path(f"{R}/evaluation/report.<slug:fmt>", evaluation.evaluation_export, name="eval_export"),
]

api_patterns = [
    path("api/openapi.json", api.openapi, name="api_openapi"),
    path("api/rounds", api.round_list, name="api_rounds"),
    path(API, api.round_detail, name="api_round"),
    path(f"{API}/board", board.board_api, name="api_board"),
    path(f"{API}/results", results.results_api, name="api_results"),
    path(f"{API}/cast", booth.cast_api, name="poll_api_cast"),
    path(f"{API}/audit", booth.audit_api, name="poll_api_audit"),
    path(f"{API}/ceremony", committee.ceremony_api, name="poll_api_ceremony"),
    path(f"{API}/aggregates", committee.aggregates_api, name="poll_api_aggregates"),
    path(f"{API}/decryption", committee.decryption_api, name="poll_api_decryption"),
    path(f"{API}/head-signature", committee.head_signature_api, name="poll_api_head_signature"),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include(([*site_patterns, *body_patterns, *round_patterns, *api_patterns], "web"))),
]

handler403 = "tinnhiem.web.views.errors.forbidden"
handler404 = "tinnhiem.web.views.errors.not_found"
handler500 = "tinnhiem.web.views.errors.server_error"
