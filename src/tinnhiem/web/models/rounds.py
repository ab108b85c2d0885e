"""Rounds (đợt lấy phiếu / bỏ phiếu tín nhiệm), the officials rated, the voters summoned and
their self-assessment reports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinnhiem.web.models.bodies import Body, Person

__all__ = [
    "CONFIDENCE_KINDS",
    "Official",
    "Revote",
    "Round",
    "RoundKind",
    "RoundStatus",
    "SelfReport",
    "Summons",
]


class RoundKind(models.TextChoices):
    """A confidence poll rates on three levels; a formal vote has two options; a step of a
    personnel procedure (``models.Procedure``) is a choose-at-most-k or an agree/disagree
    vote (created from the procedure's page, never from the round form)."""

    POLL = "poll", _("Lấy phiếu tín nhiệm")
    FORMAL_VOTE = "formal_vote", _("Bỏ phiếu tín nhiệm")
    CHOOSE_AT_MOST = "choose_at_most", _("Bỏ phiếu nhân sự: chọn tối đa k người")
    AGREE_DISAGREE = "agree_disagree", _("Bỏ phiếu nhân sự: đồng ý / không đồng ý")

    @property
    def personnel(self) -> bool:
        """A step of a personnel procedure."""
        return self in (RoundKind.CHOOSE_AT_MOST, RoundKind.AGREE_DISAGREE)


#: The kinds the round form offers (a personnel step is made from its procedure's page).
CONFIDENCE_KINDS = (RoundKind.POLL, RoundKind.FORMAL_VOTE)


class RoundStatus(models.TextChoices):
    """The life of a round, in order; ``do_*`` actions move it forward only."""

    DRAFT = "draft", _("Đang chuẩn bị")
    CEREMONY = "ceremony", _("Tạo khóa")
    OPEN = "open", _("Đang bỏ phiếu")
    CLOSED = "closed", _("Đã đóng")
    TALLIED = "tallied", _("Đã kiểm phiếu")
    PUBLISHED = "published", _("Đã công bố")


class Revote(models.TextChoices):
    """What a second ballot from the same voter does (the manifest's re-vote policy)."""

    REJECT = "reject", _("Không cho bỏ lại: lá phiếu thứ hai bị từ chối")
    LAST_COUNTS = "last_counts", _("Cho bỏ lại: lá phiếu sau cùng được tính")


class Round(models.Model):
    """One poll or formal vote of a body, under one rule version (``rule_id``)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=RoundKind.choices, default=RoundKind.POLL)
    rule_id = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    revote = models.CharField(max_length=16, choices=Revote.choices, default=Revote.REJECT)
    report_deadline = models.DateTimeField(null=True, blank=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    # The counting committee: any ``threshold`` of ``committee_size`` members can decrypt.
    threshold = models.PositiveSmallIntegerField(default=2)
    committee_size = models.PositiveSmallIntegerField(default=3)
    # 0, then k after the key ceremony's k-th restart (which seats the committee anew).
    ceremony_attempt = models.PositiveSmallIntegerField(default=0)
    # Set when the key ceremony ends: the joint public key (hex) and the manifest hash.
    public_key = models.CharField(max_length=64, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # A step of a personnel procedure: the procedure, the step's id in its file, where the
    # list came from (planning, entered, previous) and the round whose ``advancing`` it is.
    procedure = models.ForeignKey(
        "web.Procedure", null=True, blank=True, on_delete=models.PROTECT, related_name="rounds"
    )
    step_id = models.CharField(max_length=64, blank=True)
    list_source = models.CharField(max_length=16, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_steps"
    )

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.title

    @property
    def personnel(self) -> bool:
        """A step of a personnel procedure (bỏ phiếu nhân sự)."""
        return RoundKind(self.kind).personnel


class Official(models.Model):
    """A person rated in a round (người được lấy phiếu), with the post they hold and the order
    on the ballot. An exempt official stays listed with the reason, but is not rated."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="officials")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rated_in")
    post = models.CharField(max_length=300)
    order = models.PositiveIntegerField()
    exempt = models.BooleanField(default=False)
    exempt_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ("round", "order", "id")
        constraints = (
            models.UniqueConstraint(fields=["round", "person"], name="official_once"),
            models.UniqueConstraint(fields=["round", "order"], name="official_order"),
        )

    def __str__(self) -> str:
        return f"{self.person.full_name} — {self.post}"


class Summons(models.Model):
    """A voter summoned to the round's conference (người được triệu tập)."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="summons")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="summons")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("round", "person__full_name", "id")
        constraints = (models.UniqueConstraint(fields=["round", "person"], name="summons_once"),)

    def __str__(self) -> str:
        return f"{self.person.full_name} @ {self.round}"


class SelfReport(models.Model):
    """An official's self-assessment report (báo cáo tự đánh giá): text and/or a PDF, shown to
    the round's voters once published."""

    official = models.OneToOneField(Official, on_delete=models.PROTECT, related_name="report")
    text = models.TextField(blank=True)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    submitted_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Report of {self.official}"
