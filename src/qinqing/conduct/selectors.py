"""Conduct reads, already narrowed to what the actor may see.

- an official sees their own requests, gifts, declarations and recusals;
- a supervising leader sees the requests of the officials they supervise;
- discipline inspectors (and administrators) see everything: red flags, leads, conflicts;
- anyone (no login) can verify a letter by its code and sees only the approval's essentials.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet

from qinqing.core import clock
from qinqing.core.errors import NotFound
from qinqing.core.roles import has_role
from qinqing.directory.selectors import official_for_user

from .access import INSPECTORS, OVERSIGHT
from .models import (
    ActivityRequest,
    ActivityStatus,
    ApprovalLetter,
    GiftDisposition,
    GiftRecord,
    IntegrityPledge,
    Lead,
)


def is_inspector(user) -> bool:
    """The discipline office (and administrators): they see every official's conduct records (conduct.access)."""  # noqa: E501
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or has_role(user, *INSPECTORS)
    )


def pledge_signed(enterprise) -> datetime.date | None:
    """The date the enterprise signed the integrity pledge, or None."""
    return IntegrityPledge.objects.filter(enterprise=enterprise).values_list("signed_on", flat=True).first()


def activities_of(user) -> QuerySet[ActivityRequest]:
    official = official_for_user(user)
    if official is None:
        return ActivityRequest.objects.none()
    return ActivityRequest.objects.filter(official=official).prefetch_related("enterprises")


def approvals_queue(user) -> QuerySet[ActivityRequest]:
    """Requests awaiting this leader's decision (never their own)."""
    return (
        ActivityRequest.objects.filter(
            status=ActivityStatus.SUBMITTED, official__supervising_leader__user=user
        )
        .exclude(official__user=user)
        .select_related("official__person", "official__unit")
        .prefetch_related("enterprises")
    )


def access_activity(user, pk) -> ActivityRequest:
    """The request if ``user`` is its official, their supervising leader, or an inspector."""
    visible = ActivityRequest.objects.select_related(
        "official__person", "official__unit", "official__supervising_leader__person"
    )
    if not is_inspector(user):
        visible = visible.filter(Q(official__user=user) | Q(official__supervising_leader__user=user))
    activity = visible.filter(pk=pk).first()
    if activity is None:
        raise NotFound()
    return activity


def letter_by_code(code: str) -> ApprovalLetter:
    letter = (
        ApprovalLetter.objects.select_related(
            "activity__official__person", "activity__official__unit", "activity__decided_by"
        )
        .filter(verification_code=(code or "").strip().upper())
        .first()
    )
    if letter is None:
        raise NotFound()
    return letter


def gifts_of(user) -> QuerySet[GiftRecord]:
    official = official_for_user(user)
    if official is None:
        return GiftRecord.objects.none()
    return GiftRecord.objects.filter(official=official).select_related("giver_enterprise")


def gifts_overdue(*, days: int, today: datetime.date | None = None) -> QuerySet[GiftRecord]:
    """Items still not handed in ``days`` after they were received (15.1)."""
    today = today or clock.today()
    return GiftRecord.objects.filter(
        disposition=GiftDisposition.PENDING, occurred_on__lte=today - datetime.timedelta(days=days)
    ).select_related("official__person", "giver_enterprise")


