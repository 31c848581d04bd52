"""Integrity records (article 21): facts about an enterprise or its head, with source, evidence and expiry."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, limits
from qinqing.core.errors import ServiceError

from ..models import POSITIVE_KINDS, ExternalList, IntegrityRecord, Polarity, RecordKind
from . import evaluation
from ._party import party_fields


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


RECORD_YEARS = 30  # an outside list or a conviction may be that old; nothing older is a typo's date


def check_record_fields(*, title, source, evidence, name, occurred_on, expires_on) -> None:
    """Lengths by purpose and dates within sense (core.limits), naming the field refused."""
    limits.check_text(title, field="title", label=_("Title"), limit=limits.DESCRIPTION)
    limits.check_text(source, field="source", label=_("Source"), limit=limits.PLACE)
    limits.check_text(evidence, field="evidence", label=_("Evidence"), limit=limits.REASON)
    limits.check_text(name, field="name", label=_("Name"), limit=limits.PLACE)
    limits.past_date(occurred_on, field="occurred_on", label=_("Date"), years=RECORD_YEARS)
    limits.check_date(expires_on, field="expires_on", label=_("Expires on"),
                      not_after=clock.today() + RECORD_YEARS * limits.YEAR)


def record_add(
    *,
    kind: str,
    title: str,
    source: str,
    occurred_on: datetime.date,
    actor,
    enterprise=None,
    person=None,
    uscc: str = "",
    id_number: str = "",
    name: str = "",
    evidence: str = "",
    expires_on: datetime.date | None = None,
    external_list: str = "",
    listing=None,
) -> IntegrityRecord:
    """Add a record; its polarity follows from its kind (honours, clean records and kept pledges are positive)."""  # noqa: E501
    if kind not in RecordKind.values:
        raise ServiceError(
            _("Unknown record kind %(kind)s."), code="invalid_kind", field="kind", params={"kind": kind}
        )
    if external_list and external_list not in ExternalList.values:
        raise ServiceError(
            _("Unknown outside list %(list)s."),
            code="invalid_list",
            field="external_list",
            params={"list": external_list},
        )
    if kind == RecordKind.EXTERNAL_LIST and not external_list:
        raise ServiceError(
            _("Name the outside list the record comes from."), code="required", field="external_list"
        )
    for value, field, label in ((title, "title", _("Title")), (source, "source", _("Source"))):
        if not (value or "").strip():
            raise ServiceError(
                _("%(field)s is required."), code="required", field=field, params={"field": label}
            )
    if occurred_on is None:
        raise ServiceError(
            _("%(field)s is required."), code="required", field="occurred_on", params={"field": _("Date")}
        )
    check_record_fields(title=title, source=source, evidence=evidence, name=name, occurred_on=occurred_on,
                        expires_on=expires_on)
    if expires_on is not None and expires_on < occurred_on:
        raise ServiceError(
            _("The expiry date cannot be before the record's date."),
            code="expires_before",
            field="expires_on",
        )
    party = party_fields(enterprise=enterprise, person=person, uscc=uscc, id_number=id_number, name=name)
    polarity = Polarity.POSITIVE if kind in POSITIVE_KINDS else Polarity.NEGATIVE
    with transaction.atomic():
        record = IntegrityRecord.objects.create(
            **party,
            kind=kind,
            polarity=polarity,
            external_list=external_list,
            title=title.strip(),
            source=source.strip(),
            evidence=(evidence or "").strip(),
            occurred_on=occurred_on,
            expires_on=expires_on,
            listing=listing,
            recorded_by=_user(actor),
        )
        audit.record_event(
            actor=actor, action="integrity.record.add", instance=record, details={"article": "21"}
        )
        evaluation.recompute_for(uscc=record.uscc, id_index=record.id_index, trigger="integrity.record.add")
    return record


def record_withdraw(*, record: IntegrityRecord, reason: str, actor) -> IntegrityRecord:
    limits.check_text(reason, field="reason", label=_("Reason"), limit=limits.REASON)
    if not (reason or "").strip():
        raise ServiceError(
            _("%(field)s is required."), code="required", field="reason", params={"field": _("Reason")}
        )
    with transaction.atomic():
        locked = IntegrityRecord.objects.select_for_update().get(pk=record.pk)
        if locked.withdrawn_on is not None:
            raise ServiceError(
                _("This record was already withdrawn."), code="already_withdrawn", field="record"
            )
        before = audit.snapshot(locked)
        locked.withdrawn_on = clock.today()
        locked.withdrawn_reason = reason.strip()
        locked.save(update_fields=["withdrawn_on", "withdrawn_reason"])
        audit.record_event(
            actor=actor,
            action="integrity.record.withdraw",
            instance=locked,
            before=before,
            details={"article": "21"},
        )
        evaluation.recompute_for(
            uscc=locked.uscc, id_index=locked.id_index, trigger="integrity.record.withdraw"
        )
    return locked

