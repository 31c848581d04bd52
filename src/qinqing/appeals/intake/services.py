"""Filing an appeal from any channel (articles 6 and 8): ``appeal_file`` is shared by every
channel; its tracking numbers come from ``core.numbering``; near-identical repeats are merged.
Keyword-only, one transaction, one audit event.
"""

from __future__ import annotations

import collections
import datetime
import hashlib
import operator
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from qinqing.core import attachments as core_attachments
from qinqing.core import audit, clock, db, district, numbering
from qinqing.core import limits as text_limits
from qinqing.core.crypto import blind_index
from qinqing.core.errors import ServiceError
from qinqing.core.models import ApiKey

from ..models import (
    DEFAULT_LIMITS,
    Appeal,
    AppealStep,
    Attachment,
    Category,
    Channel,
    LimitKey,
    Status,
    TrackLimit,
)
from ..services import (
    DUPLICATE_CANDIDATES,
    DUPLICATE_RATIO,
    STEP_ADD,
    Due,
    _add_step,
    _audit_actor,
    _count_due,
    _notify_submitter,
    _recipient,
    actor_label,
    due_text,
    limit_values,
    normalise_text,
    recipient_of,
)
from ..workflow import notify

TRACKING_NUMBERS = numbering.Series("appeals.tracking", "SQ{period}{number:06d}", numbering.daily)
# Where a filing's rows hold its number until the number is taken, last (``appeal_file``):
# unguessable, and replaced before anything is written.
_PENDING_NUMBER = f"pending-{secrets.token_hex(8)}"


# Bounded work per filing: at most this many normalised characters of each text are compared
# (more than a capped title and content hold), each comparison linear in their length.
COMPARE_CHARS = 6000


def _bigrams(text: str) -> collections.Counter:
    if len(text) < 2:
        return collections.Counter([text] if text else [])
    return collections.Counter(map(operator.add, text, text[1:]))


def _dice(mine: collections.Counter, other: collections.Counter) -> float:
    total = mine.total() + other.total()
    return 2 * (mine & other).total() / total if total else 1.0


def text_similarity(first: str, second: str) -> float:
    """How alike two normalised texts are, 0 to 1: the Dice coefficient of their character-bigram
    multisets (shingles). Linear in the texts' length (difflib's ratio, used before, is
    quadratic: two 20,000-character texts took 15 s); it tracks that ratio closely on appeal
    texts (a changed punctuation mark or a word: both above 0.9; other topics: both near 0)."""
    return _dice(_bigrams(first), _bigrams(second))


_ORIGINAL_COLUMNS = (
    "id", "tracking_number", "title", "content", "content_fingerprint", "due_at", "channel", "enterprise_id",
)


def _find_original(*, enterprise, phone_index: str, fingerprint: str, normalised: str, since,
                   external_user_id: str = "") -> Appeal | None:
    """An earlier, unmerged appeal from the same enterprise, phone or WeChat openid with near-identical text,
    never one of another enterprise.

    Plain SQL (one branch per identity, each driven by its index; runs on every filing), read
    before the filing's transaction, so no writer waits for it; bounded work (at most
    DUPLICATE_CANDIDATES texts of at most COMPARE_CHARS characters, linear comparisons)."""
    query = _candidates_query(enterprise=enterprise, phone_index=phone_index,
                              external_user_id=external_user_id, since=since)
    if query is None:
        return None
    return _original_among(db.execute(*query), enterprise=enterprise, fingerprint=fingerprint,
                           normalised=normalised)


def _candidates_query(*, enterprise, phone_index: str, external_user_id: str, since,
                      since_sql: str = "%s") -> tuple[str, list] | None:
    """(the duplicate check's statement, its parameters), None without any identity to look by. ``since_sql``:
    the SQL of the window's start, ``since`` its one parameter (a statement may count the start itself)."""
    branches, params = [], []
    table = connection.ops.quote_name(Appeal._meta.db_table)
    columns = ", ".join(_ORIGINAL_COLUMNS)
    identities = (
        ("enterprise_id", enterprise.pk if enterprise is not None else None),
        ("contact_phone_index", phone_index),
        ("external_user_id", external_user_id),
    )
    for column, value in identities:
        if value:
            branches.append(
                f"SELECT {columns}, received_at FROM {table} WHERE {column} = %s AND received_at "  # noqa: S608 (model metadata)
                f">= {since_sql} AND merged_into_id IS NULL"
            )
            params += [value, since]
    if not branches:
        return None
    sql = (f"SELECT {columns} FROM ({' UNION '.join(branches)}) AS candidates "  # noqa: S608 (model metadata)
           f"ORDER BY received_at, id LIMIT {DUPLICATE_CANDIDATES:d}")
    return sql, params


