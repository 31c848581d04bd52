"""The blacklist (article 21): listing decisions, their restrictions, the notice, objections and early removal.

A listing is one decision about one party (an enterprise by USCC or a person by resident ID)
with grounds, evidence, decider, document number (``core.numbering`` unless the decision
already has one) and article citation, imposing one or more of the article's restrictions,
each with its own start and end. Restrictions end on their own at their end date (the
eligibility check compares dates); an upheld objection revokes the listing and an early
removal (credit repair) ends it, both from the day of the decision, on ``core.workflow``.
"""  # noqa: E501

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, limits, numbering, workflow
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow
from qinqing.directory.models import EnterpriseMembership

from ..models import (
    CATEGORY_OF,
    Activity,
    Application,
    ApplicationKind,
    ApplicationStatus,
    IntegrityRecord,
    Listing,
    ListingKind,
    ListingNotice,
    ListingStatus,
    Polarity,
    Publication,
    RecordKind,
    Restriction,
)
from ..time_limits import LISTING_MINIMUM, LISTING_OBJECTION
from . import evaluation, notices
from ._party import party_fields

LISTING_SERIES = numbering.Series("integrity.listing", "亲清信决〔{period}〕{number:04d}号", numbering.yearly)
# decisions on objections and credit-repair applications, printed on the letter to the party
APPLICATION_SERIES = numbering.Series(
    "integrity.application_decision", "亲清信复〔{period}〕{number:04d}号", numbering.yearly
)
CATEGORY_NUMERALS = {1: "(一)", 2: "(二)", 3: "(三)"}


def article_citation(listing_article: str, activity: str) -> str:
    """第二十一条(一) style citation of the restriction an activity belongs to."""
    return f"{listing_article}{CATEGORY_NUMERALS[CATEGORY_OF[activity]]}"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def _is_credit_administrator(actor, _obj=None) -> bool:
    return bool(getattr(actor, "is_superuser", False)) or (
        getattr(actor, "is_authenticated", False) and has_role(actor, Role.CREDIT_ADMINISTRATOR))


MAX_PERIOD_DAYS = 3650  # objection and minimum periods: ten years is already more than any rule sets
LISTING_YEARS = 20  # a decision (or an imported one) may be that old, a restriction end that far ahead


def check_listing_fields(*, grounds, evidence, number, name, decider_name, decided_on) -> None:
    """Lengths by purpose and dates within sense (core.limits), naming the field refused."""
    limits.check_text(grounds, field="grounds", label=_("Grounds"), limit=limits.REASON)
    limits.check_text(evidence, field="evidence", label=_("Evidence"), limit=limits.REASON)
    limits.check_text(number, field="number", label=_("Decision document number"), limit=64)
    limits.check_text(name, field="name", label=_("Name"), limit=limits.PLACE)
    limits.check_text(decider_name, field="decider_name", label=_("Decider"), limit=limits.PLACE)
    limits.past_date(decided_on, field="decided_on", label=_("Decided on"), years=LISTING_YEARS)


def clean_restrictions(
    restrictions, *, field: str = "restrictions"
) -> list[tuple[str, datetime.date, datetime.date]]:
    """``[(activity, start, end)]`` (or dicts with those keys), checked: known activity, end on or after start, no repeats."""  # noqa: E501
    cleaned, seen = [], set()
    for item in restrictions or []:
        activity, start, end = (
            (item["activity"], item["start"], item["end"]) if isinstance(item, dict) else item
        )
        activity = str(activity)
        if activity not in Activity.values:
            raise ServiceError(
                _("Unknown activity %(activity)s; use one of: %(allowed)s."),
                code="unknown_activity",
                field=field,
                params={"activity": activity, "allowed": ", ".join(Activity.values)},
            )
        if start is None or end is None:
            raise ServiceError(
                _("Each restriction needs a start and an end date (article 21)."),
                code="required",
                field=field,
            )
        limits.check_date(start, field="start", label=_("Restrictions start"),
                          not_before=clock.today() - LISTING_YEARS * limits.YEAR,
                          not_after=clock.today() + limits.YEAR)
        limits.check_date(end, field="end", label=_("Restrictions end"),
                          not_after=clock.today() + LISTING_YEARS * limits.YEAR)
        if end < start:
            raise ServiceError(
                _("The restriction on %(activity)s ends before it starts."),
                code="end_before_start",
                field=field,
                params={"activity": Activity(activity).label},
            )
        if activity in seen:
            raise ServiceError(
                _("%(activity)s is restricted twice in one decision."),
                code="duplicate_activity",
                field=field,
                params={"activity": Activity(activity).label},
            )
        seen.add(activity)
        cleaned.append((activity, start, end))
    if not cleaned:
        raise ServiceError(
            _("A listing imposes at least one of article 21's restrictions."), code="required", field=field
        )
    return cleaned