def gift_register(filters: dict | None = None, *, today: datetime.date | None = None) -> QuerySet[GiftRecord]:
    """The discipline office's gift register (礼品礼金登记台账): every official's gift records, newest first,
    filtered by ``GiftRegisterFilterForm``'s cleaned data, each with ``late``: not handed in within the
    hand-in period (``ConductRules.gift_hand_in_days``) — still pending when it ends (as the red flags'
    ``gifts_overdue``), or handed in after it ended.
    One query: the official, their unit and the giving enterprise joined."""
    from django.db.models import BooleanField, Case, DurationField, ExpressionWrapper, F, Value, When

    from .services import rules

    filters = filters or {}
    today = today or clock.today()
    period = datetime.timedelta(days=rules().gift_hand_in_days)
    waited = ExpressionWrapper(F("handed_in_on") - F("occurred_on"), output_field=DurationField())
    joined = GiftRecord.objects.select_related("official__person", "official__unit", "giver_enterprise")
    rows = joined.annotate(
        handed_in_after=waited,
        late=Case(
            When(disposition=GiftDisposition.PENDING, occurred_on__lte=today - period, then=Value(True)),
            When(disposition=GiftDisposition.HANDED_IN, handed_in_after__gte=period, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )
    if filters.get("unit"):
        rows = rows.filter(official__unit=filters["unit"])
    if filters.get("since"):
        rows = rows.filter(occurred_on__gte=filters["since"])
    if filters.get("until"):
        rows = rows.filter(occurred_on__lte=filters["until"])
    if filters.get("disposition"):
        rows = rows.filter(disposition=filters["disposition"])
    if filters.get("late"):
        rows = rows.filter(late=filters["late"] == "yes")
    return rows.order_by("-occurred_on", "-pk")


def red_flags(*, today: datetime.date | None = None) -> dict:
    """What the discipline office looks at first (article 16: catch problems early)."""
    from .services import rules

    current = rules()
    today = today or clock.today()
    year_ago = today - datetime.timedelta(days=365)
    recent = ActivityRequest.objects.filter(event_date__gte=year_ago)
    repeated = (
        recent.values("official_id", "official__person__name", "enterprises__id", "enterprises__name")
        .annotate(events=Count("id", distinct=True))
        .filter(events__gte=current.repeated_events_threshold)
        .order_by("-events")
    )
    threshold = current.reception_standard_per_head * current.near_limit_percent / 100
    near_limit = (
        recent.filter(cost_per_head__gte=threshold).select_related("official__person").order_by("-event_date")
    )
    late = recent.filter(is_late=True).select_related("official__person").order_by("-event_date")
    overdue = gifts_overdue(days=current.gift_hand_in_days, today=today)
    return {
        "repeated": list(repeated),
        "near_limit": list(near_limit),
        "late": list(late),
        "gifts_overdue": list(overdue),
        "threshold": threshold,
        "rules": current,
    }


def leads() -> QuerySet[Lead]:
    return Lead.objects.select_related("official__person", "recusal", "activity")


def missing_annual_confirmations(year: int | None = None):
    """Active officials who have not confirmed their related persons for ``year``."""
    from qinqing.directory.models import Official

    from .models import AnnualConfirmation

    year = year or clock.today().year
    confirmed = AnnualConfirmation.objects.filter(year=year).values("official_id")
    return Official.objects.filter(is_active=True).exclude(pk__in=confirmed).select_related("person", "unit")


def _duty_began():
    """The day the official's first recorded post began (``OfficialPosition``), as a subquery (None: none
    recorded, the official counts from the register's first year)."""
    from django.db.models import Min, OuterRef, Subquery

    from qinqing.directory.models import OfficialPosition

    return Subquery(
        OfficialPosition.objects.filter(official=OuterRef("pk"))
        .order_by()
        .values("official")
        .annotate(first=Min("start_date"))
        .values("first")[:1]
    )


def confirmation_years(official) -> range:
    """The years ``official`` confirms their related persons for (article 15): from the year their duty began
    (their first recorded post) or the register's first year (``CONFIRMATIONS_SINCE``, data:
    conduct/time_limits.py), whichever is later, to this year."""
    from qinqing.directory.models import OfficialPosition

    from .time_limits import CONFIRMATIONS_SINCE

    since = CONFIRMATIONS_SINCE.value()
    began = (
        OfficialPosition.objects.filter(official=official)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    first = max(since, began.year if began else since)
    return range(first, clock.today().year + 1)


def unconfirmed_years(official) -> list[int]:
    """The years of ``confirmation_years`` the official has not confirmed yet, oldest first."""
    from .models import AnnualConfirmation

    years = confirmation_years(official)
    confirmed = AnnualConfirmation.objects.filter(official=official, year__in=list(years))
    done = set(confirmed.values_list("year", flat=True))
    return [year for year in years if year not in done]


def confirmations_missing():
    """The red flags' missing annual confirmations: active officials with any year not confirmed, from the
    year their duty began (or the register's first year, ``CONFIRMATIONS_SINCE``) to this year, each with a
    ``missing_<year>`` flag per year (one query; ``with_missing_years`` lists them). A past year stays
    flagged until the official confirms it, late (``services.annual_confirm``): an official who never
    confirmed 2026 must not drop out of the office's view in 2027, nor in 2028."""
    from django.db.models import Exists, OuterRef

    from qinqing.directory.models import Official

    from .models import AnnualConfirmation
    from .time_limits import CONFIRMATIONS_SINCE

    this_year = clock.today().year

    def confirmed(year):
        return Exists(AnnualConfirmation.objects.filter(official=OuterRef("pk"), year=year))

    rows = Official.objects.filter(is_active=True).annotate(duty_began=_duty_began())
    any_missing = Q(pk__in=[])
    for year in range(CONFIRMATIONS_SINCE.value(), this_year + 1):
        flag = f"missing_{year}"
        # missing: not confirmed, and the official was already in duty that year
        rows = rows.annotate(**{flag: ~confirmed(year)})
        any_missing |= Q(**{flag: True}) & (
            Q(duty_began__isnull=True) | Q(duty_began__lt=datetime.date(year + 1, 1, 1))
        )
    return rows.filter(any_missing).select_related("person", "unit")


def with_missing_years(officials) -> list:
    """The rows of ``confirmations_missing`` given (a page of them), each with ``missing_years``: the years it
    lacks, oldest first, as (year, late) pairs — late: a year that has ended."""
    from .time_limits import CONFIRMATIONS_SINCE

    this_year, since = clock.today().year, CONFIRMATIONS_SINCE.value()
    rows = list(officials)
    for row in rows:
        began = row.duty_began.year if row.duty_began else since
        row.missing_years = [
            (year, year < this_year)
            for year in range(max(began, since), this_year + 1)
            if getattr(row, f"missing_{year}", False)
        ]
    return rows


def supervised_officials(user):
    """The officials in office whose supervising leader is ``user`` (those they may order to recuse)."""
    from qinqing.directory.models import Official

    if not getattr(user, "is_authenticated", False):
        return Official.objects.none()
    return Official.objects.filter(supervising_leader__user=user, is_active=True).select_related(
        "person", "unit"
    )


def gift_with_receipt(user, pk) -> GiftRecord:
    """A handed-in gift with its receipt, for the official concerned or an inspector (NotFound otherwise)."""
    gift = (
        GiftRecord.objects.select_related(
            "official__person", "official__unit", "giver_enterprise", "receipt_issued_by"
        )
        .filter(pk=pk)
        .first()
    )
    if (
        gift is None
        or not gift.receipt_number
        or not (gift.official.user_id == user.pk or is_inspector(user))
    ):
        raise NotFound()
    return gift


# --- what the pages list and open, narrowed to the actor ----------------------------------------------------
def recusals_to_decide(user):
    """Recusal applications and reports awaiting this supervising leader's decision."""
    from .models import Recusal, RecusalStatus

    return Recusal.objects.filter(
        official__supervising_leader__user=user, status__in=[RecusalStatus.PENDING, RecusalStatus.REPORTED]
    ).select_related("official__person")


def access_recusal_to_decide(user, pk):
    """A recusal of an official whose supervising leader is ``user`` (NotFound otherwise)."""
    from .models import Recusal

    recusal = (
        Recusal.objects.filter(pk=pk, official__supervising_leader__user=user)
        .select_related("official")
        .first()
    )
    if recusal is None:
        raise NotFound()
    return recusal


def is_oversight(user) -> bool:
    """District leaders and administrators: they may decide any official's recusal (conduct.access.OVERSIGHT)."""  # noqa: E501
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or has_role(user, *OVERSIGHT)
    )


def recusals_for_oversight(user):
    """For district leaders and administrators: every recusal of an official that is not theirs
    (none for anyone else). Their own recusal is never theirs to decide."""
    from .models import Recusal

    if not is_oversight(user):
        return Recusal.objects.none()
    return Recusal.objects.exclude(official__user=user).select_related(
        "official__person", "official__unit", "official__supervising_leader__person", "enterprise"
    )


def recusals_pending_for_oversight(user):
    """Recusal applications and reports awaiting a decision, oldest first, for district leaders and administrators."""  # noqa: E501
    from .models import RecusalStatus

    return (recusals_for_oversight(user).filter(status__in=[RecusalStatus.PENDING, RecusalStatus.REPORTED])
            .order_by("created_at", "pk"))


def access_recusal_for_oversight(user, pk):
    """Any official's recusal but the user's own, decided or not, for oversight (NotFound otherwise)."""
    recusal = recusals_for_oversight(user).filter(pk=pk).first()
    if recusal is None:
        raise NotFound()
    return recusal


def recusals_ordered_by(user):
    from .models import Recusal, RecusalOrigin

    return Recusal.objects.filter(decided_by=user, origin=RecusalOrigin.ORDERED).select_related(
        "official__person"
    )


def recusals_of(user):
    """The recusals of the official behind ``user`` (none for an account without an official record)."""
    from .models import Recusal

    official = official_for_user(user)
    if official is None:
        return Recusal.objects.none()
    return Recusal.objects.filter(official=official)


def access_own_recusal(user, pk):
    """One of ``user``'s own recusals (NotFound for anyone else's)."""
    recusal = recusals_of(user).filter(pk=pk).first()
    if recusal is None:
        raise NotFound()
    return recusal


def access_gift_for_hand_in(user, pk) -> GiftRecord:
    """A gift record for the discipline office to take in (NotFound for others, or a missing gift)."""
    gift = GiftRecord.objects.filter(pk=pk).first() if is_inspector(user) else None
    if gift is None:
        raise NotFound()
    return gift


def related_persons_of(official):
    from qinqing.directory.models import RelatedPerson

    return RelatedPerson.objects.filter(official=official).select_related("person")


def own_conflicts(official) -> list:
    """The conflicts shown to the official themselves (their related-persons page): the conflict gate's own
    (``conflicts.find_conflicts``). Through a person they declared under a name that is not the name of
    record, those are the holdings they declared for that relative, under the name they gave — never the
    record's name or ties, which would tell them whose the number is and that it was on record: the page
    reads the same as for a number new to the directory."""
    from .conflicts import find_conflicts

    return find_conflicts(official=official)


def declarations(*, names: str = "") -> QuerySet:
    """Every related-person declaration, newest first, for the discipline office (INSPECTORS). ``names``:
    "differ" those whose declared name is not the name of record and is not resolved yet, "resolved" those
    resolved."""
    from .models import RelatedPersonDeclaration

    rows = RelatedPersonDeclaration.objects.select_related(
        "official__person", "official__unit", "related_person__person", "name_resolved_by"
    )
    if names == "differ":
        return rows.filter(name_differs=True, name_resolved_at__isnull=True)
    if names == "resolved":
        return rows.filter(name_differs=True, name_resolved_at__isnull=False)
    return rows


def with_holdings(declarations) -> list:
    """The declarations given, each with ``holdings_shown``: the holdings and offices declared with it, as
    "enterprise (role, share %)" texts — the enterprises' names read in one query for them all."""
    from qinqing.directory.models import Enterprise

    rows = list(declarations)
    ids = {holding.get("enterprise_id") for row in rows for holding in row.holdings or []}
    names = dict(Enterprise.objects.filter(pk__in=ids - {None}).values_list("pk", "name"))
    for row in rows:
        shown = []
        for holding in row.holdings or []:
            share = f"{holding['share_percent']}%" if holding.get("share_percent") else ""
            detail = "，".join(part for part in (holding.get("role", ""), share) if part)
            name = names.get(holding.get("enterprise_id"), "")
            shown.append(f"{name}（{detail}）" if detail else name)
        row.holdings_shown = shown
    return rows


def access_declaration(pk):
    """A declaration for the discipline office's list (every declaration; NotFound for none)."""
    from .models import RelatedPersonDeclaration

    declaration = RelatedPersonDeclaration.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if declaration is None:
        raise NotFound()
    return declaration


def annual_confirmation(official, year: int | None = None):
    from .models import AnnualConfirmation

    return AnnualConfirmation.objects.filter(official=official, year=year or clock.today().year).first()


def pledge_enterprise(user):
    """The enterprise a pledge page acts for: the user's first enterprise (NotFound without one)."""
    from qinqing.directory.models import EnterpriseMembership

    membership = EnterpriseMembership.objects.filter(user=user).select_related("enterprise").first()
    if membership is None:
        raise NotFound()
    return membership.enterprise


def signed_pledges():
    return IntegrityPledge.objects.select_related("enterprise")