def _original_among(rows, *, enterprise, fingerprint: str, normalised: str) -> Appeal | None:
    """The first of the candidates' ``rows`` (``_candidates_query``'s columns) with near-identical text."""
    mine = normalised[:COMPARE_CHARS]
    grams = None
    for candidate in db.instances(Appeal, _ORIGINAL_COLUMNS, rows):
        if enterprise is not None and candidate.enterprise_id not in (None, enterprise.pk):
            # one phone (an agent, a group's accountant) may speak for two enterprises: the same words for
            # another enterprise are its own appeal, and merged they would go to the other one's file
            continue
        if candidate.content_fingerprint == fingerprint:
            return candidate
        other = normalise_text(f"{candidate.title}{candidate.content}")[:COMPARE_CHARS]
        if 2 * min(len(mine), len(other)) < DUPLICATE_RATIO * (len(mine) + len(other)):
            continue  # the lengths alone rule it out
        grams = grams if grams is not None else _bigrams(mine)
        if _dice(grams, _bigrams(other)) >= DUPLICATE_RATIO:
            return candidate
    return None


_CHANNELS, _CATEGORIES = frozenset(Channel.values), frozenset(Category.values)  # ``values`` builds a list


@dataclass(frozen=True)
class _Checked:
    title: str
    content: str
    phone: str


def _checked(*, channel, title, content, contact_name, contact_phone, contact_address, category) -> _Checked:
    """A filing's checks before anything is read or written (``appeal_file``, ``appeal_file_plain``): a
    ``ServiceError`` naming the field, or the title, content and phone as they are kept."""
    if channel not in _CHANNELS:
        raise ServiceError(
            _("Unknown channel %(channel)s."),
            code="invalid_channel",
            field="channel",
            params={"channel": channel},
        )
    title = (title or "").strip()
    content = (content or "").strip()
    if not content:
        raise ServiceError(
            _("Describe your question or demand (content is required)."), code="required", field="content"
        )
    if not title:
        title = content[:40]
    if len(title) > 200:
        raise ServiceError(_("The title may have at most 200 characters."), code="too_long", field="title")
    # Lengths by purpose (issue 20): the forms' limits, for every channel and the API alike.
    content = text_limits.check_text(content, field="content", label=_("Content"), limit=text_limits.REPORT)
    text_limits.check_text(contact_name, field="contact_name", label=_("Contact name"),
                           limit=text_limits.NAME)
    text_limits.check_text(contact_address, field="contact_address", label=_("Postal address"),
                           limit=text_limits.DESCRIPTION)
    if category and category not in _CATEGORIES:
        raise ServiceError(
            _("Unknown category %(category)s."),
            code="invalid_category",
            field="category",
            params={"category": category},
        )
    phone = (contact_phone or "").strip()
    if phone:
        from django.core.exceptions import ValidationError

        from qinqing.core.identifiers import validate_mobile_phone

        try:
            phone = validate_mobile_phone(phone)
        except ValidationError as error:
            raise ServiceError(error.messages[0], code="invalid_phone", field="contact_phone") from error
    return _Checked(title, content, phone)


def _received(received_at: datetime.datetime | None) -> tuple[datetime.datetime, datetime.date]:
    """When the filing was received (default now), kept in UTC as the database returns it (so the audit
    snapshot needs no re-read), and its local date, which may not be in the future."""
    received_at = (received_at or clock.now()).astimezone(datetime.UTC)
    received_on = timezone.localdate(received_at)
    text_limits.check_date(received_on, field="received_on", label=_("Date received"),
                           not_after=clock.today())  # received, so not in the future
    return received_at, received_on


def _identity(checked: _Checked) -> tuple[str, str, str]:
    """(the phone's blind index, the normalised text, its fingerprint): what the duplicate check reads."""
    normalised = normalise_text(f"{checked.title}{checked.content}")
    return (blind_index(checked.phone) if checked.phone else "", normalised,
            hashlib.sha256(normalised.encode()).hexdigest())


