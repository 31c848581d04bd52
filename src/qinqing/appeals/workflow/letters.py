"""Reply letters: how a reply reaches someone who wrote a letter (article 8).

The outbox's sender for the ``letter`` channel does not post anything itself: it writes a
numbered ``ReplyLetter`` (``HF`` + year + a 5-digit number, core.numbering) with the reply's
text and the address kept (encrypted) with the appeal, adds the timeline step "a reply
letter was queued for the mail room", and leaves the notification "not sent — to be passed
on by hand", naming the letter (it is posted by hand). The supervision office's mail room
page prints the waiting letters in one batch (one PDF, WeasyPrint) and marks them posted
when they went out; each step is audited and on the timeline.

The appeal's first notification (the acknowledgement) is not made a letter: the operator
prints the acknowledgement when recording the letter (operator_acknowledgement).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, district, numbering
from qinqing.core.errors import ServiceError

from ..models import Appeal, Notification, ReplyLetter, ReplyLetterStatus
from ..services import _add_step

LETTER_NUMBERS = numbering.Series("appeals.reply_letter", "HF{period}{number:05d}", numbering.yearly)
BATCH_NUMBERS = numbering.Series("appeals.reply_letter_batch", "PC{period}{number:03d}", numbering.daily)
SYSTEM = audit.SystemActor("appeals.letters")


def _step(appeal: Appeal, kind: str, actor, text: str) -> None:
    _add_step(appeal, kind, actor, text)


def delivery_step(appeal: Appeal, kind: str, text: str) -> None:
    """The timeline line saying how a reply reached the submitter (SMS, WeChat, letter): the
    outbox row it describes is the record; the step only shows it on the timeline."""
    _step(appeal, kind, SYSTEM, text)


def letter_sender(notification: Notification) -> None:
    """Outbox sender for the ``letter`` channel: queue a reply letter for the mail room."""
    from . import notify

    appeal = notification.appeal
    if appeal is None:
        raise notify.NoChannel(gettext("no appeal to answer by letter"))
    if not Notification.objects.filter(appeal_id=appeal.pk, pk__lt=notification.pk).exists():
        raise notify.NoChannel(
            gettext("the acknowledgement is printed by the operator who recorded the letter")
        )
    letter = ReplyLetter.objects.filter(notification=notification).first() or queue_letter(notification)
    raise notify.NoChannel(
        gettext("reply letter %(number)s queued for the mail room") % {"number": letter.number}
    )


def queue_letter(notification: Notification) -> ReplyLetter:
    appeal = notification.appeal
    number = numbering.take(LETTER_NUMBERS, clock.today()).text
    with transaction.atomic():
        letter = ReplyLetter.objects.create(
            number=number, appeal=appeal, notification=notification, recipient_name=appeal.contact_name,
            address=appeal.contact_address, text=notification.text, created_at=clock.now())
        _step(appeal, "reply_letter_queued", SYSTEM,
              gettext("Reply letter %(number)s was queued for the mail room (by post).") % {"number": number})
        audit.record_events(
            [{"actor": SYSTEM, "action": "appeals.reply_letter.queue", "instance": letter, "fresh": True}]
        )
    return letter


def waiting(status: str = ReplyLetterStatus.QUEUED):
    return ReplyLetter.objects.filter(status=status).select_related("appeal").order_by("pk")


def print_batch(*, actor) -> tuple[str, list[ReplyLetter]]:
    """Take every waiting letter into one numbered batch and mark it printed; (batch, letters)."""
    with transaction.atomic(), district.language():
        letters = list(
            ReplyLetter.objects.select_for_update().filter(status=ReplyLetterStatus.QUEUED).order_by("pk")
        )
        if not letters:
            raise ServiceError(_("No reply letter is waiting to be printed."), code="nothing_to_print")
        batch = numbering.take(BATCH_NUMBERS, clock.today()).text
        events = []
        for letter in letters:
            before = audit.snapshot(letter)
            letter.status, letter.batch, letter.printed_at = ReplyLetterStatus.PRINTED, batch, clock.now()
            letter.save(update_fields=["status", "batch", "printed_at"])
            _step(
                letter.appeal,
                "reply_letter_printed",
                actor,
                gettext("Reply letter %(number)s was printed (batch %(batch)s).")
                % {"number": letter.number, "batch": batch},
            )
            events.append(
                {"actor": actor, "action": "appeals.reply_letter.print", "instance": letter, "before": before}
            )
        audit.record_events(events)
    return batch, letters


def mark_posted(*, batch: str, actor) -> int:
    """The letters of a printed batch went out by post."""
    with transaction.atomic():
        letters = list(
            ReplyLetter.objects.select_for_update()
            .filter(batch=batch, status=ReplyLetterStatus.PRINTED)
            .select_related("appeal")
        )
        if not letters:
            raise ServiceError(
                gettext("No printed letter in batch %(batch)s waits to be posted."),
                code="nothing_to_post",
                field="batch",
                params={"batch": batch},
            )
        events = []
        for letter in letters:
            before = audit.snapshot(letter)
            letter.status, letter.posted_at = ReplyLetterStatus.POSTED, clock.now()
            letter.save(update_fields=["status", "posted_at"])
            _step(letter.appeal, "reply_letter_posted", actor,
                  gettext("Reply letter %(number)s was posted.") % {"number": letter.number})
            events.append(
                {"actor": actor, "action": "appeals.reply_letter.post", "instance": letter, "before": before}
            )
        audit.record_events(events)
    return len(letters)


def render_batch_pdf(letters: list[ReplyLetter], *, base_url: str = "") -> bytes:
    """One PDF of the batch, each letter laid out on its own so that its pages are numbered from 1
    and a page after its first carries its number (a letter of two pages goes into one envelope)."""
    from weasyprint import HTML

    from qinqing.core.letters import render_html

    today = clock.today()
    documents = [  # in the district's language, whoever prints the batch (core.letters)
        HTML(string=render_html("appeals/reply_letters_pdf.html", {"letters": [letter], "today": today}),
             base_url=base_url or None).render()
        for letter in letters
    ]
    return documents[0].copy([page for document in documents for page in document.pages]).write_pdf()


# --- the mail room page (the supervision office) --------------------------------------------
def mail_room(request):
    """Reply letters waiting to be printed, printed batches waiting to be posted."""
    from django.contrib import messages
    from django.http import HttpResponse
    from django.shortcuts import redirect, render

    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "print":
                batch, letters = print_batch(actor=request.user)
                pdf = render_batch_pdf(letters, base_url=request.build_absolute_uri("/"))
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="{batch}.pdf"'
                return response
            if request.POST.get("action") == "posted":
                count = mark_posted(batch=request.POST.get("batch", ""), actor=request.user)
                messages.success(request, gettext("%(count)d letter(s) marked posted.") % {"count": count})
                return redirect("appeals:mail_room")
        except ServiceError as refused:
            error = refused.text()
    printed = waiting(ReplyLetterStatus.PRINTED)
    batches: dict[str, list[ReplyLetter]] = {}
    for letter in printed:
        batches.setdefault(letter.batch, []).append(letter)
    context = {
        "queued": list(waiting()),
        "batches": batches,
        "error": error,
        "posted": list(
            ReplyLetter.objects.filter(status=ReplyLetterStatus.POSTED)
            .select_related("appeal")
            .order_by("-posted_at")[:20]
        ),
    }
    # The page shows addressees' names and postal addresses in clear: the read is on record.
    shown = [letter.number for letter in [*context["queued"], *printed, *context["posted"]]]
    if shown:
        from qinqing.core.audit.pii_reads import record_read

        record_read(actor=request.user, action="appeals.reply_letter.addresses_read", model=ReplyLetter,
                    object_id="mail_room", details={"letters": shown})
    return render(request, "appeals/mail_room.html", context, status=400 if error else 200)
