"""Voter credentials: slips with QR codes, what the server keeps, slip login."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.urls import reverse

from tinnhiem.crypto import CredentialKey
from tinnhiem.web.actions import ActionError, do_issue_credentials, do_slip_login
from tinnhiem.web.lib.slips import normalise_login_code, parse_booth_fragment
from tinnhiem.web.models import AuditEntry, Membership, Role, VoterCredential

pytestmark = pytest.mark.django_db


def test_issue_keeps_only_hash_and_public_key(org_actor, setup_round):
    slips = do_issue_credentials(org_actor, setup_round)
    assert len(slips) == 6
    for slip in slips:
        stored = VoterCredential.objects.get(pk=slip.credential.pk)
        assert stored.public_key == CredentialKey.from_seed(slip.seed).public.hex()
        code = normalise_login_code(slip.login_code)
        assert stored.login_code_hash == hashlib.sha256(code.encode()).hexdigest()
        assert code not in str(stored.__dict__)
        assert Membership.objects.filter(
            user=stored.user, role=Role.VOTER, round=setup_round
        ).exists()
    assert len({s.login_code for s in slips}) == 6
    # Issuing again makes nothing new: every summoned voter has a credential.
    assert do_issue_credentials(org_actor, setup_round) == []
    entry = AuditEntry.objects.filter(action="credentials.issue").first()
    assert all(s.login_code not in str(entry.detail) for s in slips)


def test_slips_page_prints_qr_codes(client, organiser, setup_round):
    client.force_login(organiser)
    response = client.post(reverse("web:credentials", args=[setup_round.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert page.count('<article class="slip"') == 6
    assert page.count("<svg") == 12  # a check-in and a booth QR per slip
    assert "Nguyễn Văn Một" in page
    # the slip's number, then 16 random characters in groups of four
    codes = re.findall(r'<strong class="code">([0-9A-Z]{1,8}(?:-[0-9A-Z]{4}){4})</strong>', page)
    assert len(codes) == 6
    # For a voter without a camera, the slip also prints the booth line to type in.
    typed = re.findall(r'<code class="code">(v1\.[^<]+)</code>', page)
    assert len(typed) == 6
    for code, line in zip(codes, typed, strict=True):
        parsed_code, seed = parse_booth_fragment(line)
        assert parsed_code == normalise_login_code(code)
        assert len(seed) == 32
    # Nothing new to issue: the list page, without any code.
    again = client.post(reverse("web:credentials", args=[setup_round.pk]))
    assert again.status_code == 200
    assert codes[0] not in again.content.decode()


def test_booth_fragment_round_trip(org_actor, setup_round):
    from tinnhiem.web.lib.slips import booth_fragment

    slip = do_issue_credentials(org_actor, setup_round)[0]
    code, seed = parse_booth_fragment(booth_fragment(slip.login_code, slip.seed))
    assert code == normalise_login_code(slip.login_code)
    assert CredentialKey.from_seed(seed).public.hex() == slip.credential.public_key


def test_slip_login(client, org_actor, setup_round):
    slip = do_issue_credentials(org_actor, setup_round)[0]
    bad = client.post(reverse("web:slip_login"), {"code": "0000-0000-0000-0000"})
    assert bad.status_code == 403
    # Typed in lower case with spaces: still accepted.
    typed = slip.login_code.lower().replace("-", " ")
    response = client.post(reverse("web:slip_login"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:round", args=[setup_round.pk])
    assert client.get(reverse("web:round", args=[setup_round.pk])).status_code == 200
    assert client.get(reverse("web:credentials", args=[setup_round.pk])).status_code == 403


def test_slip_login_action_refuses_unknown_code(rf, setup_round):
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.post("/login/slip/")
    request.session = SessionStore()
    with pytest.raises(ActionError):
        do_slip_login(request, "AAAA-BBBB-CCCC-DDDD")


def test_no_credentials_once_open(org_actor, setup_round):
    setup_round.status = "open"
    setup_round.save()
    with pytest.raises(ActionError):
        do_issue_credentials(org_actor, setup_round)


def test_reissue_replaces_a_lost_slip(client, organiser, org_actor, setup_round):
    from tinnhiem.web.actions import do_reissue_credential

    old = do_issue_credentials(org_actor, setup_round)[0]
    voter_client = client.__class__()
    assert voter_client.post(reverse("web:slip_login"), {"code": old.login_code}).status_code == 302
    new = do_reissue_credential(org_actor, old.credential)
    stored = VoterCredential.objects.get(pk=old.credential.pk)
    assert stored.serial == old.credential.serial
    assert stored.public_key == CredentialKey.from_seed(new.seed).public.hex()
    assert stored.public_key != old.credential.public_key
    assert stored.checkin_token != old.credential.checkin_token
    # The old session ends and the old code no longer works; the new one does.
    assert voter_client.get(reverse("web:round", args=[setup_round.pk])).status_code == 302
    assert client.post(reverse("web:slip_login"), {"code": old.login_code}).status_code == 403
    assert client.post(reverse("web:slip_login"), {"code": new.login_code}).status_code == 302
    entry = AuditEntry.objects.get(action="credential.reissue")
    assert entry.detail["old_public_key"] == old.credential.public_key
    assert new.login_code not in str(entry.detail)


def test_reissue_page_and_refusal_once_open(client, organiser, org_actor, setup_round):
    slip = do_issue_credentials(org_actor, setup_round)[0]
    client.force_login(organiser)
    url = reverse("web:credentials", args=[setup_round.pk])
    assert "Cấp lại" in client.get(url).content.decode()
    response = client.post(url, {"reissue": slip.credential.pk})
    assert response.status_code == 200
    assert response.content.decode().count('<article class="slip"') == 1
    setup_round.status = "open"
    setup_round.save()
    refused = client.post(url, {"reissue": slip.credential.pk})
    assert refused.status_code == 400
    assert "trước khi mở bỏ phiếu" in refused.content.decode()
