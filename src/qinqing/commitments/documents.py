"""Documents of a commitment and attachments of a fund application (article 10): added, marked public and
read through these services only — each audited.

Files are cleaned by ``core.attachments`` (JPEG/PNG re-encoded from their pixels, PDFs rewritten by pypdf,
password-protected PDFs refused, at most 5 MB and 5 files at a time) and stored in the project's file
storage under a generated name. Who may read one:

* a commitment's document: whoever may open the commitment (its unit, the watchers, the enterprise it was
  made to); the public pages only when the commitment is published to the reader's audience **and** the
  document is marked public;
* an application's attachment: the applicant enterprise; the programme's unit only after conduct's conflict
  gate has cleared the reader for that application (a conflicted reviewer is stopped, 409); the discipline
  office, district leaders and administrators; never the public.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from qinqing.core import attachments, audit, clock
from qinqing.core.errors import ConflictError, NotFound, PermissionDeniedError, ServiceError

from . import selectors
from .models import ApplicationStatus, Attachment, Commitment, FundApplication

ARTICLE = "10"
#: files on one commitment or one application, all uploads together
MAX_PER_ITEM = 20


def _check_total(existing: int, uploads) -> None:
    if existing + len(list(uploads)) > MAX_PER_ITEM:
        raise ServiceError(
            _("At most %(count)d files on one item."),
            code="attachment_count",
            field="attachments",
            params={"count": MAX_PER_ITEM},
        )


def add_files(*, owner, cleaned, actor, stored: list[str], public: bool = False, folder: str):
    """Store and record cleaned files for ``owner`` (a Commitment or a FundApplication) inside the caller's
    transaction; each stored path is appended to ``stored`` so the caller removes them if it rolls back."""
    rows, events, now = [], [], clock.now()
    for safe_name, content_type, clean in cleaned:
        # filed under the district's month
        path = attachments.store(f"{folder}/{clock.local(now):%Y/%m}", content_type, clean)
        stored.append(path)
        row = Attachment.objects.create(
            commitment=owner if isinstance(owner, Commitment) else None,
            application=owner if isinstance(owner, FundApplication) else None,
            file=path,
            name=safe_name[:120],
            content_type=content_type,
            size=len(clean),
            public=public,
            uploaded_by=actor,
            created_at=now,
        )
        rows.append(row)
        events.append(
            {
                "actor": actor,
                "action": "commitments.attachment.add",
                "instance": row,
                "fresh": True,
                "details": {"article": ARTICLE},
            }
        )
    audit.record_events(events)
    return rows


def commitment_attach(*, commitment: Commitment, uploads, public: bool = False, actor) -> list[Attachment]:
    """The responsible unit adds the commitment's documents (agreement, minutes, approval)."""
    from .services import is_unit_handler

    if not is_unit_handler(actor, commitment):
        raise PermissionDeniedError()
    if not uploads:
        raise ServiceError(_("Choose a file to upload."), code="required", field="attachments")
    _check_total(commitment.attachments.count(), uploads)
    cleaned = attachments.clean_uploads(uploads)
    return stored_safely(
        lambda stored: add_files(
            owner=commitment, cleaned=cleaned, actor=actor, stored=stored, public=bool(public),
            folder="commitments",
        )
    )


def application_attach(*, application: FundApplication, uploads, actor) -> list[Attachment]:
    """The applicant adds attachments while the application is undecided."""
    if application.enterprise_id not in selectors.enterprise_ids(actor):
        raise PermissionDeniedError()
    if application.status != ApplicationStatus.SUBMITTED:
        raise ConflictError(
            _("This application is already decided."), code="invalid_transition", field="attachments"
        )
    if not uploads:
        raise ServiceError(_("Choose a file to upload."), code="required", field="attachments")
    _check_total(application.attachments.count(), uploads)
    cleaned = attachments.clean_uploads(uploads)
    return stored_safely(
        lambda stored: add_files(
            owner=application, cleaned=cleaned, actor=actor, stored=stored, folder="funds"
        )
    )


def stored_safely(write):
    """Run ``write(stored)`` in one transaction; if it fails, the files it stored are removed."""
    with attachments.removed_on_error() as stored, transaction.atomic():
        return write(stored)


def mark_public(*, attachment: Attachment, public: bool, actor) -> Attachment:
    """The unit marks a commitment's document public (shown on the public page while the commitment is
    published) or not."""
    from .services import is_unit_handler

    if attachment.commitment_id is None:
        raise ServiceError(
            _("Only a commitment's documents can be made public."), code="invalid", field="public"
        )
    if not is_unit_handler(actor, attachment.commitment):
        raise PermissionDeniedError()
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        before = audit.snapshot(locked)
        locked.public = bool(public)
        locked.save(update_fields=["public"])
        audit.record_event(
            actor=actor,
            action="commitments.attachment.publish",
            instance=locked,
            before=before,
            details={"article": ARTICLE, "public": locked.public},
        )
    return locked


# --- reading ------------------------------------------------------------------------------------------------
def may_read(actor, attachment: Attachment) -> bool:
    """Whether ``actor`` may read the file (before the conflict gate, for an application's reviewer)."""
    if attachment.commitment_id:
        return selectors.commitments(actor).filter(pk=attachment.commitment_id).exists()
    application = attachment.application
    if application.enterprise_id in selectors.enterprise_ids(actor):
        return True
    return selectors.staff_programmes(actor).filter(pk=application.programme_id).exists()


def read(*, attachment: Attachment, actor) -> bytes:
    """The file's bytes for a signed-in reader allowed to see it (404 alike otherwise); the programme's
    reviewers pass conduct's conflict gate first (``RecusalRequired``, 409); every read is audited."""
    from . import funds

    if not may_read(actor, attachment):
        raise NotFound()
    application = attachment.application if attachment.application_id else None
    if (
        application is not None
        and application.enterprise_id not in selectors.enterprise_ids(actor)
        and not selectors.sees_all(actor)
    ):
        try:
            funds.review_file(application=application, actor=actor)  # the gate: raises RecusalRequired
        except PermissionDeniedError as error:
            raise NotFound() from error
    with transaction.atomic():
        audit.record_event(
            actor=actor,
            action="commitments.attachment.read",
            instance=attachment,
            details={"article": ARTICLE},
        )
    return attachments.read(attachment.file)


def public_attachment(user, pk: int) -> Attachment:
    """A commitment's document on the public pages: marked public and its commitment published to the
    reader's audience (404 alike for everything else, an application's attachment included)."""
    row = (
        Attachment.objects.select_related("commitment")
        .filter(
            pk=pk,
            public=True,
            commitment__isnull=False,
            commitment__scope__in=selectors.readable_scopes(user),
        )
        .first()
    )
    if row is None:
        raise NotFound()
    return row
