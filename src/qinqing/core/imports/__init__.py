"""Ledger imports too large for their page's request, run as a job on the task queue (``core.jobs``).

Every import page goes through ``core.forms.imported``. A file whose import is estimated to take longer than
``settings.IMPORT_IN_REQUEST_SECONDS`` (its rows, counted cheaply, times the import's measured cost per row)
is not run in the request, where the web server's timeout (gunicorn ``--timeout 60``) would kill it half-way:
``queue`` keeps it, SM4-encrypted (``ImportUpload``), with the import's function and arguments on an
``ImportRun``, and the page redirects to the run's status page (``views.import_run``), which only the user
who started it may open. The worker's job ``core.imports`` (``run_queued``) runs each queued import as
the page would have: the same function and arguments, the user as actor, in the user's language, under the
ledger's lock (``core.tabular.one_import_at_a_time``, inside the import); the run's outcome and report are
written in the import's own transaction, so an import either committed with its report or left nothing —
a run interrupted (the worker died) is taken again after the task timeout, at most ``MAX_ATTEMPTS`` times,
and imports are idempotent by their natural keys anyway. The file is deleted when the run ends, whatever
its outcome; the report (counts, rejected rows) and a failure's text are stored SM4-encrypted.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import json
import logging
import os
import time
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .. import audit, clock, jobs
from ..crypto import DecryptionError, decrypt_bytes, encrypt_bytes
from ..errors import ServiceError
from ..tabular import count_rows

logger = logging.getLogger("qinqing.core.imports")

JOB = "core.imports"
OBJECT_TYPE = "core.ImportRun"
MAX_ATTEMPTS = 3  # runs interrupted (the worker died) this many times: failed, the file deleted
KEEP_DAYS = 30  # a finished run's report (its rejected rows quote the file) is kept this long, then deleted
# Measured on this machine (docs/OPERATIONS.md, "Large imports"): a directory registry export imports at about
# 1 ms a row; an import whose rows cost more says so (``imported(..., row_ms=…)``).
DEFAULT_ROW_MS = 1.0
# An .xlsx written without its sheet's dimension (openpyxl's write-only mode, some exporters) tells no row
# count cheaply: its rows are estimated from its size (a registry export: 52 bytes a row, compressed).
XLSX_BYTES_PER_ROW = 50


def estimated_rows(data: bytes, filename: str) -> int:
    rows = count_rows(data, filename)
    if not rows and os.path.splitext(filename or "")[1].lower() == ".xlsx":
        rows = len(data) // XLSX_BYTES_PER_ROW
    return rows


def too_long_for_a_request(rows: int, row_ms: float) -> bool:
    return rows * row_ms / 1000 > settings.IMPORT_IN_REQUEST_SECONDS


class ImportQueued(HttpResponseRedirect):
    """What ``core.forms.imported`` answers for a file queued for the worker: the page redirects to the run's
    status page (``if isinstance(report, ImportQueued): return report``)."""

    def __init__(self, run):
        super().__init__(reverse("core:import_run", args=[run.pk]))
        self.run = run


# --- queueing ----------------------------------------------------------------------------------------------
def _dotted(func) -> str:
    path = f"{func.__module__}.{func.__qualname__}"
    if import_string(path) is not func:
        raise ValueError(f"an import queued for the worker must be a module-level function, not {func!r}")
    return path


def _plain_argument(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"record": value._meta.label, "pk": value.pk}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"an import's argument cannot wait for the worker: {value!r}")


def _argument(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"record", "pk"}:
        return apps.get_model(value["record"])._default_manager.get(pk=value["pk"])
    return value


def _runner(run, arguments: dict) -> tuple[str, dict]:
    """The import's function as a dotted path and its arguments as JSON (a record as its label and key)."""
    positional: tuple = ()
    if isinstance(run, functools.partial):
        positional, arguments = run.args, {**run.keywords, **arguments}
        run = run.func
    return _dotted(run), {"args": [_plain_argument(value) for value in positional],
                          "kwargs": {name: _plain_argument(value) for name, value in arguments.items()}}


