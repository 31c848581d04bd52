"""Kernel data: the audit chain and API keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .crypto import EncryptedTextField


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit event."""


class AuditEvent(models.Model):
    """One entry of the audit log. Append-only: the database refuses UPDATE and DELETE,
    except the sequencer's one write, setting ``leaf_index`` once (NULL → a number).

    ``content_hash`` is SM3 over this event's own canonical content (docs/OPERATIONS.md,
    "The audit log"), computed when it is written, in the request's transaction, without
    touching any shared row. The sequencer (``core.transparency``) later gives it its place
    in the Merkle tree (``leaf_index``) and signs tree heads that are published outside the
    database. ``state_digest`` is a keyed SM3 digest of the audited record as the service
    left it, so a later edit of the record itself outside the services is found too.

    ``seq`` orders events locally (a database sequence on PostgreSQL: not gapless); the
    order the log commits to is ``leaf_index``. Events written before the Merkle log also
    carry the old chain (``prev_hash``/``hash``, ending at ``AuditHead``), still verified.
    """

    class ActorType(models.TextChoices):
        USER = "user", _("User")
        API_KEY = "api_key", _("API key")
        SYSTEM = "system", _("System")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor_type = models.CharField(_("actor type"), max_length=16, choices=ActorType.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_api_key = models.ForeignKey(
        "core.ApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    state_digest = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")  # the legacy chain only
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)  # the legacy chain only
    content_hash = models.CharField(_("content hash"), max_length=64, db_index=True, default="")
    leaf_index = models.PositiveBigIntegerField(_("leaf index"), null=True, blank=True, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "seq"], name="core_audit_object_idx"),
            # the sequencer's queue: events not yet in the tree (a small partial index)
            models.Index(
                fields=["seq"], condition=models.Q(leaf_index__isnull=True), name="core_audit_pending_idx"
            ),
        ]
        permissions = [("verify_audit_chain", "Can verify the audit chain")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        # Invariant, not business logic: an event is written once.
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class AuditHead(models.Model):
    """The end of the legacy hash chain (events written before the Merkle log, migration
    0009). Frozen since then: new events never touch it, so writers never wait on a row."""

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"


class AuditTreeNode(models.Model):
    """A perfect subtree of the audit Merkle tree: 2**level leaves starting at leaf
    ``index * 2**level`` (level ≥ 1; leaves are the events' own ``leaf_index``). Written by
    the sequencer as subtrees complete, so a proof reads O(log n) rows. Derived data: the
    verifier recomputes the tree from the events, a client checks proofs against signed heads."""

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="core_treenode_level_index")]
        verbose_name = _("audit tree node")
        verbose_name_plural = _("audit tree nodes")

    def __str__(self) -> str:
        return f"{self.level}/{self.index} {self.hash[:12]}"


class AuditTreeHead(models.Model):
    """A signed tree head: the sequencer signs one each time the tree grows. The signing
    key is never in the database (``core.transparency.keys``); heads are published outside
    it (``core.transparency.publish``)."""

    tree_size = models.PositiveBigIntegerField(_("tree size"), unique=True)
    root_hash = models.CharField(_("root hash"), max_length=64)
    timestamp = models.DateTimeField(_("signed at"))
    algorithm = models.CharField(_("algorithm"), max_length=16)
    key_id = models.CharField(_("key id"), max_length=64)
    signature = models.TextField(_("signature"))
    public_key = models.CharField(_("public key"), max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-tree_size"]
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")

    def __str__(self) -> str:
        return f"{self.tree_size} {self.root_hash[:12]}"


class AuditPublication(models.Model):
    """One attempt to publish a signed head outside the database (the anchor file, a
    witness). Operational record, not audited; success means the target acknowledged it."""

    head = models.ForeignKey(AuditTreeHead, on_delete=models.PROTECT, related_name="publications")
    target = models.CharField(_("target"), max_length=300)
    ok = models.BooleanField(_("succeeded"))
    detail = models.CharField(_("detail"), max_length=500, blank=True, default="")
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["target", "-at"], name="core_publication_target")]
        verbose_name = _("tree head publication")
        verbose_name_plural = _("tree head publications")

    def __str__(self) -> str:
        return f"{self.target} {self.head_id} {'ok' if self.ok else 'failed'}"


class ApiKey(models.Model):
    """A key an external system presents in the ``X-API-Key`` header. Only a hash is stored."""

    name = models.SlugField(_("name"), max_length=64, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("manage_apikey", "Can create and revoke API keys")]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


