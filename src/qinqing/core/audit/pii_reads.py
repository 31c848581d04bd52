"""Reads of protected personal data, on record (issue 19).

Personal identifiers are encrypted at rest and masked in lists; where a page shows one in
clear to a member of staff, the read is an audit event. What is recorded where:

* a resident ID revealed on a person's page: ``directory.person.reveal_id``
  (``directory.services.person_reveal_resident_id``);
* a real-name report's reporter opened by an inspector: ``supervision.report.read``;
* the mail room's list of reply letters (addressees' names and postal addresses):
  ``appeals.reply_letter.addresses_read`` (here), and their printing is the
  ``appeals.reply_letter.print`` event of each letter;
* the acknowledgement an operator prints or reads out for a paper/phone filing (the
  sender's name and postal address): ``appeals.appeal.contact_read`` (here).

Read events name the object as ``<model label>#read`` (not the model's own label): an event
under an audited model's label must carry the row's digest for ``audit verify``'s record
check, and a read changes nothing. The object's id and what was shown (never the values) go
in the event.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .. import audit


def record_read(*, actor, action: str, model, object_id: Any, details: dict[str, Any] | None = None):
    """One event saying ``actor`` was shown personal data of ``model`` row ``object_id``."""
    with transaction.atomic():
        return audit.record_event(
            actor=actor,
            action=action,
            object_type=f"{model._meta.label}#read",
            object_id=object_id,
            details=details or {},
        )
