"""The URLs of the booth, the committee, the live board and the results. ``tinnhiem.web.urls``
adds them to the ``web`` namespace, so every name here starts with ``poll_``. JSON endpoints
live under ``/api/`` so that errors come back as JSON."""

from django.urls import path

from tinnhiem.web.views_poll import board, booth, committee, results

urlpatterns = [
    path("phieu/", booth.entry, name="poll_entry"),
    path("poll/<int:round_id>/booth/", booth.booth, name="poll_booth"),
    path("poll/<int:round_id>/committee/", committee.committee, name="poll_committee"),
    path(
        "poll/<int:round_id>/committee/ceremony.json",
        committee.ceremony_file_download,
        name="poll_ceremony_file",
    ),
    path(
        "poll/<int:round_id>/committee/aggregates.json",
        committee.aggregates_file_download,
        name="poll_aggregates_file",
    ),
    path("poll/<int:round_id>/committee/upload/", committee.upload, name="poll_upload"),
    path("poll/<int:round_id>/board/", board.board, name="poll_board"),
    path("poll/<int:round_id>/results/", results.results, name="poll_results"),
    path("poll/<int:round_id>/results/publish/", results.publish, name="poll_publish"),
    path("poll/<int:round_id>/record.json", results.record_download, name="poll_record"),
    path("api/poll/<int:round_id>/cast", booth.cast_api, name="poll_api_cast"),
    path("api/poll/<int:round_id>/audit", booth.audit_api, name="poll_api_audit"),
    path("api/poll/<int:round_id>/ceremony", committee.ceremony_api, name="poll_api_ceremony"),
    path(
        "api/poll/<int:round_id>/aggregates", committee.aggregates_api, name="poll_api_aggregates"
    ),
    path(
        "api/poll/<int:round_id>/decryption", committee.decryption_api, name="poll_api_decryption"
    ),
    path("api/poll/<int:round_id>/board", board.board_api, name="poll_api_board"),
]