def queue(request, run, data: bytes, *, filename: str, dry_run: bool, rows: int, arguments: dict,
          shown: dict) -> ImportQueued:
    """Keep the file (encrypted) and what to run for the worker, audited; the job is queued on the commit."""
    from ..models import ImportRun, ImportUpload

    runner, plain = _runner(run, arguments)
    with transaction.atomic():
        row = ImportRun.objects.create(
            owner=request.user, back=request.get_full_path()[:500], filename=filename or "", size=len(data),
            rows=rows, dry_run=dry_run, language=translation.get_language() or settings.LANGUAGE_CODE,
            runner=runner, arguments=plain, shown=shown, request_id=audit.current_request_id(),
            created_at=clock.now(),
        )
        ImportUpload.objects.create(run=row, data=encrypt_bytes(data))
        audit.record_event(actor=request.user, action="core.import.queue", object_type=OBJECT_TYPE,
                           object_id=row.pk, details=_details(row))
        transaction.on_commit(lambda: jobs.enqueue(JOB))
    return ImportQueued(row)


def _details(row) -> dict:
    """What the audit log says of a run: the import and its size, never the file's name or content."""
    return {"import": row.runner, "dry_run": row.dry_run, "rows": row.rows, "bytes": row.size}


# --- the worker --------------------------------------------------------------------------------------------
def _stale_before() -> datetime.datetime:
    """A run claimed before this was interrupted: the task queue stops a task after its timeout."""
    return clock.now() - datetime.timedelta(seconds=settings.TASK_TIMEOUT_SECONDS + 300)


def _claim_next():
    """The oldest queued run (or one whose worker died), claimed with one conditional UPDATE."""
    from ..models import ImportRun

    waiting = ImportRun.objects.filter(
        Q(state=ImportRun.State.QUEUED) | Q(state=ImportRun.State.RUNNING, claimed_at__lt=_stale_before())
    ).order_by("created_at", "pk").values_list("pk", "state", "claimed_at")[:10]
    for pk, state, claimed_at in waiting:
        now = clock.now()
        taken = ImportRun.objects.filter(pk=pk, state=state, claimed_at=claimed_at).update(
            state=ImportRun.State.RUNNING, claimed_at=now, attempts=F("attempts") + 1,
            started_at=Coalesce(F("started_at"), now),
        )
        if taken:
            return ImportRun.objects.select_related("owner").get(pk=pk)
    return None


def run_queued(**_kwargs) -> str:
    """The job: every queued import, oldest first, each isolated (one failing is recorded on its run)."""
    ran, started = 0, time.monotonic()
    # the queue stops a task after its timeout: past a third of it, the next minute's run takes the rest
    budget = settings.TASK_TIMEOUT_SECONDS / 3
    while time.monotonic() - started < budget and (run := _claim_next()) is not None:
        execute(run)
        ran += 1
    purged = purge_finished()
    summary = f"{ran} import(s) run"
    return summary + (f", {purged} finished run(s) older than {KEEP_DAYS} days deleted" if purged else "")


def purge_finished() -> int:
    """Finished runs older than ``KEEP_DAYS``, with their reports, deleted (audited: how many)."""
    from ..models import ImportRun

    with transaction.atomic():
        old = ImportRun.objects.filter(finished_at__lt=clock.now() - datetime.timedelta(days=KEEP_DAYS))
        count = old.delete()[1].get(ImportRun._meta.label, 0)
        if count:
            audit.record_event(actor=audit.SystemActor("core.imports"), action="core.import.purge",
                               object_type=OBJECT_TYPE, object_id=0,
                               details={"runs": count, "days": KEEP_DAYS})
    return count


def _progress_factory(run_pk: int):
    """Rows read so far, written about once a second on a connection of its own (PostgreSQL), so the status
    page sees them while the import's transaction is open. SQLite has one writer, the import: no progress."""
    if connection.vendor != "postgresql":
        return None, lambda: None
    other = connections.create_connection("default")
    from ..models import ImportRun

    table = connection.ops.quote_name(ImportRun._meta.db_table)
    statement = f"UPDATE {table} SET rows_read = %s WHERE id = %s"  # noqa: S608 (the model's own table)
    done = {"rows": 0, "written_at": 0.0}

    def factory(_total):
        def advance(count: int) -> None:
            done["rows"] += count
            now = time.monotonic()
            if now - done["written_at"] >= 1:
                done["written_at"] = now
                try:
                    with other.cursor() as cursor:
                        cursor.execute(statement, [done["rows"], run_pk])
                except Exception:  # progress is a courtesy: the import goes on
                    logger.warning("import %s: could not record its progress", run_pk)
        return advance

    return factory, other.close


