"""Reads of the liaison app, narrowed to the actor where objects belong to a party."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from qinqing.core.errors import NotFound
from qinqing.core.roles import Role, has_role, role_codes
from qinqing.directory.models import Enterprise, Official, OrganType

from .models import (
    Consultation,
    Decision,
    Leader,
    LeaderEnterprise,
    ListStatus,
    Meeting,
    MeetingKind,
    MeetingProblem,
    MeetingStatus,
    Opinion,
    Outcome,
    Reminder,
    ResponsibilityList,
    Scope,
    VisitPeriod,
)
from .services import acting_for, invited_enterprise_ids, is_manager


def _active_links() -> QuerySet[LeaderEnterprise]:
    return LeaderEnterprise.objects.filter(ended_on__isnull=True)


def leaders() -> QuerySet[Leader]:
    return (
        Leader.objects.filter(is_active=True)
        .select_related("official__person", "official__unit")
        .annotate(enterprise_count=Count("links", filter=Q(links__ended_on__isnull=True)))
        .order_by("official__unit__code", "pk")
    )


def coverage() -> dict:
    """Live coverage (article 7): leaders on the roster with no key enterprise, active key enterprises
    with no leader, and the links themselves."""
    roster = list(leaders())
    linked = _active_links().filter(enterprise=OuterRef("pk"), leader__is_active=True)
    uncovered = list(
        Enterprise.objects.filter(is_key_enterprise=True, is_active=True)
        .exclude(Exists(linked))
        .order_by("name")
    )
    key_total = Enterprise.objects.filter(is_key_enterprise=True, is_active=True).count()
    return {
        "leaders": roster,
        "leaders_without": [leader for leader in roster if not leader.enterprise_count],
        "enterprises_without": uncovered,
        "key_total": key_total,
        "links": _active_links()
        .filter(leader__is_active=True)
        .select_related("leader__official__person", "enterprise")
        .order_by("leader__official__unit__code", "leader_id", "enterprise__name"),
    }


def leader(pk: int) -> Leader:
    found = (
        Leader.objects.select_related("official__person", "official__unit")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=LeaderEnterprise.objects.select_related("enterprise").order_by(
                    "ended_on", "enterprise__name"
                ),
            ),
            Prefetch("lists", queryset=ResponsibilityList.objects.order_by("-year", "-pk")),
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# The organs whose leading cadres are district leaders (区委、区纪委、区人大、区政府、区政协).
DISTRICT_ORGANS = (
    OrganType.PARTY_COMMITTEE,
    OrganType.PEOPLES_CONGRESS,
    OrganType.GOVERNMENT,
    OrganType.CPPCC,
)


def candidate_officials() -> QuerySet[Official]:
    """Leading cadres of the district's organs (区委、区政府、人大、政协…) not yet on the roster."""
    return (
        Official.objects.filter(
            is_active=True,
            is_leading_cadre=True,
            unit__kind="organ",
            unit__organ_type__in=DISTRICT_ORGANS,
            unit__parent__parent__isnull=True,
        )
        .exclude(liaison_leader__is_active=True)
        .select_related("person", "unit")
        .order_by("unit__code", "pk")
    )


def key_enterprises() -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(is_key_enterprise=True, is_active=True).order_by("name")


# --- responsibility lists ------------------------------------------------------------------------------
def _readable_scopes(user) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return [Scope.PUBLIC]
    codes = role_codes(user)
    if codes and codes <= {Role.ENTERPRISE_USER}:
        return [Scope.PUBLIC, Scope.ENTERPRISES]
    return [Scope.PUBLIC, Scope.ENTERPRISES, Scope.INTERNAL]


def published_lists(user) -> QuerySet[ResponsibilityList]:
    return (
        ResponsibilityList.objects.filter(status=ListStatus.PUBLISHED, scope__in=_readable_scopes(user))
        .select_related("leader__official__person", "leader__official__unit")
        .order_by("-year", "leader__official__unit__code", "pk")
    )