def notice_text(listing: Listing, restrictions: list[Restriction]) -> str:
    lines = [
        _t(
            "%(name)s: by decision %(number)s of %(date)s you are listed as %(kind)s under "
            "article %(article)s."
        )
        % {
            "name": listing.name,
            "number": listing.number,
            "date": listing.decided_on.isoformat(),
            "kind": listing.get_kind_display(),
            "article": listing.article,
        },
        _t("Grounds: %(grounds)s") % {"grounds": listing.grounds},
    ]
    lines += [
        _t("Restricted: %(activity)s from %(start)s to %(end)s.")
        % {"activity": r.get_activity_display(), "start": r.start.isoformat(), "end": r.end.isoformat()}
        for r in restrictions
    ]
    lines.append(
        _t("You may object until %(until)s; you may apply for credit repair or early removal from %(from)s.")
        % {"until": listing.objection_until.isoformat(), "from": listing.repair_from.isoformat()}
    )
    return "\n".join(lines)


def listing_decide(
    *,
    kind: str,
    grounds: str,
    restrictions,
    actor,
    enterprise=None,
    person=None,
    uscc: str = "",
    id_number: str = "",
    name: str = "",
    evidence: str = "",
    decided_on: datetime.date | None = None,
    number: str = "",
    decider_name: str = "",
    article: str = "21",
    publication: str = Publication.AUTHORITIES,
    objection_days: int | None = None,
    minimum_days: int | None = None,
    source: str = "decision",
) -> Listing:
    """List a party (article 21): the decision, its restrictions, an integrity record and the notice, in one transaction."""  # noqa: E501
    if kind not in ListingKind.values:
        raise ServiceError(
            _("Unknown grounds type %(kind)s."), code="invalid_kind", field="kind", params={"kind": kind}
        )
    if not (grounds or "").strip():
        raise ServiceError(_("The grounds are required (article 21)."), code="required", field="grounds")
    if publication not in Publication.values:
        raise ServiceError(
            _("Unknown publication scope %(value)s."),
            code="invalid_publication",
            field="publication",
            params={"value": publication},
        )
    # the decision's own periods; none given (the API, an import): the administrator's defaults
    objection_days = LISTING_OBJECTION.value() if objection_days is None else objection_days
    minimum_days = LISTING_MINIMUM.value() if minimum_days is None else minimum_days
    if objection_days < 0 or minimum_days < 0:
        raise ServiceError(_("Periods cannot be negative."), code="invalid_period", field="objection_days")
    if objection_days > MAX_PERIOD_DAYS or minimum_days > MAX_PERIOD_DAYS:
        raise ServiceError(
            _("A period may be at most %(days)d days."),
            code="invalid_period",
            field="objection_days" if objection_days > MAX_PERIOD_DAYS else "minimum_days",
            params={"days": MAX_PERIOD_DAYS},
        )
    check_listing_fields(grounds=grounds, evidence=evidence, number=number, name=name,
                         decider_name=decider_name, decided_on=decided_on)
    cleaned = clean_restrictions(restrictions)
    party = party_fields(enterprise=enterprise, person=person, uscc=uscc, id_number=id_number, name=name)
    decided_on = decided_on or clock.today()
    number = (number or "").strip()
    user = _user(actor)
    with transaction.atomic():
        if number and Listing.objects.filter(number=number).exists():
            raise ConflictError(
                _("A listing with document number %(number)s already exists."),
                code="duplicate_number",
                field="number",
                params={"number": number},
            )
        number = number or numbering.take(LISTING_SERIES, decided_on).text
        first_start = min(start for _a, start, _e in cleaned)
        listing = Listing.objects.create(
            **party,
            number=number,
            kind=kind,
            grounds=grounds.strip(),
            evidence=(evidence or "").strip(),
            article=article,
            decided_on=decided_on,
            decided_by=user,
            decider_name=(decider_name or "").strip() or (user.get_username() if user else ""),
            objection_until=decided_on + datetime.timedelta(days=objection_days),
            repair_from=first_start + datetime.timedelta(days=minimum_days),
            publication=publication,
            source=source,
        )
        rows = Restriction.objects.bulk_create(
            [Restriction(listing=listing, activity=a, start=s, end=e) for a, s, e in cleaned]
        )
        rows = list(Restriction.objects.filter(listing=listing))
        record = IntegrityRecord.objects.create(
            **party,
            kind=RecordKind.LISTING,
            polarity=Polarity.NEGATIVE,
            title=f"{listing.get_kind_display()}（{number}）",
            source=_t("Blacklist decision %(number)s") % {"number": number},
            evidence=listing.grounds,
            occurred_on=decided_on,
            expires_on=max(r.end for r in rows),
            listing=listing,
            recorded_by=user,
        )
        has_account = (
            party["enterprise"] is not None
            and EnterpriseMembership.objects.filter(enterprise=party["enterprise"]).exists()
        )
        notice_events = notices.send(
            listing, rows, text=notice_text(listing, rows), has_account=has_account
        )
        details = {"article": article}
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "integrity.listing.decide",
                    "instance": listing,
                    "before": None,
                    "details": details,
                },
                *(
                    {
                        "actor": actor,
                        "action": "integrity.restriction.impose",
                        "instance": r,
                        "before": None,
                        "details": {"article": article_citation(article, r.activity)},
                    }
                    for r in rows
                ),
                {
                    "actor": actor,
                    "action": "integrity.record.add",
                    "instance": record,
                    "before": None,
                    "details": details,
                },
                *(
                    {"actor": actor, "action": "integrity.notice.write", "before": None, **event}
                    for event in notice_events
                ),
            ]
        )
        evaluation.recompute_for(
            uscc=listing.uscc, id_index=listing.id_index, trigger="integrity.listing.decide"
        )
    return listing