# --- working-day calendar ------------------------------------------------------------
class CalendarYear(models.Model):
    """One year whose statutory holidays and make-up workdays (调休) are loaded.

    A year without this row has no schedule: date arithmetic in it is refused, never guessed.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["year"]
        permissions = [("manage_calendar", "Can edit the working-day calendar")]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the plain Monday–Friday week: a holiday or a make-up workday."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up workday")

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.PROTECT, related_name="days", verbose_name=_("year")
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.kind} {self.name}"


class DeadlineBasis(models.Model):
    """How a deadline stored on another app's record was counted, kept while it runs into the
    provisional year (``core.calendar.deadlines``): ``days`` working days from ``start`` gave ``due``.

    When a year's schedule is set, the deadline is counted again from this basis, so the official
    schedule moves it. One row per record and date field; dropped once the date is official."""

    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record id"), max_length=64)
    field = models.CharField(_("date field"), max_length=64)
    start = models.DateField(_("deadline counted from"))
    days = models.PositiveSmallIntegerField(_("working days counted"))
    due = models.DateField(_("due date counted"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "field"], name="core_deadline_basis_once"
            )
        ]
        ordering = ["pk"]
        verbose_name = _("deadline basis")
        verbose_name_plural = _("deadline bases")

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}.{self.field} {self.start}+{self.days}"


# --- who a printed letter is from ----------------------------------------------------------------------
class LetterIssuer(models.Model):
    """Who issued a letter, as it was when the decision the letter carries was made (``core.letters``): the
    office at its head and under its seal, the words on the seal, who signed it (a letter naming its
    approver), and the deciding unit's id (none: the district's office). Written by the deciding service in
    its transaction (``letters.keep_issuer``), so a letter reprinted after the unit is renamed, its seal
    text changed or its approver moved still shows the original issuer.
    One row per record and letter kind; a later decision on the same letter (a request accepted, then
    closed; an answer revised) replaces it. A record decided before these rows existed has none and prints
    today's issuer."""

    # the record's model label (as the audit's object_type) and key
    record_type = models.CharField(_("record type"), max_length=100)
    record_id = models.CharField(_("record id"), max_length=64)
    kind = models.CharField(pgettext_lazy("kind of printed letter", "letter"), max_length=64)
    # the deciding unit's id (None: the district's office); no foreign key, core depends on no app
    unit_id = models.BigIntegerField(_("deciding unit"), null=True, blank=True)
    office = models.CharField(_("issuing office"), max_length=200, blank=True, default="")
    seal = models.CharField(_("seal text"), max_length=200, blank=True, default="")
    # who signed the decision, as the letter names them ("王领导（副局长）"; blank: the letter names nobody)
    signatory = models.CharField(_("signed by"), max_length=200, blank=True, default="")
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "kind"], name="core_letter_issuer_once"
            )
        ]
        ordering = ["pk"]
        verbose_name = _("letter issuer")
        verbose_name_plural = _("letter issuers")

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} {self.kind}: {self.office}"

# --- document numbers ----------------------------------------------------------------
class Counter(models.Model):
    """The last number taken in one series and period (``core.numbering``).

    Not audited: the numbers it hands out are stored in audited records. A row per
    (series, period), e.g. ("appeals.tracking", "20261130") or ("conduct.letter", "2026").
    """

    series = models.CharField(_("series"), max_length=64)
    period = models.CharField(_("period"), max_length=16, blank=True, default="")
    last = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["series", "period"], name="core_counter_series_period")
        ]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return f"{self.series} {self.period}: {self.last}"


# --- background jobs -----------------------------------------------------------------
class JobState(models.Model):
    """The last run of one background job (``core.jobs``), for the jobs page and /healthz/jobs.

    Not audited: operational state, like a cache; the jobs' own writes are audited.
    ``running_since``/``run_token`` are the job's claim: a run takes it with one conditional
    UPDATE, so two workers never run the same job at once; a claim older than the job's
    time limit has expired (the worker died) and can be taken again.
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("Succeeded")
        FAILED = "failed", pgettext_lazy("job outcome", "Failed")  # not an SMS's "Failed" (发送失败)

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    run_token = models.CharField(max_length=32, blank=True, default="")
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(_("last duration (ms)"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    last_summary = models.CharField(_("last result"), max_length=500, blank=True, default="")
    last_error = models.CharField(_("last error"), max_length=500, blank=True, default="")
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("job state")
        verbose_name_plural = _("job states")

    def __str__(self) -> str:
        return f"{self.name}: {self.last_outcome or '-'}"


# --- the district's own particulars --------------------------------------------------------------------
class DistrictSettings(models.Model):
    """What every printed letter carries: the district's name, the text of its seal and the office
    that issues the documents. One row, filled in by an administrator on first run
    (``core.district``); until then letters show the gap instead of a made-up name."""

    district_name = models.CharField(_("district name"), max_length=40)
    seal_text = models.CharField(_("seal text"), max_length=40)
    issuing_office = models.CharField(_("issuing office"), max_length=60)
    helpdesk = models.CharField(_("how to reach an administrator"), max_length=100, blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("district settings")
        verbose_name_plural = _("district settings")

    def __str__(self) -> str:
        return self.district_name


# --- limits, standards and time limits as data (core.time_limits) ---------------------------------------
class TimeLimit(models.Model):
    """A value an administrator changed from its default: a time limit, a warning period, a first year.
    The apps declare each one (``<app>/time_limits.py``: key, default, unit, bounds, article); a key with no
    row here has its default."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    value = models.PositiveIntegerField(_("value"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("configured limit")
        verbose_name_plural = _("configured limits")

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"