def _run_import(run, data: bytes):
    func = import_string(run.runner)
    args = [_argument(value) for value in run.arguments.get("args", [])]
    kwargs = {name: _argument(value) for name, value in run.arguments.get("kwargs", {}).items()}
    factory, close = _progress_factory(run.pk)
    if factory is not None and "progress_factory" in inspect.signature(func).parameters:
        kwargs["progress_factory"] = factory
    try:
        return func(*args, data, filename=run.filename, dry_run=run.dry_run, **kwargs)
    finally:
        close()


def execute(run) -> None:
    """Run one claimed import and record its outcome; never raises for the import's own failure."""
    from ..models import ImportRun, ImportUpload

    with translation.override(run.language or settings.LANGUAGE_CODE), audit.request_context(run.request_id):
        if run.attempts > MAX_ATTEMPTS:
            _failed(run, "interrupted", _(
                "The import was interrupted %(times)s times (the server stopped while it ran) and nothing "
                "was imported. Split the file and import the parts, or ask the administrator."
            ) % {"times": MAX_ATTEMPTS})
            return
        if not run.owner.is_active:
            _failed(run, "inactive", _("The account that started the import is no longer active: nothing was "
                                       "imported."))
            return
        try:
            upload = ImportUpload.objects.get(run=run)
            data = decrypt_bytes(bytes(upload.data))
            with transaction.atomic():
                report = _run_import(run, data)
                stored = stored_report(report)
                ImportRun.objects.filter(pk=run.pk).update(
                    state=ImportRun.State.DONE, report=json.dumps(stored, ensure_ascii=False),
                    rows_read=stored["rows"], finished_at=clock.now(),
                )
                ImportUpload.objects.filter(run=run).delete()
                audit.record_event(actor=run.owner, action="core.import.done", object_type=OBJECT_TYPE,
                                   object_id=run.pk, details={**_details(run), **_counts(stored)})
        except ServiceError as error:
            _failed(run, error.code or "refused", error.text())
        except (ImportUpload.DoesNotExist, DecryptionError):
            logger.error("import %s: its file is missing or cannot be decrypted", run.pk)
            _failed(run, "file_unreadable", _(
                "The file could not be read back for the import (it is gone, or was stored under another "
                "key): nothing was imported. Upload it again."))
        except Exception:
            logger.exception("import %s stopped on an unexpected error", run.pk)
            _failed(run, "unexpected", _(
                "The import stopped on an unexpected error and nothing was imported. Try again; if it "
                "happens again, tell the administrator (import number %(number)s).") % {"number": run.pk})


def _failed(run, code: str, text: str) -> None:
    from ..models import ImportRun, ImportUpload

    with transaction.atomic():
        ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.FAILED, error=str(text),
                                                   finished_at=clock.now())
        ImportUpload.objects.filter(run=run).delete()
        audit.record_event(actor=run.owner, action="core.import.fail", object_type=OBJECT_TYPE,
                           object_id=run.pk, details={**_details(run), "code": code})


# --- the report --------------------------------------------------------------------------------------------
def _rejection(item) -> dict:
    return {"row": item.row, "column": str(getattr(item, "column", "") or getattr(item, "field", "")),
            "error": str(item.error), "values": dict(getattr(item, "values", None) or {})}


def stored_report(report) -> dict:
    """An import's report as JSON (every import's report has the directory's shape,
    ``core/_import_report.html``; the directory's also has warnings and the ownership rules it inferred)."""
    rejected = [_rejection(item) for item in report.rejected]
    return {
        "dry_run": bool(report.dry_run),
        "imported": report.imported, "updated": report.updated, "unchanged": report.unchanged,
        "rejected_rows": report.rejected_rows,
        "rejected": rejected,
        "warnings": [_rejection(item) for item in getattr(report, "warnings", None) or []],
        "inferred": {str(rule): rows for rule, rows in (getattr(report, "inferred", None) or {}).items()},
        "rows": report.imported + report.updated + report.unchanged + report.rejected_rows,
    }


def _counts(stored: dict) -> dict:
    return {name: stored[name] for name in ("imported", "updated", "unchanged", "rejected_rows")}


def report_of(run) -> dict | None:
    return json.loads(run.report) if run.report else None


def register_job() -> None:
    from django.utils.translation import gettext_lazy

    jobs.register(jobs.Job(
        JOB, "qinqing.core.imports.run_queued", gettext_lazy("Large ledger imports"),
        # queued when a page keeps a file for it; every minute too, for a run queued while another drained
        # the queue, or left by a worker that died
        every_minutes=1,
        max_minutes=settings.TASK_TIMEOUT_SECONDS // 60 + 5,
        description=gettext_lazy("Ledger imports too large for their page's request, one after another."),
    ))