def _may_publish(actor) -> bool:
    return _is_credit_administrator(actor) or (
        getattr(actor, "is_authenticated", False) and has_role(actor, Role.ADMINISTRATOR)
    )


def listing_publication(*, listing: Listing, publication: str, actor) -> Listing:
    """Set who may see an entry (article 21: publication per entry, in the scope an administrator
    chooses): not published, government departments, or the public page. Audited with before/after."""
    if not _may_publish(actor):
        raise PermissionDeniedError(field="publication")
    if publication not in Publication.values:
        raise ServiceError(
            _("Unknown publication scope %(value)s."),
            code="invalid_publication",
            field="publication",
            params={"value": publication},
        )
    with transaction.atomic():
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        if locked.publication == publication:
            return locked
        before = audit.snapshot(locked)
        locked.publication = publication
        locked.save(update_fields=["publication"])
        audit.record_event(
            actor=actor,
            action="integrity.listing.publication",
            instance=locked,
            before=before,
            details={"article": "21"},
        )
    return locked


def notice_delivered(
    *, notice: ListingNotice, delivered_on: datetime.date, note: str, actor
) -> ListingNotice:
    """Record that the notice reached the party (who served it, how): only a person who did it says so."""
    if not _is_credit_administrator(actor):
        raise PermissionDeniedError(field="notice")
    if delivered_on is None or delivered_on > clock.today():
        raise ServiceError(
            _("The delivery date must be today or earlier."), code="invalid_date", field="delivered_on"
        )
    if not (note or "").strip():
        raise ServiceError(_("Say how and to whom the notice was delivered."), code="required", field="note")
    limits.check_text(note, field="note", label=_("How and to whom"), limit=limits.DESCRIPTION)
    limits.past_date(delivered_on, field="delivered_on", label=_("Delivered on"), years=1)
    with transaction.atomic():
        locked = ListingNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.delivered_on is not None:
            raise ConflictError(
                _("The delivery of this notice is already recorded."),
                code="already_delivered",
                field="notice",
            )
        before = audit.snapshot(locked)
        locked.delivered_on, locked.delivery_note = delivered_on, note.strip()
        locked.save(update_fields=["delivered_on", "delivery_note"])
        audit.record_event(
            actor=actor,
            action="integrity.notice.delivered",
            instance=locked,
            before=before,
            details={"article": "21"},
        )
    return locked


