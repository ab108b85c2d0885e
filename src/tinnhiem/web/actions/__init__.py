"""Every state change of the web application is a ``do_*`` function here: one transaction,
audit entries written in it, side effects only on commit (``transaction.on_commit``).
Views call exactly one action per request; the API and tests call the same functions."""

from tinnhiem.web.actions.audit import audit
from tinnhiem.web.actions.auth import (
    LoginLocked,
    do_change_password,
    do_login,
    do_logout,
    do_slip_login,
    hash_login_code,
)
from tinnhiem.web.actions.bodies import (
    NewAccount,
    do_create_body,
    do_ensure_account,
    do_grant_role,
    do_import_roster,
)
from tinnhiem.web.actions.comments import do_hide_comment, do_post_comment, thread_open
from tinnhiem.web.actions.credentials import (
    IssuedSlip,
    do_check_in,
    do_issue_credentials,
    do_reissue_credential,
)
from tinnhiem.web.actions.demo import DemoSeed, do_seed_demo
from tinnhiem.web.actions.errors import ActionError
from tinnhiem.web.actions.rounds import (
    do_add_committee_member,
    do_add_official,
    do_close_round,
    do_create_round,
    do_open_round,
    do_publish_report,
    do_remove_official,
    do_set_exemption,
    do_start_ceremony,
    do_submit_report,
    do_summon,
    do_update_round,
)

__all__ = [
    "ActionError",
    "DemoSeed",
    "IssuedSlip",
    "LoginLocked",
    "NewAccount",
    "audit",
    "do_add_committee_member",
    "do_add_official",
    "do_change_password",
    "do_check_in",
    "do_close_round",
    "do_create_body",
    "do_create_round",
    "do_ensure_account",
    "do_grant_role",
    "do_hide_comment",
    "do_import_roster",
    "do_issue_credentials",
    "do_login",
    "do_logout",
    "do_open_round",
    "do_post_comment",
    "do_publish_report",
    "do_reissue_credential",
    "do_remove_official",
    "do_seed_demo",
    "do_set_exemption",
    "do_slip_login",
    "do_start_ceremony",
    "do_submit_report",
    "do_summon",
    "do_update_round",
    "hash_login_code",
    "thread_open",
]
