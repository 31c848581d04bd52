"""The district's own particulars on every letter: name, seal text, issuing office.

``current()`` is what letters, receipts and pages read; ``district_update`` is the one write (an
administrator on the district page, the demo loader). Until an administrator has saved them,
``current().configured`` is False: the administrator's home page asks for them, and letters
print the gap (〔未设置〕) rather than a made-up "某区".

``language()`` is the district's language (``settings.LANGUAGE_CODE``): what a service stores or
sends for others to read — timeline lines, notices to a submitter, SMS, letters, register
entries — is written in it, whatever language the page of the user who caused it is in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .. import audit, clock
from ..errors import ServiceError


def language():
    """Write in the district's language (a context manager): a handler whose pages are in
    English still leaves the enterprise a timeline line and an SMS in Chinese. Errors raised
    inside keep the reader's language when their messages are lazy (``gettext_lazy``)."""
    return translation.override(settings.LANGUAGE_CODE)


LIMITS = {"district_name": 40, "seal_text": 40, "issuing_office": 60, "helpdesk": 100}


@dataclass(frozen=True)
class District:
    district_name: str
    seal_text: str
    issuing_office: str
    configured: bool
    helpdesk: str = ""

    def show(self, field: str) -> str:
        """The value for a printed document, or the visible gap when it is not set."""
        return getattr(self, field) or _("[not set]")


def current() -> District:
    from ..models import DistrictSettings

    row = DistrictSettings.objects.order_by("pk").first()
    if row is not None:
        return District(row.district_name, row.seal_text, row.issuing_office, True, row.helpdesk)
    # Before the first save: a name given to the deployment (QINQING_DISTRICT_NAME), else nothing.
    return District(os.environ.get("QINQING_DISTRICT_NAME", ""), "", "", False)


def _labels() -> dict[str, str]:
    return {
        "district_name": _("District name"),
        "seal_text": _("Seal text"),
        "issuing_office": _("Issuing office"),
        "helpdesk": _("How to reach an administrator"),
    }


def district_update(*, actor, district_name: str, seal_text: str, issuing_office: str, helpdesk: str = ""):
    """Save the district's particulars (one row), audited with before and after. ``helpdesk``
    (optional) is shown where a user is stuck, e.g. on the lockout page."""
    from ..models import DistrictSettings

    values = {"district_name": (district_name or "").strip(), "seal_text": (seal_text or "").strip(),
              "issuing_office": (issuing_office or "").strip(), "helpdesk": (helpdesk or "").strip()}
    labels = _labels()
    for field, value in values.items():
        if not value and field != "helpdesk":
            raise ServiceError(
                _("%(field)s is required."), code="required", field=field, params={"field": labels[field]}
            )
        if len(value) > LIMITS[field]:
            raise ServiceError(
                _("%(field)s may be at most %(limit)d characters long."),
                code="too_long",
                field=field,
                params={"field": labels[field], "limit": LIMITS[field]},
            )
    with transaction.atomic():
        row = DistrictSettings.objects.select_for_update().order_by("pk").first()
        if row is None:
            row = DistrictSettings.objects.create(**values, updated_at=clock.now())
            audit.record_event(actor=actor, action="core.district.update", instance=row, before=None)
            return row
        before = audit.snapshot(row)
        for field, value in values.items():
            setattr(row, field, value)
        row.updated_at = clock.now()
        row.save()
        audit.record_event(actor=actor, action="core.district.update", instance=row, before=before)
    return row
