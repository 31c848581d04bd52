"""Declarations: the enterprise's integrity pledge (15.b1–15.b6), related persons (15.2–15.4)
and the official's annual confirmation."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qinqing.core import audit, clock, limits
from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.directory.models import Enterprise, Official

from .actors import _user_of
from .config import rules

# --- integrity pledge (15.b1–15.b6) -----------------------------------------------------------------
PLEDGE_REQUIREMENTS = ["15.b1", "15.b2", "15.b3", "15.b4", "15.b5", "15.b6"]


def pledge_sign(*, enterprise: Enterprise, signatory_name: str, accepted: list[str], actor):
    """An enterprise's head signs the integrity pledge online, accepting all six requirements."""
    from qinqing.directory.models import EnterpriseMembership

    from ..models import IntegrityPledge

    user = _user_of(actor)
    if user is None or not EnterpriseMembership.objects.filter(user=user, enterprise=enterprise).exists():
        raise PermissionDeniedError(
            _("Only an account acting for this enterprise may sign its pledge."), field="enterprise"
        )
    missing = [key for key in PLEDGE_REQUIREMENTS if key not in (accepted or [])]
    if missing:
        raise ServiceError(
            _("Accept each of the six requirements (missing: %(missing)s)."),
            code="requirements_missing",
            field="accepted",
            params={"missing": ", ".join(missing)},
        )
    if not (signatory_name or "").strip():
        raise ServiceError(
            _("%(field)s is required."),
            code="required",
            field="signatory_name",
            params={"field": _("Signed by")},
        )
    with transaction.atomic():
        if IntegrityPledge.objects.filter(enterprise=enterprise).exists():
            raise ServiceError(
                _("This enterprise has already signed the integrity pledge."),
                code="already_signed",
                field="enterprise",
            )
        pledge = IntegrityPledge.objects.create(
            enterprise=enterprise,
            signed_by=user,
            signatory_name=signatory_name.strip(),
            signed_on=clock.today(),
            requirements=PLEDGE_REQUIREMENTS,
        )
        audit.record_event(
            actor=actor, action="conduct.pledge.sign", instance=pledge, before=None, details={"article": "15"}
        )
    return pledge


# --- related-person declarations (15.2–15.4) --------------------------------------------------------
def related_person_declare(
    *,
    official: Official,
    name: str,
    relationship: str,
    actor,
    resident_id: str = "",
    phone: str = "",
    occupation: str = "",
    changed_on=None,
    holdings: list[dict] | None = None,
):
    """The official declares a related person with their job, offices and shareholdings.

    Writes go through the directory services (Person, RelatedPerson, EnterpriseLink of kind
    ``declared_interest``); this records the declaration and whether it came within the period.
    ``holdings``: ``[{"enterprise": Enterprise, "role": "...", "share_percent": "12.5"}]``.

    Declared under a name that is not the name of record of the person holding the number, the holdings
    are the official's word about the relative they named, not about that person: they belong to this
    declaration's relation (kept in the declaration's ``holdings``, read by ``conflicts.find_conflicts``
    through the relation) and are not put on the person of record, whose ties and other officials'
    conflicts they would otherwise change. The same rules apply to them either way (the answer may not
    tell whether the number was on record).
    """
    from qinqing.directory import services as directory_services
    from qinqing.directory.models import EnterpriseLink, LinkKind

    from ..models import RelatedPersonDeclaration

    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(
            _("Only the official themselves may declare their related persons."), field="official"
        )
    today = clock.today()
    changed_on = changed_on or today
    # Checked here, before the number is looked up: a rule applied only to a new person would answer
    # differently for a number on record.
    name = limits.check_text(
        name, field="name", label=pgettext_lazy("person", "Name"), limit=limits.NAME, required=True
    )
    limits.past_date(changed_on, field="changed_on", label=_("Change happened on"), years=30)
    limits.check_text(occupation, field="occupation", label=_("Job and office"), limit=limits.PLACE)
    for holding in holdings or []:
        limits.check_text(
            holding.get("role", ""), field="holding_role", label=_("Role or office held"), limit=limits.PLACE
        )
    # A link's rules, whoever the holdings end up on (the person, or the relation alone).
    checked = directory_services.enterprise_links_check(
        [
            EnterpriseLink(
                enterprise=holding["enterprise"],
                kind=LinkKind.DECLARED_INTEREST,
                role=holding.get("role", ""),
                share_percent=holding.get("share_percent") or None,
                source="declaration",
            )
            for holding in holdings or []
        ]
    )
    with transaction.atomic():
        # The official is not the directory's keeper: a number already on record keeps its name (and
        # phone), whatever name the official gives. The declaration is accepted all the same, linked to the
        # person holding the number (conflict screening goes by the number), and keeps the name given: the
        # official is answered and shown alike whether the number was on record or not, and the discipline
        # office sees the difference (``name_differs``) and resolves it.
        person = directory_services.person_find_or_create(
            name=name, resident_id=resident_id, phone=phone, actor=actor, renames=False
        )
        name_differs = person.name != name
        related, _created = directory_services.related_person_upsert(
            official=official,
            person=person,
            relationship=relationship,
            occupation=occupation,
            declared_on=today,
            declared_name=name,
            actor=actor,
        )
        declared = []
        for holding, rule_checked in zip(holdings or [], checked, strict=True):
            if name_differs:  # the relation's alone: no link on the person of record
                declared.append(
                    {
                        "enterprise_id": holding["enterprise"].pk,
                        "link_id": None,
                        "role": rule_checked.role,
                        "share_percent": str(holding.get("share_percent") or ""),
                    }
                )
                continue
            link, _created = directory_services.enterprise_link_upsert(
                person=person,
                enterprise=holding["enterprise"],
                kind=LinkKind.DECLARED_INTEREST,
                role=holding.get("role", ""),
                share_percent=holding.get("share_percent") or None,
                source="declaration",
                actor=actor,
            )
            declared.append(
                {
                    "enterprise_id": holding["enterprise"].pk,
                    "link_id": link.pk,
                    "role": rule_checked.role,
                    "share_percent": str(holding.get("share_percent") or ""),
                }
            )
        declaration = RelatedPersonDeclaration.objects.create(
            official=official, related_person=related, changed_on=changed_on, declared_on=today,
            is_late=(today - changed_on).days > rules().related_change_days, holdings=declared,
            declared_name=name, name_differs=name_differs,
        )
        audit.record_event(
            actor=actor,
            action="conduct.declaration.create",
            instance=declaration,
            before=None,
            details={"article": "15"},
        )
    return declaration


