"""Comments: the 1500-character limit after NFC, the empty thread, escaping, hiding."""

from __future__ import annotations

import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone

from tinnhiem.web.actions import (
    ActionError,
    do_hide_comment,
    do_post_comment,
    do_publish_report,
    do_submit_report,
)
from tinnhiem.web.models import AppendOnlyError, AuditEntry, Comment, Official, Result, Role

pytestmark = pytest.mark.django_db

EMPTY = "Hiện chưa có bình luận nào, hãy là người đầu tiên bình luận"


@pytest.fixture
def voter(make_user, grant_role, setup_round):
    user = make_user("voter")
    grant_role(user, Role.VOTER, round=setup_round)
    return user


@pytest.fixture
def published(setup_round):
    Result.objects.create(round=setup_round, payload={"officials": []}, published_at=timezone.now())
    return setup_round


@pytest.fixture
def report(org_actor, setup_round):
    official = Official.objects.filter(round=setup_round).first()
    report = do_submit_report(org_actor, official, text="Báo cáo")
    return do_publish_report(org_actor, report)


def test_limit_counts_nfc_characters(voter, published):
    from tinnhiem.web.lib.access import Actor

    actor = Actor(voter)
    ok = do_post_comment(actor, published, "ệ" * 1500)
    assert len(ok.text) == 1500
    # 1500 characters typed decomposed (3000 code points) are 1500 after NFC: accepted.
    decomposed = unicodedata.normalize("NFD", "ệ" * 1500)
    assert len(decomposed) > 1500
    assert len(do_post_comment(actor, published, decomposed).text) == 1500
    with pytest.raises(ActionError) as caught:
        do_post_comment(actor, published, "a" * 1501)
    assert "1501" in str(caught.value) and "1500" in str(caught.value)
    assert Comment.objects.count() == 2


def test_endpoint_rejects_1501_with_clear_error(client, voter, published):
    client.force_login(voter)
    url = reverse("web:results_comment", args=[published.pk])
    response = client.post(url, {"text": "x" * 1501})
    assert response.status_code == 400
    page = response.content.decode()
    assert "vượt quá giới hạn 1500 ký tự" in page
    assert Comment.objects.count() == 0
    assert client.post(url, {"text": "x" * 1500}).status_code == 302
    assert Comment.objects.count() == 1


def test_empty_thread_text_and_counter(client, voter, published):
    client.force_login(voter)
    page = client.get(reverse("web:results", args=[published.pk])).content.decode()
    assert EMPTY in page
    assert "Tối đa: 1500 ký tự" in page
    assert 'data-maxchars="1500"' in page


def test_output_is_escaped(client, voter, published):
    client.force_login(voter)
    client.post(
        reverse("web:results_comment", args=[published.pk]),
        {"text": "<script>alert(1)</script> & <b>x</b>"},
    )
    page = client.get(reverse("web:results", args=[published.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in page
    assert EMPTY not in page


def test_hiding_keeps_and_logs(client, organiser, org_actor, voter, published):
    from tinnhiem.web.lib.access import Actor

    comment = do_post_comment(Actor(voter), published, "Ý kiến cần ẩn")
    client.force_login(voter)
    url = reverse("web:comment_hide", args=[published.pk, comment.pk])
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(organiser)
    assert client.post(url, {"reason": "Lạc đề"}).status_code == 302
    comment.refresh_from_db()
    assert comment.hidden and comment.hidden_reason == "Lạc đề" and comment.hidden_by == organiser
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert AuditEntry.objects.filter(action="comment.hide", object_id=str(comment.pk)).exists()
    organiser_page = client.get(reverse("web:results", args=[published.pk])).content.decode()
    assert "Ý kiến cần ẩn" in organiser_page and "Đã ẩn" in organiser_page
    client.force_login(voter)
    voter_page = client.get(reverse("web:results", args=[published.pk])).content.decode()
    assert "Ý kiến cần ẩn" not in voter_page
    with pytest.raises(AppendOnlyError):
        comment.delete()
    comment.text = "changed"
    with pytest.raises(AppendOnlyError):
        comment.save()
    do_hide_comment(org_actor, comment)  # hiding twice is harmless


def test_threads_open_only_when_published(voter, setup_round, org_actor):
    from tinnhiem.web.lib.access import Actor

    with pytest.raises(ActionError):
        do_post_comment(Actor(voter), setup_round, "sớm quá")
    official = Official.objects.filter(round=setup_round).first()
    with pytest.raises(ActionError):
        do_post_comment(Actor(voter), setup_round, "sớm quá", official=official)
    report = do_submit_report(org_actor, official, text="Báo cáo")
    do_publish_report(org_actor, report)
    assert do_post_comment(Actor(voter), setup_round, "Được rồi", official=official)


def test_report_thread_page(client, voter, report):
    client.force_login(voter)
    official = report.official
    url = reverse("web:report", args=[official.round_id, official.pk])
    page = client.get(url).content.decode()
    assert "Báo cáo" in page and EMPTY in page
    client.post(
        reverse("web:report_comment", args=[official.round_id, official.pk]),
        {"text": "Câu hỏi về báo cáo"},
    )
    assert "Câu hỏi về báo cáo" in client.get(url).content.decode()


def test_observer_cannot_comment(client, make_user, grant_role, body, published):
    observer = make_user("obs")
    grant_role(observer, Role.OBSERVER, body=body)
    client.force_login(observer)
    page = client.get(reverse("web:results", args=[published.pk])).content.decode()
    assert "Gửi bình luận" not in page
    response = client.post(reverse("web:results_comment", args=[published.pk]), {"text": "x"})
    assert response.status_code == 403
    assert Comment.objects.count() == 0