# --- objections and credit repair, on the workflow engine ---------------------------------------------------
CREDIT = "credit_administrator"
APPLICATION_WORKFLOW = Workflow(
    name="integrity.application",
    model=Application,
    actors={
        CREDIT: ActorRule(
            _is_credit_administrator, roles=(Role.CREDIT_ADMINISTRATOR,), label=_("credit administrator")
        )
    },
    transitions={
        "grant": Transition(
            (ApplicationStatus.PENDING,),
            ApplicationStatus.GRANTED,
            (CREDIT,),
            "21",
            requires={"reason": _("The reason for the decision")},
        ),
        "refuse": Transition(
            (ApplicationStatus.PENDING,),
            ApplicationStatus.REFUSED,
            (CREDIT,),
            "21",
            requires={"reason": _("The reason for the refusal")},
        ),
    },
)


def may_file_for(actor, listing: Listing) -> bool:
    """The credit administrator (for a party who applied on paper) or a user of the listed enterprise."""
    if _is_credit_administrator(actor):
        return True
    return (
        listing.enterprise_id is not None
        and getattr(actor, "is_authenticated", False)
        and EnterpriseMembership.objects.filter(
            user_id=actor.pk, enterprise_id=listing.enterprise_id
        ).exists()
    )


def application_file(*, listing: Listing, kind: str, text: str, actor, evidence: str = "") -> Application:
    """An objection (until ``objection_until``) or a credit-repair application (from ``repair_from``)."""
    if kind not in ApplicationKind.values:
        raise ServiceError(
            _("Unknown application kind %(kind)s."), code="invalid_kind", field="kind", params={"kind": kind}
        )
    if not may_file_for(actor, listing):
        raise PermissionDeniedError(field="listing")
    if not (text or "").strip():
        raise ServiceError(
            _("%(field)s is required."), code="required", field="text", params={"field": _("Reasons")}
        )
    limits.check_text(text, field="text", label=_("Reasons"), limit=limits.REASON)
    limits.check_text(evidence, field="evidence", label=_("Evidence"), limit=limits.REASON)
    today = clock.today()
    with transaction.atomic():
        locked = Listing.objects.select_for_update().get(pk=listing.pk)
        if locked.status != ListingStatus.IN_FORCE:
            raise ConflictError(
                _("This listing is %(status)s; nothing to apply for (article 21)."),
                code="invalid_transition",
                field="listing",
                params={"status": locked.get_status_display()},
            )
        if kind == ApplicationKind.OBJECTION and today > locked.objection_until:
            raise ServiceError(
                _("The period for objections ended on %(date)s (article 21)."),
                code="objection_period_over",
                field="kind",
                params={"date": locked.objection_until.isoformat()},
            )
        if kind == ApplicationKind.REPAIR:
            if today < locked.repair_from:
                raise ServiceError(
                    _(
                        "Credit repair or early removal may be applied for from %(date)s, after "
                        "the minimum period "
                        "(article 21)."
                    ),
                    code="too_early",
                    field="kind",
                    params={"date": locked.repair_from.isoformat()},
                )
            if not locked.restrictions.filter(end__gte=today, lifted_on__isnull=True).exists():
                raise ServiceError(
                    _("Every restriction of this listing has already ended."),
                    code="nothing_to_remove",
                    field="kind",
                )
        if Application.objects.filter(listing=locked, kind=kind, status=ApplicationStatus.PENDING).exists():
            raise ConflictError(
                _("An application of this kind is already pending."), code="pending", field="kind"
            )
        application = Application.objects.create(
            listing=locked,
            kind=kind,
            text=text.strip(),
            evidence=(evidence or "").strip(),
            filed_on=today,
            filed_by=_user(actor),
        )
        audit.record_event(
            actor=actor,
            action=f"integrity.application.file_{kind}",
            instance=application,
            details={"article": "21"},
        )
    return application


