"""A message in the appeals pool that is really a report moves to supervision, leaving no copy behind.

The supervision office (a discipline inspector) transfers an open appeal that no one has rated,
objected to, extended, escalated or revisited: a sealed report is made from its title, content,
contact and attachments (channel "transferred from the appeals pool"), then the appeal, its
timeline, its attachments (files removed from disk) and its outbox messages are deleted — each
audited row with a deletion event that carries no content. What stays is what the append-only audit
chain already held before the transfer (the appeal's earlier events; contact fields are masked
there, title and content are not) and the appeal's tracking number in that chain.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit
from qinqing.core.errors import NotFound, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role

from . import services
from .models import Category, Channel, Report

log = logging.getLogger(__name__)


def transferable_appeals():
    """Open appeals triaged as "Report (not handled here)": the supervision office's list to look at."""
    from qinqing.appeals.models import OPEN_STATUSES, Appeal
    from qinqing.appeals.models import Category as AppealCategory

    return Appeal.objects.filter(category=AppealCategory.NOT_OURS, status__in=OPEN_STATUSES).order_by(
        "received_at", "pk"
    )


def transfer_from_appeal(*, tracking_number: str, category: str, actor) -> Report:
    from qinqing.appeals.models import OPEN_STATUSES, Appeal, AppealStep, Notification
    from qinqing.appeals.models import Attachment as AppealAttachment

    if not has_role(actor, Role.DISCIPLINE_INSPECTOR):
        raise PermissionDeniedError()
    if category not in Category.values:
        raise ServiceError(_("Choose what the report is about."), code="invalid_category", field="category")
    files_to_remove: list[Path] = []
    with transaction.atomic():
        appeal = (
            Appeal.objects.select_for_update().filter(tracking_number=(tracking_number or "").strip()).first()
        )
        if appeal is None:
            raise NotFound(_("No appeal has this tracking number."), field="tracking_number")
        if appeal.status not in OPEN_STATUSES:
            raise ServiceError(
                _("Only an open appeal can be transferred to supervision."),
                code="invalid_transition",
                field="status",
            )
        blockers = [
            appeal.objections.exists(),
            appeal.extensions.exists(),
            appeal.escalations.exists(),
            appeal.ratings.exists(),
            appeal.revisits.exists(),
            Appeal.objects.filter(merged_into=appeal).exists(),
        ]
        if any(blockers):
            raise ServiceError(
                _(
                    "This appeal already has objections, extensions, escalations, ratings, "
                    "revisits or merged appeals; "
                    "it cannot be moved without losing them."
                ),
                code="not_transferable",
                field="tracking_number",
            )
        attachments = []
        media = Path(settings.MEDIA_ROOT)
        for row in AppealAttachment.objects.filter(appeal=appeal):
            path = media / row.file
            try:
                attachments.append(
                    (row.original_name, row.content_type or "application/octet-stream", path.read_bytes())
                )
            except OSError as error:
                raise ServiceError(
                    _("An attachment of the appeal cannot be read; nothing was moved."),
                    code="attachment_missing",
                    field="tracking_number",
                ) from error
            files_to_remove.append(path)
        real_name = bool(appeal.contact_name and appeal.contact_phone)
        report, _code = services.report_submit(
            text=f"{appeal.title}\n\n{appeal.content}",
            category=category,
            real_name=real_name,
            reporter_name=appeal.contact_name if real_name else "",
            reporter_contact=appeal.contact_phone,
            unit=appeal.handling_unit,
            channel=Channel.APPEALS,
            attachments=attachments,
            actor=actor,
            rate_limited=False,
        )
        events = []
        for row in AppealAttachment.objects.filter(appeal=appeal):
            events.append(
                {
                    "actor": actor,
                    "action": "appeals.attachment.transferred",
                    "instance": row,
                    "object_id": row.pk,
                    "deleted": True,
                    "details": {"article": "17"},
                }
            )
            row.delete()
        # The timeline steps are audited records (issue 19): each erased one is recorded, without
        # its text (the erasure must not copy what it removes).
        for step_pk in AppealStep.objects.filter(appeal=appeal).order_by("pk").values_list("pk", flat=True):
            events.append({"actor": actor, "action": "appeals.step.transferred", "deleted": True,
                           "object_type": "appeals.AppealStep", "object_id": step_pk,
                           "details": {"article": "17"}})
        AppealStep.objects.filter(appeal=appeal).delete()
        Notification.objects.filter(appeal=appeal).delete()
        appeal.co_handling_units.clear()
        appeal_pk = appeal.pk
        appeal.delete()
        # No ``before``: the deletion event must not repeat the title and content it removes.
        events.append(
            {
                "actor": actor,
                "action": "appeals.appeal.transferred_to_supervision",
                "object_type": "appeals.Appeal",
                "object_id": appeal_pk,
                "deleted": True,
                "details": {"article": "17", "report": report.number},
            }
        )
        audit.record_events(events)
    for path in files_to_remove:
        transaction.on_commit(lambda path=path: path.unlink(missing_ok=True))
    log.info("appeal transferred to supervision as report %s", report.number)
    return report