def declaration_name_resolve(*, declaration, note: str, actor):
    """The discipline office records how a declaration under a name that is not the name of record was
    resolved (``note``: checked with the official, the directory corrected by its keeper, the relation
    ended…). Only once per declaration, and only for one whose name differs."""
    from qinqing.core.roles import has_role

    from ..access import INSPECTORS
    from ..models import RelatedPersonDeclaration

    user = _user_of(actor)
    if user is None or not (user.is_superuser or has_role(user, *INSPECTORS)):
        raise PermissionDeniedError(
            _("Only the discipline office may resolve a declaration's name."), field="resolve"
        )
    note = limits.check_text(
        note, field="note", label=_("How it was resolved"), limit=limits.REASON, required=True
    )
    with transaction.atomic():
        locked = RelatedPersonDeclaration.objects.select_for_update().get(pk=declaration.pk)
        if not locked.name_differs or locked.name_resolved_at is not None:
            raise ConflictError(
                _("This declaration has no name difference left to resolve."),
                code="nothing_to_resolve",
                field="resolve",
            )
        before = audit.snapshot(locked)
        locked.name_resolved_at, locked.name_resolved_by, locked.name_resolution = clock.now(), user, note
        locked.save(update_fields=["name_resolved_at", "name_resolved_by", "name_resolution"])
        audit.record_event(
            actor=actor,
            action="conduct.declaration.resolve_name",
            instance=locked,
            before=before,
            details={"article": "15"},
        )
    return locked


def annual_confirm(*, official: Official, actor, year: int | None = None):
    """The official confirms their declared related persons are complete for ``year`` (this year by
    default). Any year not confirmed since their duty began (``selectors.confirmation_years``) may be
    confirmed late: the confirmation is marked ``is_late`` and the audit event says so. The page opened
    before midnight on 31 December and sent after it confirms the year it showed."""
    from .. import selectors
    from ..models import AnnualConfirmation

    if _user_of(actor) is None or official.user_id != actor.pk:
        raise PermissionDeniedError(
            _("Only the official themselves may confirm their declaration."), field="official"
        )
    this_year = clock.today().year
    year = year or this_year
    years = selectors.confirmation_years(official)
    if year not in years:
        raise ServiceError(
            _("The year must be between %(low)d and %(high)d."),
            code="out_of_range",
            field="year",
            params={"low": years.start, "high": this_year},
        )
    late = year < this_year
    with transaction.atomic():
        if AnnualConfirmation.objects.filter(official=official, year=year).exists():
            raise ServiceError(
                _("You have already confirmed your declaration for %(year)s."),
                code="already_confirmed",
                field="year",
                params={"year": year},
            )
        confirmation = AnnualConfirmation.objects.create(
            official=official, year=year, confirmed_at=clock.now(), is_late=late
        )
        audit.record_event(
            actor=actor,
            action="conduct.annual_confirmation.create",
            instance=confirmation,
            before=None,
            details={"article": "15", "late": late},
        )
    return confirmation