def published_list(user, pk: int) -> ResponsibilityList:
    """A published list the user may read in its scope; 404 alike for drafts, withdrawn and out of scope."""
    found = published_lists(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def responsibility_list(pk: int) -> ResponsibilityList:
    found = ResponsibilityList.objects.select_related("leader").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


# --- meetings ------------------------------------------------------------------------------------------
def meetings() -> QuerySet[Meeting]:
    return (
        Meeting.objects.select_related("leader__official__person")
        .annotate(
            problem_count=Count("problems", distinct=True), invited_count=Count("invitations", distinct=True)
        )
        .order_by("-scheduled_on", "-pk")
    )


def meeting(pk: int) -> Meeting:
    found = (
        Meeting.objects.select_related("leader__official__person")
        .prefetch_related(
            "invitations__enterprise",
            "association_invitations__association",
            Prefetch(
                "problems",
                queryset=MeetingProblem.objects.select_related(
                    "appeal", "enterprise", "appeal__handling_unit", "appeal__merged_into__handling_unit"
                ),
            ),
            "follow_ups__unit",
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def communication_meetings(user=None) -> QuerySet[Meeting]:
    """The regular communication meetings (article 9) and their follow-ups. The federation takes part in
    every one; a chamber's account reads those its chamber was invited to (by record)."""
    rows = (
        Meeting.objects.filter(kind=MeetingKind.COMMUNICATION)
        .exclude(status=MeetingStatus.CANCELLED)
        .prefetch_related("follow_ups__unit", "association_invitations__association")
        .order_by("-scheduled_on", "-pk")
    )
    if user is not None:
        for_federation, chambers = acting_for(user)
        if not for_federation:
            rows = rows.filter(association_invitations__association_id__in=chambers).distinct()
    return rows


def meetings_invited(user) -> QuerySet[Meeting]:
    """The meetings the user's enterprise was invited to (article 7), each with the problems that
    enterprise raised and their appeals; another enterprise's problems at the same meeting are left out."""
    own = invited_enterprise_ids(user)
    return (
        Meeting.objects.filter(invitations__enterprise_id__in=own)
        .prefetch_related(
            "follow_ups__unit",
            Prefetch(
                "problems",
                queryset=MeetingProblem.objects.filter(enterprise_id__in=own)
                .select_related("appeal", "appeal__merged_into", "enterprise")
                .order_by("pk"),
                to_attr="own_problems",
            ),
        )
        .distinct()
        .order_by("-scheduled_on", "-pk")
    )


def problem_of(pk: int) -> MeetingProblem:
    found = MeetingProblem.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


# --- decisions and consultations -----------------------------------------------------------------------
def decisions() -> QuerySet[Decision]:
    return (
        Decision.objects.select_related("unit")
        .annotate(
            consultation_count=Count("consultations", distinct=True),
            opinion_count=Count("consultations__opinions", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def decision(pk: int) -> Decision:
    found = (
        Decision.objects.select_related("unit")
        .prefetch_related(
            Prefetch(
                "consultations",
                queryset=Consultation.objects.prefetch_related(
                    "invitations__enterprise",
                    "association_invitations__association",
                    Prefetch("opinions", queryset=Opinion.objects.select_related("author")),
                ).order_by("held_on", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def opinion(pk: int) -> Opinion:
    found = Opinion.objects.select_related("consultation__decision").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def consultation(pk: int) -> Consultation:
    found = Consultation.objects.select_related("decision").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def invitations_for(user) -> QuerySet[Consultation]:
    """Consultations the user's party is invited to: the federation's, or their enterprise's."""
    condition = Q(pk__in=[])
    for_federation, chambers = acting_for(user)
    if for_federation:
        condition |= Q(invite_federation=True)
    if chambers:
        condition |= Q(association_invitations__association_id__in=chambers)
    if has_role(user, Role.ENTERPRISE_USER):
        condition |= Q(invitations__enterprise_id__in=invited_enterprise_ids(user))
    return (
        Consultation.objects.filter(condition)
        .select_related("decision")
        .distinct()
        .order_by("-held_on", "-pk")
    )


def invitation(user, pk: int) -> Consultation:
    found = invitations_for(user).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def opinions_of(user, consultation: Consultation) -> QuerySet[Opinion]:
    """The opinions the user's party gave in the consultation (the federation's, or their enterprise's)."""
    mine = Q(author=user)
    for_federation, chambers = acting_for(user)
    if for_federation:
        mine |= Q(enterprise__isnull=True, association__isnull=True) | Q(association__kind="federation")
    if chambers:
        mine |= Q(association_id__in=chambers)
    if has_role(user, Role.ENTERPRISE_USER):
        mine |= Q(enterprise_id__in=invited_enterprise_ids(user))
    return consultation.opinions.filter(mine).order_by("submitted_at", "pk")


def answered_opinion(user, pk: int) -> Opinion:
    """An answered opinion whose reply letter the user may print: the liaison office any; a party (the
    federation, a chamber, an enterprise) its own in a consultation it was invited to. 404 alike for a
    missing, unanswered or another party's opinion."""
    rows = Opinion.objects.select_related("consultation__decision__unit", "association", "enterprise").filter(
        pk=pk, answered_at__isnull=False
    ).exclude(outcome=Outcome.PENDING)
    found = rows.first()
    if found is not None and not is_manager(user):
        consultation = invitations_for(user).filter(pk=found.consultation_id).first()
        if consultation is None or not opinions_of(user, consultation).filter(pk=found.pk).exists():
            found = None
    if found is None:
        raise NotFound()
    return found


def published_feedback() -> QuerySet[Decision]:
    return (
        Decision.objects.filter(feedback_published_at__isnull=False)
        .prefetch_related(
            Prefetch(
                "consultations",
                queryset=Consultation.objects.prefetch_related("opinions").order_by("held_on", "pk"),
            ),
        )
        .order_by("-feedback_published_at", "-pk")
    )


def associations(kind: str | None = None):
    """The federation and chambers on record (active), for the invitation forms."""
    from qinqing.directory.models import Association

    rows = Association.objects.filter(is_active=True)
    return rows.filter(kind=kind) if kind else rows.order_by("kind", "name")


# --- visit frequency against the responsibility lists (article 7) ----------------------------------------
PERIOD_MONTHS = {VisitPeriod.MONTH: 1, VisitPeriod.QUARTER: 3, VisitPeriod.HALF_YEAR: 6, VisitPeriod.YEAR: 12}
# What counts as the leader's visit: a visit or a roundtable the leader held (recorded as held).
VISIT_KINDS = (MeetingKind.VISIT, MeetingKind.ROUNDTABLE)


@dataclass
class Period:
    start: datetime.date
    end: datetime.date
    required: int
    made: int

    @property
    def short(self) -> int:
        return max(0, self.required - self.made)


@dataclass
class FrequencyRow:
    leader: Leader
    promise: ResponsibilityList | None
    periods: list[Period] = field(default_factory=list)
    ended: list[Period] = field(default_factory=list)
    current: Period | None = None

    @property
    def due_so_far(self) -> int:
        return sum(p.required for p in self.ended)

    @property
    def made_so_far(self) -> int:
        return sum(p.made for p in self.ended)

    @property
    def shortfall(self) -> int:
        """Visits missing in the periods that have ended (a period's surplus does not make up another's)."""
        return sum(p.short for p in self.ended)

    @property
    def periods_short(self) -> int:
        return sum(1 for p in self.ended if p.short)

    @property
    def made_in_year(self) -> int:
        return sum(p.made for p in self.periods)

    @property
    def flagged(self) -> bool:
        return self.promise is None or self.shortfall > 0


def periods_of(year: int, period: str) -> list[tuple[datetime.date, datetime.date]]:
    months = PERIOD_MONTHS[period]
    spans = []
    for first in range(1, 13, months):
        start = datetime.date(year, first, 1)
        last = first + months
        end = (
            datetime.date(year + 1, 1, 1) if last > 12 else datetime.date(year, last, 1)
        ) - datetime.timedelta(days=1)
        spans.append((start, end))
    return spans


def visit_frequency(year: int, today: datetime.date) -> list[FrequencyRow]:
    """Each leader on the roster against the visit frequency of their published list for ``year``: per
    period, the visits or roundtables they held; the periods that ended short, and the current period.
    A leader without a published list promising visits is listed and flagged (nothing to check against)."""
    roster = list(leaders())
    promises = {}
    for row in ResponsibilityList.objects.filter(
        year=year, status=ListStatus.PUBLISHED, leader__in=roster, visits_per_period__gt=0
    ).order_by("leader_id", "pk"):
        promises[row.leader_id] = row  # the latest published list of the year counts
    held = {}
    for leader_id, held_on in Meeting.objects.filter(
        leader__in=roster, status=MeetingStatus.HELD, kind__in=VISIT_KINDS, held_on__year=year
    ).values_list("leader_id", "held_on"):
        held.setdefault(leader_id, []).append(held_on)
    rows = []
    for leader_row in roster:
        promise = promises.get(leader_row.pk)
        row = FrequencyRow(leader=leader_row, promise=promise)
        if promise is not None:
            dates = held.get(leader_row.pk, [])
            for start, end in periods_of(year, promise.visit_period):
                period = Period(
                    start, end, promise.visits_per_period, sum(1 for d in dates if start <= d <= end)
                )
                row.periods.append(period)
                if end < today:
                    row.ended.append(period)
                elif start <= today:
                    row.current = period
        rows.append(row)
    rows.sort(key=lambda r: (not r.flagged, -r.shortfall, r.leader.official.unit.code, r.leader.pk))
    return rows


def reminders_for(user) -> QuerySet[Reminder]:
    return (
        Reminder.objects.filter(recipient=user)
        .select_related("meeting", "follow_up__meeting", "leader__official__person", "notification")
        .order_by("-created_at", "-pk")
    )