_APPEAL_CHANNEL = {
    Channel.WEB: "web_portal",
    Channel.WECHAT: "wechat",
    Channel.SMS: "sms",
    Channel.LETTER: "letter",
    Channel.PHONE: "hotline",
    Channel.VISIT: "visit",
    Channel.APPEALS: "web_portal",
}


def _appeal_file():
    try:
        from qinqing.appeals.intake.services import appeal_file
    except ImportError:  # before the appeals intake package existed
        from qinqing.appeals.services import appeal_file
    return appeal_file


def transfer_to_appeals(*, report: Report, actor):
    """The other way: a report that is really an enterprise's question or demand becomes an appeal, and
    the report (its messages, attachments and assignments) is deleted from supervision.

    Only an inspector assigned to the report (who has read it), only before it was disposed of; the
    reporter's receipt code then opens nothing (the appeal's acknowledgement reaches a mobile number
    the reporter gave)."""
    import re

    from django.core.files.uploadedfile import SimpleUploadedFile

    from .models import Assignment, Attachment, EarlyReminder, Message, Status, TypicalCase

    if not services.is_assigned(actor, report):
        raise NotFound()
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status not in (Status.RECEIVED, Status.ACCEPTED) or locked.channel == Channel.CONDUCT:
            raise ServiceError(
                _(
                    "Only a report not yet disposed of, and not a conduct lead, can be moved to "
                    "the appeals pool."
                ),
                code="invalid_transition",
                field="status",
            )
        if (
            EarlyReminder.objects.filter(report=locked).exists()
            or TypicalCase.objects.filter(report=locked).exists()
        ):
            raise ServiceError(
                _("A reminder or a typical case refers to this report; it stays in supervision."),
                code="not_transferable",
                field="status",
            )
        phone = locked.reporter_contact if re.fullmatch(r"1[3-9]\d{9}", locked.reporter_contact or "") else ""
        uploads = [SimpleUploadedFile(row.name, services.attachment_bytes(row), content_type=row.content_type)
                   for row in Attachment.objects.filter(report=locked)]
        result = _appeal_file()(
            channel=_APPEAL_CHANNEL.get(locked.channel, "web_portal"),
            title=locked.text[:40],
            content=locked.text,
            actor=actor,
            contact_name=locked.reporter_name if locked.real_name else "",
            contact_phone=phone,
            attachments=uploads,
        )
        events = []
        for model in (Attachment, Message, Assignment):
            for row in model.objects.filter(report=locked):
                events.append(
                    {
                        "actor": actor,
                        "action": f"supervision.{model._meta.model_name}.transferred",
                        "instance": row,
                        "object_id": row.pk,
                        "deleted": True,
                        "details": {"article": "17"},
                    }
                )
                row.delete()
        number, pk = locked.number, locked.pk
        locked.delete()
        events.append(
            {
                "actor": actor,
                "action": "supervision.report.transferred_to_appeals",
                "object_type": Report._meta.label,
                "object_id": pk,
                "deleted": True,
                "details": {"article": "17", "appeal": result.appeal.tracking_number},
            }
        )
        audit.record_events(events)
    log.info("report %s moved to the appeals pool as %s", number, result.appeal.tracking_number)
    return result.appeal
