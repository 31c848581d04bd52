"""Large ledger imports run on the worker (core.imports): a file whose import would outlast the request is
queued, encrypted, run by the job, reported to the user who started it alone, and deleted after the run."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation

from qinqing.core import clock, imports, jobs
from qinqing.core.models import AuditEvent, ImportRun, ImportUpload
from qinqing.core.roles import Role
from qinqing.directory.models import Enterprise
from qinqing.directory.tests.test_import import enterprise_rows, resident_id, uscc
from qinqing.directory.tests.test_import_views import csv_upload
from qinqing.supervision.tests.test_duties import _workbook, district  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_everything(settings):
    """Any file is past the threshold: the test's few rows stand for a large file."""
    settings.IMPORT_IN_REQUEST_SECONDS = 0


def _post_directory(client, *, dry_run=False, rows=None):
    data = {"kind": "enterprises", "file": csv_upload(rows or enterprise_rows())}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("directory:import"), data)


def _raw(column: str, run) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM core_importrun WHERE id = %s", [run.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_a_large_file_is_queued_run_by_the_worker_and_reported_to_its_owner_alone(
    client, make_user, queue_everything, django_capture_on_commit_callbacks
):
    owner = make_user(Role.ADMINISTRATOR)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_directory(client)

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:import_run", args=[run.pk])
    assert run.state == ImportRun.State.QUEUED and run.owner == owner and Enterprise.objects.count() == 0
    # the task is on the queue, for the job that runs every queued import
    from django_q.models import OrmQ
    from django_q.signing import SignedPackage

    assert [SignedPackage.loads(row.payload)["args"] for row in OrmQ.objects.all()] == [(imports.JOB,)]
    # the file waits encrypted: no name, credit code or resident ID of it is in the stored bytes
    stored = bytes(ImportUpload.objects.get(run=run).data)
    clear_values = ("甲科技有限公司".encode("gbk"), uscc(1).encode(), resident_id(1).encode(),
                    b"enterprises.csv")
    for clear in clear_values:
        assert clear not in stored
    assert "enterprises.csv" not in _raw("filename", run)
    waiting = client.get(reverse("core:import_run", args=[run.pk]))
    assert waiting.status_code == 200 and 'data-state="queued"' in waiting.content.decode()
    assert 'hx-trigger="every 2s"' in waiting.content.decode()  # the page polls itself (htmx)

    assert "1 import(s) run" in jobs.run(imports.JOB)

    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE and Enterprise.objects.count() == 2
    assert not ImportUpload.objects.exists()  # the file is gone
    raw_report = _raw("report", run)
    assert raw_report.startswith("sm4gcm:")
    assert "甲科技有限公司" not in raw_report and "丙公司" not in raw_report
    # audited as the in-request import: the rows by the directory's own events, as the user; and the run
    actions = list(AuditEvent.objects.filter(actor_user=owner).values_list("action", flat=True))
    assert "core.import.queue" in actions and "core.import.done" in actions
    assert any(action.startswith("directory.") for action in actions)
    done = AuditEvent.objects.get(action="core.import.done")
    assert done.details["imported"] == 2 and "enterprises.csv" not in json.dumps(done.details)

    page = client.get(reverse("core:import_run", args=[run.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-state="done"' in html and "hx-trigger" not in html
    assert page.context["report"]["imported"] == 2 and page.context["report"]["rejected_rows"] == 5
    assert 'data-testid="import-report"' in html
    # the page's own sections after the report
    assert "directory/_import_notes.html" in [template.name for template in page.templates]
    errors = client.get(reverse("core:import_run_rejections", args=[run.pk]))
    assert errors.status_code == 200

    # nobody else: another administrator, the same role, gets 404 for the page and its rejected rows
    for stranger in (make_user(Role.ADMINISTRATOR), make_user(Role.DEPARTMENT_HANDLER)):
        client.force_login(stranger)
        assert client.get(reverse("core:import_run", args=[run.pk])).status_code == 404
        assert client.get(reverse("core:import_run_rejections", args=[run.pk])).status_code == 404


def test_a_small_file_is_imported_in_the_request_as_before(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = _post_directory(client)
    assert response.status_code == 200 and response.context["report"].imported == 2
    assert not ImportRun.objects.exists()


def test_the_threshold_is_the_estimated_time_of_the_file(settings):
    settings.IMPORT_IN_REQUEST_SECONDS = 10
    header = "企业名称,统一社会信用代码\n".encode()
    rows = b"".join(f"公司{index},91330106MA2B{index:06d}\n".encode() for index in range(11_000))
    assert imports.estimated_rows(header + rows, "a.csv") == 11_000
    assert imports.too_long_for_a_request(11_000, imports.DEFAULT_ROW_MS)  # 11 s
    assert not imports.too_long_for_a_request(9_000, imports.DEFAULT_ROW_MS)
    assert imports.too_long_for_a_request(400, 30)  # a 12345 export: 12 s
    # an .xlsx that does not say how many rows it has is estimated from its size
    assert imports.estimated_rows(b"PK" + b"\0" * 50_000, "a.xlsx") == 1_000


def test_a_dry_run_on_the_worker_changes_nothing_and_deletes_the_file(client, make_user, queue_everything):
    client.force_login(make_user(Role.ADMINISTRATOR))
    _post_directory(client, dry_run=True)
    imports.run_queued()
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.DONE and imports.report_of(run)["dry_run"] is True
    assert imports.report_of(run)["imported"] == 2 and Enterprise.objects.count() == 0
    assert not ImportUpload.objects.exists()
    assert client.get(reverse("core:import_run", args=[run.pk])).context["report"]["dry_run"] is True


def test_an_import_run_twice_files_nothing_twice(client, make_user, queue_everything):
    """A retry (a worker died after the queue handed the task out) or the same file queued twice: the second
    run finds the first one's rows by their natural keys."""
    client.force_login(make_user(Role.ADMINISTRATOR))
    _post_directory(client)
    _post_directory(client)
    imports.run_queued()
    first, second = ImportRun.objects.order_by("pk")
    assert Enterprise.objects.count() == 2
    assert imports.report_of(first)["imported"] == 2
    assert imports.report_of(second)["imported"] == 0 and imports.report_of(second)["unchanged"] == 2


def test_a_run_whose_worker_died_is_taken_again_and_a_done_one_never(client, make_user, queue_everything):
    client.force_login(make_user(Role.ADMINISTRATOR))
    _post_directory(client)
    run = ImportRun.objects.get()
    # claimed by a worker that died (nothing it did was committed: the import is one transaction)
    long_ago = clock.now() - datetime.timedelta(hours=2)
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING, claimed_at=long_ago, attempts=1)
    imports.run_queued()
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE and run.attempts == 2 and Enterprise.objects.count() == 2
    assert imports.run_queued() == "0 import(s) run"  # a queue handing the task out again runs nothing
    assert Enterprise.objects.count() == 2


def test_a_run_interrupted_too_often_fails_and_its_file_is_deleted(client, make_user, queue_everything):
    client.force_login(make_user(Role.ADMINISTRATOR))
    _post_directory(client)
    run = ImportRun.objects.get()
    long_ago = clock.now() - datetime.timedelta(hours=2)
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING, claimed_at=long_ago,
                                              attempts=imports.MAX_ATTEMPTS)
    imports.run_queued()
    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED and not ImportUpload.objects.exists()
    assert Enterprise.objects.count() == 0 and "中断" in run.error


def test_a_failed_run_says_why_in_the_users_language_never_a_traceback(client, make_user, queue_everything):
    client.force_login(make_user(Role.ADMINISTRATOR))
    # a file naming no column of the import: refused as a whole, as the page refuses it
    client.post(reverse("directory:import"),
                {"kind": "enterprises", "file": SimpleUploadedFile("x.csv", "甲,乙\n1,2\n".encode())})
    imports.run_queued()
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED and not ImportUpload.objects.exists()
    assert run.language == "zh-hans" and "列" in run.error and "Traceback" not in run.error
    assert _raw("error", run).startswith("sm4gcm:")
    html = client.get(reverse("core:import_run", args=[run.pk])).content.decode()
    assert 'data-state="failed"' in html and run.error.split("：")[0][:10] in html
    event = AuditEvent.objects.get(action="core.import.fail")
    assert event.details["code"] == "file_no_known_columns"


def test_an_unexpected_error_is_recorded_in_words_and_the_file_deleted(
    client, make_user, queue_everything, monkeypatch
):
    client.force_login(make_user(Role.ADMINISTRATOR))
    _post_directory(client)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire at 甲科技有限公司")

    monkeypatch.setattr(imports, "_run_import", broken)
    imports.run_queued()
    run = ImportRun.objects.get()
    assert run.state == ImportRun.State.FAILED and not ImportUpload.objects.exists()
    assert "RuntimeError" not in run.error and "disk" not in run.error and str(run.pk) in run.error
    with translation.override("zh-hans"):
        assert run.error.startswith("导入")


def test_a_duty_lists_tasks_queued_run_with_the_list_under_its_lock(client, district, queue_everything):  # noqa: F811
    from qinqing.supervision.duties import services

    d = district
    duty = services.duty_create(unit=d["bureau"], year=2026, actor=d["handler"])
    data = _workbook([["任务", "完成时限"], ["每季度走访重点企业", "2026-12-31"],
                      ["开展警示教育", "2026-06-30"]])
    client.force_login(d["handler"])
    url = reverse("supervision:duty_task_import", args=[duty.pk])
    response = client.post(url, {"file": SimpleUploadedFile("tasks.xlsx", data)})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert run.arguments["kwargs"]["duty_list"] == {"record": duty._meta.label, "pk": duty.pk}
    assert run.shown == {"without_updates": True, "notes": ""} and run.back == url
    imports.run_queued()
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE and duty.tasks.count() == 2
    html = client.get(reverse("core:import_run", args=[run.pk])).content.decode()
    assert 'data-testid="updated"' not in html and 'data-testid="imported">2<' in html
    client.force_login(d["stranger"])  # the same role in another unit
    assert client.get(reverse("core:import_run", args=[run.pk])).status_code == 404


SEEN_WHILE_RUNNING = []


def counting_import(data, *, filename, dry_run, actor, progress_factory=None):
    """An import that reads 5 rows, then looks from another connection at what the status page would show."""
    from django.db import connections

    from qinqing.directory.importing import ImportReport

    advance = progress_factory(5)
    advance(5)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT state, rows_read FROM core_importrun")
            SEEN_WHILE_RUNNING.extend(cursor.fetchall())
    finally:
        other.close()
    return ImportReport(kind="test", dry_run=dry_run, imported=5)


@pytest.mark.django_db(transaction=True)
def test_the_rows_read_so_far_are_seen_while_the_import_runs(client, make_user, queue_everything):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer, the import: no progress while it runs")
    client.force_login(make_user(Role.ADMINISTRATOR))
    _post_directory(client)
    ImportRun.objects.update(runner=f"{__name__}.counting_import", arguments={"args": [], "kwargs": {
        "actor": {"record": "auth.User", "pk": ImportRun.objects.get().owner_id}}})
    SEEN_WHILE_RUNNING.clear()
    imports.run_queued()
    assert SEEN_WHILE_RUNNING == [("running", 5)]
    assert ImportRun.objects.get().state == ImportRun.State.DONE


def test_finished_runs_are_deleted_after_the_days_kept(client, make_user, queue_everything, frozen_clock):
    frozen_clock("2026-11-01 10:00")
    client.force_login(make_user(Role.ADMINISTRATOR))
    _post_directory(client)
    imports.run_queued()
    frozen_clock("2026-11-30 10:00")
    assert imports.run_queued() == "0 import(s) run" and ImportRun.objects.count() == 1
    frozen_clock("2026-12-02 10:00")
    assert "1 finished run(s)" in imports.run_queued() and not ImportRun.objects.exists()
    assert AuditEvent.objects.get(action="core.import.purge").details == {"runs": 1, "days": 30}