def _acknowledgement_text(number: str, due: Due | None) -> str:
    if due is not None and due.due:
        return gettext(
            "Your appeal has been received. Tracking number %(number)s; we will "
            "acknowledge it by %(date)s."
        ) % {"number": number, "date": due_text(due.due, due.provisional)}
    return gettext("Your appeal has been received. Tracking number %(number)s.") % {"number": number}


def _received_step_text(channel: str) -> str:
    return gettext("Received through %(channel)s.") % {"channel": Channel(channel).label}


def _due(received_on: datetime.date, days: int) -> Due | None:
    """The acknowledgement's deadline; None when the calendar year is missing: a missing year must not
    lose an appeal, it is filed without a date, its basis kept (due_start, due_days) so that loading the
    year counts it (workflow.deadlines, core.calendar.deadlines)."""
    try:
        return _count_due(received_on, days)
    except ServiceError:
        return None


@dataclass(frozen=True)
class FileResult:
    appeal: Appeal
    merged: bool
    # The filing event's content hash (issue 19): the receipt is known at filing, from the
    # event this transaction wrote, so the answer needs no read-back of the audit log.
    content_hash: str = ""

    @property
    def receipt(self):
        """The receipt of this filing (its own ``appeals.appeal.file`` event; a merged repeat's too)."""
        from qinqing.core.transparency import receipts

        if not self.content_hash:
            return None
        return receipts.Receipt(receipts.code_for(self.content_hash), self.content_hash)

    @property
    def tracking_number(self) -> str:
        """The number to tell the submitter: the original's when this one was merged."""
        return self.appeal.merged_into.tracking_number if self.merged else self.appeal.tracking_number


