"""The notice to the listed party (article 21), through the project's real outbound channels.

When a listing is decided, the notice goes out on every channel that reaches the party:

- **SMS** to the listed person's mobile number, or for an enterprise to its head's (the
  directory's ``Person.phone``): an outbox row on ``appeals.workflow.notify`` sent by the SMS
  sender the appeals channels register (Tencent Cloud in production, the console in the demo).
  The notice's state is that row's status: queued, sent (the provider accepted it), failed
  (retried, then given up) or "not sent: to be passed on by hand".
- **Letter** when there is no mobile number: the written notice on the district's paper
  (``core.district``), printed by the credit administrator from the listing page (marked
  printed, audited); its delivery is recorded by whoever served it.
- **Account**: an enterprise with accounts sees the notice on its own integrity page.

Nothing is "delivered" until a person records it (``notice_delivered``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _t

from qinqing.core import audit, clock, notices
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.identifiers import is_valid_mobile_phone

from ..models import Listing, ListingNotice, NoticeChannel, Restriction


def party_phone(listing: Listing) -> str:
    """The mobile number the notice can reach: the listed person's, or the enterprise head's."""
    person = listing.person
    if person is None and listing.enterprise_id is not None:
        person = listing.enterprise.legal_representative
    phone = (getattr(person, "phone", "") or "").strip()
    return phone if phone and is_valid_mobile_phone(phone) else ""


def sms_text(listing: Listing, restrictions: list[Restriction]) -> str:
    from django.utils.translation import gettext_lazy

    return notices.sms_text(
        gettext_lazy(
            "[%(office)s] %(name)s: by decision %(number)s you are listed under article %(article)s "
            "(%(kind)s); restrictions from %(start)s. You may object until %(until)s. "
            "The written notice follows."
        ),
        office=gettext_lazy("Credit office"),
        name=listing.name,
        number=listing.number,
        article=listing.article,
        kind=listing.get_kind_display,
        start=min(r.start for r in restrictions).isoformat(),
        until=listing.objection_until.isoformat(),
    )


def channels_for(listing: Listing, *, has_account: bool) -> list[tuple[str, str]]:
    """``[(channel, phone)]``: SMS when a mobile number is known, else a letter; the account too."""
    phone = party_phone(listing)
    chosen = [(NoticeChannel.SMS, phone)] if phone else [(NoticeChannel.LETTER, "")]
    if has_account:
        chosen.append((NoticeChannel.SYSTEM, ""))
    return chosen


def send(listing: Listing, restrictions: list[Restriction], *, text: str, has_account: bool) -> list[dict]:
    """Write the notices of a new listing (in the caller's transaction) and queue the SMS; the
    audit events to record with the decision."""
    from qinqing.appeals.workflow import notify

    events = []
    for channel, phone in channels_for(listing, has_account=has_account):
        notification = None
        if channel == NoticeChannel.SMS:
            notification = notify.queue_sms(phone, sms_text(listing, restrictions))
        notice = ListingNotice.objects.create(
            listing=listing, channel=channel, text=text, notification=notification
        )
        events.append({"instance": notice, "details": {"article": "21", "channel": channel}})
    return events


def _is_credit_administrator(actor) -> bool:
    from .listings import _is_credit_administrator as check

    return check(actor)


def notice_printed(*, notice: ListingNotice, actor) -> ListingNotice:
    """The credit administrator printed the letter (the first print is recorded; reprints are not)."""
    if not _is_credit_administrator(actor):
        raise PermissionDeniedError(field="notice")
    if notice.channel == NoticeChannel.SYSTEM:
        raise ServiceError(_t("Only a written notice is printed."), code="not_a_letter", field="notice")
    with transaction.atomic():
        locked = ListingNotice.objects.select_for_update().get(pk=notice.pk)
        if locked.printed_at is not None:
            return locked
        before = audit.snapshot(locked)
        locked.printed_at = clock.now()
        locked.save(update_fields=["printed_at"])
        audit.record_event(
            actor=actor, action="integrity.notice.print", instance=locked, before=before,
            details={"article": "21"},
        )
    return locked

