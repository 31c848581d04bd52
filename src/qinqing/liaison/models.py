"""Leaders' liaison with key enterprises (article 7) and consultation before decisions (article 9).

* ``Leader``: a district leader on the liaison roster (an official of the directory); each is linked
  (``LeaderEnterprise``) to one or more key enterprises (``Enterprise.is_key_enterprise``); the
  coverage view lists leaders with none and key enterprises with no leader. Each leader's
  responsibility list (帮扶责任清单) is published in a chosen scope.
* ``Meeting``: visits, roundtables (企业恳谈会) and regular communication meetings with invited
  enterprises; each problem raised (``MeetingProblem``) is filed as an appeal through the appeals
  intake and linked back; follow-ups (``FollowUp``) are tracked to completion.
* ``Decision``: a decision touching enterprises' major interests, with its consultations
  (hearing, expert review, forum), the opinions received, whether each was adopted and why not,
  and the feedback published. It cannot be adopted without a completed consultation.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited


@audited()
class Leader(models.Model):
    """A district leader on the liaison roster (联系服务企业的区领导)."""

    official = models.OneToOneField(
        "directory.Official",
        on_delete=models.PROTECT,
        related_name="liaison_leader",
        verbose_name=_("official"),
    )
    is_active = models.BooleanField(_("on the roster"), default=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        ordering = ["official__unit__code", "pk"]
        verbose_name = _("liaison leader")
        verbose_name_plural = _("liaison leaders")

    def __str__(self) -> str:
        return str(self.official)


@audited()
class LeaderEnterprise(models.Model):
    """A leader's link to a key enterprise, from ``started_on`` until ``ended_on``."""

    leader = models.ForeignKey(Leader, on_delete=models.PROTECT, related_name="links")
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        on_delete=models.PROTECT,
        related_name="liaison_links",
        verbose_name=_("enterprise"),
    )
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["leader", "enterprise__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["leader", "enterprise"],
                condition=Q(ended_on__isnull=True),
                name="liaison_link_active_unique",
            )
        ]
        verbose_name = _("leader–enterprise link")
        verbose_name_plural = _("leader–enterprise links")

    def __str__(self) -> str:
        return f"{self.leader_id}:{self.enterprise_id}"


class Scope(models.TextChoices):
    PUBLIC = "public", _("Public (anyone, no login)")
    ENTERPRISES = "enterprises", _("Enterprises and staff (signed in)")
    INTERNAL = "internal", _("Internal (staff only)")


class VisitPeriod(models.TextChoices):
    """How often the list promises the leader visits (article 7: 定期走访)."""

    MONTH = "month", _("per month")
    QUARTER = "quarter", _("per quarter")
    HALF_YEAR = "half_year", _("per half year")
    YEAR = "year", _("per year")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