def appeal_file(
    *,
    channel: str,
    title: str,
    content: str,
    actor,
    enterprise=None,
    contact_name: str = "",
    contact_phone: str = "",
    external_user_id: str = "",
    contact_address: str = "",
    category: str | None = None,
    attachments=(),
    received_at: datetime.datetime | None = None,
) -> FileResult:
    """File an appeal from any channel (article 8): tracking number, acknowledgement deadline,
    acknowledgement queued on the same channel, near-identical repeats merged (article 6:
    nothing lost, the submitter is given the original's number)."""
    checked = _checked(channel=channel, title=title, content=content, contact_name=contact_name,
                       contact_phone=contact_phone, contact_address=contact_address, category=category)
    title, content, phone = checked.title, checked.content, checked.phone
    # Before any transaction (Pillow and pypdf take time): (safe name, type, clean bytes) of each file,
    # through the platform's one cleaner, as every other form takes files (refusals name ``attachments``).
    cleaned = core_attachments.clean_uploads(attachments)

    received_at, received_on = _received(received_at)
    phone_index, normalised, fingerprint = _identity(checked)
    audit_actor = _audit_actor(actor, channel)
    submitted_by = (
        actor if getattr(actor, "is_authenticated", False) and not isinstance(actor, ApiKey) else None
    )

    limits = limit_values(LimitKey.DUPLICATE_WINDOW_HOURS, LimitKey.ACKNOWLEDGE)
    window = datetime.timedelta(hours=limits[LimitKey.DUPLICATE_WINDOW_HOURS])
    # Outside the transaction (issue 18): on SQLite the transaction holds the write lock, and
    # every other filing would wait for this read. Two near-identical filings in the same
    # instant may then both be kept; a client retrying sends an Idempotency-Key instead.
    original = _find_original(
        enterprise=enterprise,
        phone_index=phone_index,
        fingerprint=fingerprint,
        normalised=normalised,
        since=received_at - window,
        external_user_id=(external_user_id or "").strip(),
    )
    # What is stored and sent (the timeline's line, the acknowledgement) is in the district's language.
    # The files written are removed again if the transaction rolls back.
    with core_attachments.removed_on_error() as stored, transaction.atomic(), district.language():
        due = _due(received_on, limits[LimitKey.ACKNOWLEDGE]) if original is None else None
        due_at = due.due if due is not None else None
        # Taken inside the transaction, as late as possible (issue 18): a filing that fails
        # gives its number back, so a day's numbers have no gaps; the counter row stays
        # locked from there to the commit, and every filing of the day takes turns on it.
        # PostgreSQL, a new appeal without attachments (nearly every filing): the primary keys
        # of the appeal, its first step and its acknowledgement come first (sequences, no
        # lock), the rows and the step's event are built with a stand-in for the number, and
        # the number is taken last — the counter row is then held for the appeal's own event,
        # the ONE statement that writes everything, and the commit (not through its disk
        # flush: ``release_before_flush``).
        keyed = connection.vendor == "postgresql" and original is None and not cleaned
        if keyed:
            appeal_id, step_id, acknowledgement_id = db.next_ids((Appeal, AppealStep, notify.Notification))
            tracking_number = _PENDING_NUMBER
        else:
            tracking_number = numbering.take(TRACKING_NUMBERS, received_on).text
        appeal = Appeal(
            tracking_number=tracking_number,
            channel=channel,
            enterprise=enterprise,
            contact_name=(contact_name or "").strip(),
            contact_phone=phone,
            contact_phone_index=phone_index,
            contact_address=(contact_address or "").strip()[:300],
            external_user_id=(external_user_id or "").strip(),
            submitted_by=submitted_by,
            title=title,
            content=content,
            content_fingerprint=fingerprint,
            category=category or "",
            status=Status.MERGED if original else Status.RECEIVED,
            received_at=received_at,
            stage_started_on=received_on,
            due_at=due_at,
            due_provisional=bool(due and due.provisional),
            due_start=received_on if original is None else None,
            due_days=limits[LimitKey.ACKNOWLEDGE] if original is None else None,
            merged_into=original,
        )
        if original is None:
            text = _acknowledgement_text(appeal.tracking_number, due)
            # The appeal, its first timeline step and its acknowledgement in the outbox: one
            # statement on PostgreSQL.
            step = AppealStep(
                kind="received",
                actor_label=actor_label(audit_actor),
                at=clock.now(),
                text=_received_step_text(channel),
            )
            acknowledgement = notify.outbox_row(
                appeal=appeal, channel=appeal.channel, recipient=_recipient(appeal), text=text
            )
            if keyed:
                appeal.pk, step.pk, acknowledgement.pk = appeal_id, step_id, acknowledgement_id
                step.appeal = acknowledgement.appeal = appeal
                rows = db.KeyedInserts([appeal, step, acknowledgement])
                at = clock.now()
                # the timeline's first line is an audited record too (issue 19); its event does
                # not hold the number
                step_events = audit.prepare_events(
                    [{"actor": audit_actor, "action": STEP_ADD, "instance": step, "fresh": True}], at=at)
                number = numbering.take(TRACKING_NUMBERS, received_on, release_before_flush=True)
                rows.update(appeal, tracking_number=number.text)
                rows.update(acknowledgement, text=acknowledgement.text.replace(_PENDING_NUMBER, number.text))
                appeal_event = {"actor": audit_actor, "action": "appeals.appeal.file", "instance": appeal,
                                "fresh": True, "details": {"merged_into": None}}
                written = audit.prepare_events([appeal_event], at=at) + step_events
                audit.inserted(written, rows.execute(*audit.pg_insert_statement(written)))
                notify.deliver_after_commit(acknowledgement)
                return FileResult(appeal=appeal, merged=False, content_hash=written[0].content_hash)
            db.insert_family(appeal, [(step, "appeal"), (acknowledgement, "appeal")])
            notify.deliver_after_commit(acknowledgement)
        else:
            db.insert_instance(appeal)
            merged_text = gettext("A repeated submission %(number)s was merged into this appeal.") % {
                "number": appeal.tracking_number
            }
            if cleaned:  # its files are added to this appeal (below)
                merged_text += ngettext(
                    " Its %(count)d attachment was added to this appeal.",
                    " Its %(count)d attachments were added to this appeal.",
                    len(cleaned),
                ) % {"count": len(cleaned)}
            _add_step(original, "duplicate_merged", audit_actor, merged_text)
            _notify_submitter(
                appeal,
                gettext(
                    "You already filed this appeal; it is being handled under tracking number %(number)s."
                )
                % {"number": original.tracking_number},
            )
        # Audit events are recorded last, in one call: the chain's head lock (which every
        # writer waits for) is then held only from there to the commit.
        events = [{"actor": audit_actor, "action": "appeals.appeal.file", "instance": appeal, "fresh": True,
                   "details": {"merged_into": original.tracking_number if original else None}}]
        if original is None:  # the timeline's first line is an audited record too (issue 19)
            events.append({"actor": audit_actor, "action": STEP_ADD, "instance": step, "fresh": True})
        # A merged repeat's files belong to the appeal it was merged into (article 6: nothing lost): that is
        # the appeal being handled, and the one its submitter is sent to.
        holder = original if original is not None else appeal
        for safe_name, content_type, data in cleaned:
            # A generated name: the submitter's file name is kept only as data, never as a path.
            path = core_attachments.store(f"appeals/{received_on:%Y/%m}", content_type, data)
            stored.append(path)
            attachment = Attachment.objects.create(
                appeal=holder,
                file=path,
                original_name=safe_name[:200],
                size=len(data),
                content_type=content_type,
            )
            event = {"actor": audit_actor, "action": "appeals.attachment.add", "instance": attachment,
                     "fresh": True}
            if original is not None:
                event["details"] = {"repeat": appeal.tracking_number}
            events.append(event)
        written = audit.record_events(events)
    return FileResult(appeal=appeal, merged=original is not None, content_hash=written[0].content_hash)


