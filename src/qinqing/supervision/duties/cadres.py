"""Article 16's 突出“关键少数”: the discipline office's view of the leading cadres' dealings with enterprises.

For each leading cadre in office (``directory.Official.is_leading_cadre``): in the chosen months, the
enterprise activities they asked approval for (conduct, article 14) and how many carried a rule finding or
were filed late, the gifts from enterprises they recorded and how many are not yet handed in (article 15),
their recusals, the conduct leads about them, the reminder talks held with them (article 16) and still open,
whether this year's related-person confirmation is made and which earlier years they never confirmed (the
same years the red flags show, ``conduct.selectors.confirmations_missing``). The signals (findings, late
filings, gifts not handed in, leads, open reminders, earlier years not confirmed) put the cadres who need a
look first. Counts only: what each row is about stays behind its own page and its own access rules; reports
naming a cadre are not counted here (their subjects are sealed to the assigned inspectors)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from qinqing.core import clock

PERIODS = (3, 6, 12)  # months to look back


@dataclass
class CadreRow:
    official: object
    activities: int = 0
    flagged_activities: int = 0
    gifts: int = 0
    gifts_pending: int = 0
    recusals: int = 0
    leads: int = 0
    reminders: int = 0
    reminders_open: int = 0
    confirmed: bool = False
    unconfirmed_before: list[int] = field(default_factory=list)  # ended years never confirmed, oldest first
    signals: int = field(default=0)


def _counts(queryset, date_field: str, since, **extra) -> dict[int, dict]:
    rows = queryset.filter(
        **{f"{date_field}__gte": since}, official__is_leading_cadre=True, official__is_active=True
    )
    return {
        row.pop("official_id"): row for row in rows.values("official_id").annotate(n=Count("pk"), **extra)
    }


def key_minority(months: int = 12, today: datetime.date | None = None) -> list[CadreRow]:
    """Every leading cadre in office with their counts over the last ``months``, most signals first. A fixed
    number of grouped queries, whatever the number of cadres."""
    from qinqing.conduct.models import (
        ActivityRequest,
        AnnualConfirmation,
        GiftDirection,
        GiftDisposition,
        GiftRecord,
        Lead,
        Recusal,
    )
    from qinqing.conduct.selectors import confirmations_missing, with_missing_years
    from qinqing.directory.models import Official
    from qinqing.supervision.models import EarlyReminder, ReminderStatus

    today = today or clock.today()
    since = today - datetime.timedelta(days=round(months * 30.44))
    since_moment = datetime.datetime.combine(since, datetime.time.min, tzinfo=clock.now().tzinfo)
    activities = _counts(
        ActivityRequest.objects,
        "event_date",
        since,
        flagged=Count("pk", filter=~Q(findings=[]) | Q(is_late=True)),
    )
    gifts = _counts(
        GiftRecord.objects.filter(direction=GiftDirection.RECEIVED),
        "occurred_on",
        since,
        pending=Count("pk", filter=Q(disposition=GiftDisposition.PENDING)),
    )
    recusals = _counts(Recusal.objects, "created_at", since_moment)
    leads = _counts(Lead.objects, "created_at", since_moment)
    reminders = _counts(
        EarlyReminder.objects, "talk_on", since, open=Count("pk", filter=Q(status=ReminderStatus.OPEN))
    )
    confirmed = set(AnnualConfirmation.objects.filter(year=today.year).values_list("official_id", flat=True))
    missing = confirmations_missing().filter(is_leading_cadre=True)
    unconfirmed_before = {
        row.pk: [year for year, late in row.missing_years if late and year < today.year]
        for row in with_missing_years(missing)
    }
    rows = []
    cadres = Official.objects.filter(is_leading_cadre=True, is_active=True).select_related("person", "unit")
    for official in cadres.order_by("unit__code", "pk"):
        pk = official.pk
        row = CadreRow(
            official,
            activities=activities.get(pk, {}).get("n", 0),
            flagged_activities=activities.get(pk, {}).get("flagged", 0),
            gifts=gifts.get(pk, {}).get("n", 0),
            gifts_pending=gifts.get(pk, {}).get("pending", 0),
            recusals=recusals.get(pk, {}).get("n", 0),
            leads=leads.get(pk, {}).get("n", 0),
            reminders=reminders.get(pk, {}).get("n", 0),
            reminders_open=reminders.get(pk, {}).get("open", 0),
            confirmed=pk in confirmed,
            unconfirmed_before=unconfirmed_before.get(pk, []),
        )
        row.signals = (row.flagged_activities + row.gifts_pending + row.leads + row.reminders_open
                       + len(row.unconfirmed_before))
        rows.append(row)
    rows.sort(key=lambda row: -row.signals)  # stable: within equal signals, by unit
    return rows