@audited()
class ResponsibilityList(models.Model):
    """A leader's responsibility list (帮扶责任清单) for a year, published in ``scope``."""

    leader = models.ForeignKey(
        Leader, on_delete=models.PROTECT, related_name="lists", verbose_name=_("leader")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("responsibilities"))
    scope = models.CharField(_("published to"), max_length=16, choices=Scope.choices, default=Scope.PUBLIC)
    status = models.CharField(
        _("status"), max_length=16, choices=ListStatus.choices, default=ListStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    # The visit frequency the list promises: ``visits_per_period`` visits or roundtables held by the leader
    # in each ``visit_period`` of the year (0: the list promises none).
    visits_per_period = models.PositiveSmallIntegerField(_("visits promised"), default=0)
    visit_period = models.CharField(
        _("per"), max_length=16, choices=VisitPeriod.choices, default=VisitPeriod.QUARTER
    )

    class Meta:
        ordering = ["-year", "leader", "pk"]
        verbose_name = _("responsibility list")
        verbose_name_plural = _("responsibility lists")

    def __str__(self) -> str:
        return self.title


class MeetingKind(models.TextChoices):
    VISIT = "visit", _("Visit to an enterprise")
    ROUNDTABLE = "roundtable", _("Roundtable (企业恳谈会)")
    COMMUNICATION = "communication", _("Regular communication meeting")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


@audited()
class Meeting(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    scheduled_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    leader = models.ForeignKey(
        Leader,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("leader"),
    )
    participants = models.TextField(
        _("departments, federation and chambers taking part"), blank=True, default=""
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    minutes = models.TextField(_("minutes"), blank=True, default="")
    held_on = models.DateField(_("held on"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-scheduled_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title


@audited()
class MeetingInvitation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invitations")
    enterprise = models.ForeignKey("directory.Enterprise", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["meeting", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "enterprise"], name="liaison_invitation_unique")
        ]
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.enterprise_id}"


@audited()
class MeetingAssociation(models.Model):
    """The federation or a chamber invited to a meeting, by its directory record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="association_invitations")
    association = models.ForeignKey(
        "directory.Association", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )

    class Meta:
        ordering = ["meeting", "association__kind", "association__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "association"], name="liaison_meeting_association_unique"
            )
        ]
        verbose_name = _("federation or chamber invited")
        verbose_name_plural = _("federation and chambers invited")

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.association_id}"


@audited()
class MeetingProblem(models.Model):
    """A problem raised at a meeting, filed as an appeal (the appeal tracks it from there)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="problems")
    enterprise = models.ForeignKey(
        "directory.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enterprise"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("problem raised"))
    appeal = models.OneToOneField(
        "appeals.Appeal", on_delete=models.PROTECT, related_name="liaison_problem", verbose_name=_("appeal")
    )
    raised_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("problem raised")
        verbose_name_plural = _("problems raised")

    def __str__(self) -> str:
        return self.title


@audited()
class FollowUp(models.Model):
    """A task agreed at a (communication) meeting, tracked until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="follow_ups")
    task = models.CharField(_("task"), max_length=300)
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible unit"),
    )
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True, default="")

    class Meta:
        ordering = ["done_on", "due_on", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.task

    @property
    def overdue(self) -> bool:
        from qinqing.core import clock

        return self.done_on is None and self.due_on < clock.today()


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONSULTING = "consulting", _("In consultation")
    ADOPTED = "adopted", _("Adopted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


@audited()
class Decision(models.Model):
    """A decision touching enterprises' major interests (涉企重大决策)."""

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what it decides"))
    unit = models.ForeignKey(
        "directory.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drafting unit"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    feedback = models.TextField(_("feedback to those consulted"), blank=True, default="")
    feedback_published_at = models.DateTimeField(_("feedback published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.title


class ConsultationForm(models.TextChoices):
    HEARING = "hearing", _("Hearing (听证会)")
    EXPERT_REVIEW = "expert_review", _("Expert review (论证会)")
    FORUM = "forum", _("Forum (座谈会)")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Open for opinions")
    COMPLETED = "completed", _("Completed")


@audited()
class Consultation(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="consultations")
    form = models.CharField(_("form"), max_length=16, choices=ConsultationForm.choices)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True, default="")
    invite_federation = models.BooleanField(_("federation of industry and commerce invited"), default=True)
    invited_chambers = models.CharField(_("chambers invited"), max_length=300, blank=True, default="")
    status = models.CharField(
        _("status"), max_length=16, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    conclusion = models.TextField(_("conclusion"), blank=True, default="")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["decision", "held_on", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.held_on:%Y-%m-%d}"

    @property
    def invited_names(self) -> list[str]:
        """Who was invited, in words: the federation and chambers (records), any chambers named before
        they were records, and the enterprises."""
        from django.utils.translation import gettext

        records = [row.association for row in self.association_invitations.all()]
        names = []
        if self.invite_federation and not any(a.kind == "federation" for a in records):
            names.append(gettext("the federation of industry and commerce"))
        names += [a.name for a in records]
        if self.invited_chambers:
            names.append(self.invited_chambers)
        return names + [row.enterprise.name for row in self.invitations.all()]


@audited()
class ConsultationInvitation(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="invitations")
    enterprise = models.ForeignKey("directory.Enterprise", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["consultation", "enterprise__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "enterprise"], name="liaison_consult_invitation_unique"
            )
        ]
        verbose_name = _("consultation invitation")
        verbose_name_plural = _("consultation invitations")

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.enterprise_id}"


@audited()
class ConsultationAssociation(models.Model):
    """The federation or a chamber invited to a consultation, by its directory record (article 9)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="association_invitations"
    )
    association = models.ForeignKey(
        "directory.Association", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )

    class Meta:
        ordering = ["consultation", "association__kind", "association__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "association"], name="liaison_consult_association_unique"
            )
        ]
        verbose_name = _("federation or chamber invited")
        verbose_name_plural = _("federation and chambers invited")

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.association_id}"


class Outcome(models.TextChoices):
    PENDING = "pending", _("Not yet answered")
    ADOPTED = "adopted", _("Adopted")
    PARTLY = "partly", _("Partly adopted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")


@audited()
class Opinion(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="opinions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.CharField(_("on behalf of"), max_length=200)
    enterprise = models.ForeignKey(
        "directory.Enterprise", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    association = models.ForeignKey(
        "directory.Association",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("federation or chamber"),
    )
    text = models.TextField(_("opinion"))
    submitted_at = models.DateTimeField(_("submitted at"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    response = models.TextField(_("answer (why adopted or not)"), blank=True, default="")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # the reply letter's document number (liaison.letters), taken at the first answer and kept if revised
    reply_number = models.CharField(_("reply number"), max_length=40, blank=True, default="")

    class Meta:
        ordering = ["consultation", "submitted_at", "pk"]
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.text[:30]}"


class ReminderKind(models.TextChoices):
    VISIT_NOT_HELD = "visit_not_held", _("A visit or meeting whose date has passed is not recorded as held")
    FREQUENCY = "frequency", _("Behind the visit frequency the responsibility list promises")
    FOLLOW_UP_DUE = "follow_up_due", _("A follow-up falls due")
    FOLLOW_UP_OVERDUE = "follow_up_overdue", _("A follow-up is overdue")


@audited()
class Reminder(models.Model):
    """A notice in the application for the person responsible (articles 7 and 9), written by the daily
    ``liaison.reminders`` job on working days, once per person, item and date (``core.notices.deliver_once``).
    The person sees it on the liaison reminders page; when their directory record has a mobile number it is
    also queued as an SMS on the appeals outbox (``notification``)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("for")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ReminderKind.choices)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    follow_up = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(Leader, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due"))
    detail = models.CharField(_("detail"), max_length=300, blank=True, default="")
    key = models.CharField(max_length=120)
    created_at = models.DateTimeField(_("created at"))
    # the SMS queued on the appeals outbox when the person's directory record has a mobile number: its status
    # is the SMS's honest delivery state
    notification = models.ForeignKey(
        "appeals.Notification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("liaison reminder")
        verbose_name_plural = _("liaison reminders")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="liaison_reminder_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due}"