@dataclass(frozen=True)
class PlainFiled:
    """What ``appeal_file_plain`` filed: the answer's fields (``api.file_plain``), no model instance."""

    tracking_number: str
    status: str
    due_at: datetime.date | None
    due_provisional: bool
    content_hash: str


_PREFETCH: list[str] = []
_PREFETCH_LIMITS = (LimitKey.DUPLICATE_WINDOW_HOURS, LimitKey.ACKNOWLEDGE)


def _prefetch(*, phone_index: str, external_user_id: str, received_at) -> tuple[tuple, dict[str, int], list]:
    """PostgreSQL, ONE statement before the transaction: the primary keys of a new appeal, its first step and
    its acknowledgement (``db.next_ids``: sequences, no lock, a key not used is skipped), the two limits a
    filing reads (``limit_values``: a limit not stored is its default) and the duplicate check's candidates
    (``_candidates_query``, its window counted from the limit read in the same statement). Returns (the
    keys, the limits, the candidates' rows)."""
    if not _PREFETCH:
        table = connection.ops.quote_name(TrackLimit._meta.db_table)
        limits = [
            f'COALESCE((SELECT "value" FROM {table} '  # noqa: S608 (model metadata)
            f'WHERE "key" = %s), {DEFAULT_LIMITS[key][0]:d})'
            for key in _PREFETCH_LIMITS
        ]
        ids = [db.next_id_sql(model) for model in (Appeal, AppealStep, notify.Notification)]
        _PREFETCH.append(f"SELECT {', '.join(ids + limits)}")
    sql, params = _PREFETCH[0], list(_PREFETCH_LIMITS)
    query = _candidates_query(enterprise=None, phone_index=phone_index, external_user_id=external_user_id,
                              since=received_at, since_sql="%s - make_interval(hours => k.window_hours)")
    if query is not None:
        keys = "appeal_id, step_id, acknowledgement_id, window_hours, acknowledge"
        sql = f"SELECT * FROM ({sql}) AS k({keys}) LEFT JOIN LATERAL ({query[0]}) AS c ON true"  # noqa: S608
        params += query[1]
    rows = db.execute(sql, params)
    first = rows[0]
    candidates = [row[5:] for row in rows if row[5:] and row[5] is not None]
    return first[:3], dict(zip(_PREFETCH_LIMITS, first[3:5], strict=True)), candidates