# --- idempotent API writes (issue 18) ----------------------------------------------------------------
class IdempotencyRecord(models.Model):
    """The first answer to a creating API call sent with an ``Idempotency-Key`` header
    (``core.idempotency``). Stored in the same transaction as the call's own writes, so an
    answer is remembered exactly when its writes were committed. Not audited itself: the
    operation it answers recorded its own events; this is a copy of the reply."""

    principal = models.CharField(_("caller"), max_length=80)  # "key:<sha256 of the key>" or "user:<id>"
    key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(_("request digest"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"))
    content_type = models.CharField(_("content type"), max_length=100)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="core_idempotency_unique")]
        indexes = [models.Index(fields=["principal", "created_at"], name="core_idempotency_age")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"


# --- account privileges (issue 19) -----------------------------------------------------------------
class AccountPrivileges(models.Model):
    """The privilege columns of each login account, read from Django's ``auth_user`` table.

    Not managed (the table is ``django.contrib.auth``'s): ``core.audit.accounts`` records an
    event whenever an account is created or its user name, ``is_active``, ``is_staff`` or
    ``is_superuser`` changes, from anywhere (services, admin, shell), so ``audit verify``'s
    record check proves each account's flags are as its last event left them — a
    superuser flag set directly in the database is found."""

    id = models.AutoField(primary_key=True)
    username = models.CharField(_("user name"), max_length=150)
    is_active = models.BooleanField(_("active"))
    is_staff = models.BooleanField(_("staff status"))
    is_superuser = models.BooleanField(_("superuser status"))

    class Meta:
        managed = False
        db_table = "auth_user"
        default_permissions = ()
        verbose_name = _("account privileges")
        verbose_name_plural = _("account privileges")

    def __str__(self) -> str:
        return self.username


# The kernel's audited models are registered here, after their classes, not with the decorator
# above each: the registry is in the ``audit`` package, whose module reads these classes
# (``from ..models import AuditEvent``), so it can only be imported once they exist.
from .audit.registry import audited  # noqa: E402

audited(masked={"key_hash": lambda value: "***"})(ApiKey)
audited()(CalendarYear)
audited()(CalendarDay)
audited()(DeadlineBasis)
audited()(LetterIssuer)
audited()(DistrictSettings)
audited()(TimeLimit)
audited()(AccountPrivileges)


class ImportRun(models.Model):
    """A ledger import too large to run in its page's request (``core.imports``): queued for the worker, its
    state, and when done its report, which only the user who started it sees.

    Not audited as a record (its progress and state change outside the services' events, like
    ``JobState``); what it imports is audited by the import itself, and queueing and the outcome are events
    of their own (object type ``core.ImportRun``). The file name, the report and the failure are SM4
    encrypted (a file name, a rejected row or a refusal may quote a name or a number); the file waits in
    ``ImportUpload``, encrypted, and is deleted when the run ends."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import state", "Queued")
        RUNNING = "running", pgettext_lazy("import state", "Running")
        DONE = "done", pgettext_lazy("import state", "Done")
        FAILED = "failed", pgettext_lazy("import state", "Failed")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    back = models.CharField(max_length=500, blank=True, default="")  # the page it was started on
    filename = EncryptedTextField(_("file"), blank=True, default="")
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    dry_run = models.BooleanField(_("dry run"), default=False)
    language = models.CharField(max_length=16, blank=True, default="")
    runner = models.CharField(max_length=200)  # the import's function, as a dotted path
    arguments = models.JSONField(default=dict)  # its arguments: plain values, records as (label, pk)
    shown = models.JSONField(default=dict)  # how its page shows the report (core/_import_report.html)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("queued at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    report = EncryptedTextField(blank=True, default="")  # JSON (core.imports.stored_report)
    error = EncryptedTextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"


class ImportUpload(models.Model):
    """The file of a queued import while it waits for the worker: SM4-GCM (``core.crypto.encrypt_bytes``).
    Deleted when the run ends, whatever its outcome."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, primary_key=True, related_name="upload")
    data = models.BinaryField()

    def __str__(self) -> str:
        return f"file of import {self.run_id}"