def application_grant(*, application: Application, reason: str, actor) -> Application:
    limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    """Grant: an objection revokes the listing, a repair removes it; restrictions still running end today."""

    def apply(locked: Application) -> Change:
        today = clock.today()
        listing = Listing.objects.select_for_update().get(pk=locked.listing_id)
        if listing.status != ListingStatus.IN_FORCE:
            raise ConflictError(
                _("This listing is %(status)s; nothing to apply for (article 21)."),
                code="invalid_transition",
                field="listing",
                params={"status": listing.get_status_display()},
            )
        events = []
        before = audit.snapshot(listing)
        listing.status = (
            ListingStatus.REVOKED if locked.kind == ApplicationKind.OBJECTION else ListingStatus.REMOVED
        )
        listing.save(update_fields=["status"])
        events.append(
            {
                "actor": actor,
                "action": f"integrity.listing.{listing.status}",
                "instance": listing,
                "before": before,
                "details": {"article": "21", "application": locked.pk},
            }
        )
        why = _t("%(kind)s granted on %(date)s") % {
            "kind": locked.get_kind_display(),
            "date": today.isoformat(),
        }
        for restriction in Restriction.objects.select_for_update().filter(
            listing=listing, lifted_on__isnull=True, end__gte=today
        ):
            before = audit.snapshot(restriction)
            restriction.lifted_on, restriction.lifted_reason = today, why[:300]
            restriction.save(update_fields=["lifted_on", "lifted_reason"])
            events.append(
                {
                    "actor": actor,
                    "action": "integrity.restriction.lift",
                    "instance": restriction,
                    "before": before,
                    "details": {"article": "21"},
                }
            )
        locked.decision_reason, locked.decided_on, locked.decided_by = reason.strip(), today, _user(actor)
        locked.decision_number = numbering.take(APPLICATION_SERIES, today).text
        evaluation.recompute_for(
            uscc=listing.uscc, id_index=listing.id_index, trigger=f"integrity.listing.{listing.status}"
        )
        return Change(["decision_reason", "decided_on", "decided_by", "decision_number"], events=events)

    return workflow.transition(
        APPLICATION_WORKFLOW, application, "grant", actor=actor, apply=apply, data={"reason": reason}
    )


def application_refuse(*, application: Application, reason: str, actor) -> Application:
    limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    def apply(locked: Application) -> Change:
        locked.decision_reason, locked.decided_on, locked.decided_by = (
            reason.strip(),
            clock.today(),
            _user(actor),
        )
        locked.decision_number = numbering.take(APPLICATION_SERIES, locked.decided_on).text
        return Change(["decision_reason", "decided_on", "decided_by", "decision_number"])

    return workflow.transition(
        APPLICATION_WORKFLOW, application, "refuse", actor=actor, apply=apply, data={"reason": reason}
    )