def appeal_file_plain(
    *,
    channel: str,
    title: str,
    content: str,
    actor: ApiKey,
    contact_name: str = "",
    contact_phone: str = "",
    external_user_id: str = "",
    category: str | None = None,
) -> PlainFiled | None:
    """``appeal_file`` for the light path's common case (issue #19): PostgreSQL, an API key's filing with
    no enterprise, no attachments and no near-identical earlier appeal. It writes what ``appeal_file``
    writes there — the same rows and audit events, column for column (``test_intake_plain``) — from plain
    values: no model instance is built (``db.model_row``, ``db.KeyedRows``), the events' snapshots,
    digests and hashes come from the same rows through core.audit's own functions (``audit.prepare_rows``),
    and the keys and limits are read in one statement. Its checks are ``appeal_file``'s (``_checked``,
    ``_received``: a ``ServiceError`` before anything is written). None when the filing is not that case
    (another database; an earlier appeal it would be merged into): nothing was written, ``appeal_file``
    files it."""
    if connection.vendor != "postgresql" or not isinstance(actor, ApiKey):
        return None
    checked = _checked(channel=channel, title=title, content=content, contact_name=contact_name,
                       contact_phone=contact_phone, contact_address="", category=category)
    received_at, received_on = _received(None)
    phone_index, normalised, fingerprint = _identity(checked)
    external_user_id = (external_user_id or "").strip()
    (appeal_id, step_id, acknowledgement_id), limits, candidates = _prefetch(
        phone_index=phone_index, external_user_id=external_user_id, received_at=received_at)
    if _original_among(candidates, enterprise=None, fingerprint=fingerprint, normalised=normalised):
        return None
    # ``appeal_file``'s keyed branch, step for step (the counter row is held from the number to the commit).
    with transaction.atomic(), district.language():
        due = _due(received_on, limits[LimitKey.ACKNOWLEDGE])
        appeal = db.model_row(
            Appeal, id=appeal_id, tracking_number=_PENDING_NUMBER, channel=channel, enterprise_id=None,
            contact_name=(contact_name or "").strip(), contact_phone=checked.phone,
            contact_phone_index=phone_index, contact_address="", external_user_id=external_user_id,
            submitted_by_id=None, title=checked.title,
            content=checked.content, content_fingerprint=fingerprint, category=category or "",
            status=Status.RECEIVED.value, received_at=received_at, stage_started_on=received_on,
            due_at=due.due if due is not None else None, due_provisional=bool(due and due.provisional),
            due_start=received_on, due_days=limits[LimitKey.ACKNOWLEDGE], merged_into_id=None,
        )
        step = db.model_row(AppealStep, id=step_id, appeal_id=appeal_id, kind="received",
                            actor_label=actor_label(actor), at=clock.now(), text=_received_step_text(channel))
        recipient = recipient_of(channel, external_user_id, None, checked.phone)
        acknowledgement = db.model_row(
            notify.Notification, id=acknowledgement_id, appeal_id=appeal_id,
            **notify.outbox_columns(channel=channel, recipient=recipient,
                                    text=_acknowledgement_text(_PENDING_NUMBER, due)),
        )
        rows = db.KeyedRows([(Appeal, appeal), (AppealStep, step), (notify.Notification, acknowledgement)])
        at = clock.now()
        step_events = audit.prepare_rows(
            [{"actor": actor, "action": STEP_ADD, "model": AppealStep, "row": step}], at=at)
        number = numbering.take(TRACKING_NUMBERS, received_on, release_before_flush=True)
        rows.update(0, tracking_number=number.text)
        rows.update(2, text=acknowledgement["text"].replace(_PENDING_NUMBER, number.text))
        written = audit.prepare_rows([{"actor": actor, "action": "appeals.appeal.file", "model": Appeal,
                                       "row": appeal, "details": {"merged_into": None}}], at=at) + step_events
        rows.execute(*audit.pg_insert_rows_statement(written))
        notify.deliver_id_after_commit(channel, acknowledgement_id)
    return PlainFiled(number.text, appeal["status"], appeal["due_at"], appeal["due_provisional"],
                      written[0]["content_hash"])


def attachment_read(*, attachment: Attachment, actor) -> bytes:
    """The bytes of an appeal's file for a reader the selectors let through
    (``selectors.access_attachment``); every read is audited."""
    with transaction.atomic():
        audit.record_event(actor=actor, action="appeals.attachment.read", instance=attachment,
                           details={"appeal": attachment.appeal.tracking_number})
    return core_attachments.read(attachment.file)


def appeal_status_for(
    *, tracking_number: str, contact_phone: str | None = None, external_user_id: str | None = None
) -> Appeal:
    """The appeal a channel's user asks about; they must prove it is theirs (phone or WeChat id).

    Answers ``NotFound`` alike for an unknown number and a wrong phone/id. A merged
    duplicate answers with its original.
    """
    from qinqing.core.errors import NotFound

    appeal = (
        Appeal.objects.filter(tracking_number=(tracking_number or "").strip().upper())
        .select_related("handling_unit")
        .first()
    )
    if appeal is None:
        raise NotFound(field="tracking_number")
    owned = False
    if contact_phone:
        from django.core.exceptions import ValidationError

        from qinqing.core.identifiers import validate_mobile_phone

        try:
            digits = validate_mobile_phone(contact_phone)
        except ValidationError:
            digits = ""
        owned = bool(digits) and appeal.contact_phone_index == blind_index(digits)
    if not owned and external_user_id:
        owned = bool(appeal.external_user_id) and appeal.external_user_id == external_user_id
    if not owned:
        raise NotFound(field="tracking_number")
    if appeal.merged_into_id:
        appeal = Appeal.objects.select_related("handling_unit").get(pk=appeal.merged_into_id)
    return appeal
