"""The policy library's full-text index (article 4; FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL —
run this file on both), the reminders for documents whose validity ends and measures overdue (working days
on the core calendar), and article 19's yearly figures."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from qinqing.core import calendar
from qinqing.core.audit import SystemActor
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import in_english
from qinqing.directory.tests import factories as directory
from qinqing.policy import jobs, search_index, selectors, services
from qinqing.policy.models import ActivityKind, Level, PolicyReminder, ReminderKind

pytestmark = pytest.mark.django_db

GUARANTEE = """关于支持中小微企业融资担保的若干措施
第一条 健全政府性融资担保体系，降低担保费率。
第二条 对首贷户给予贴息支持。
"""
LAND = """关于优化产业用地供应的通知
第一条 工业用地可以弹性年期出让，先租后让。
第二条 融资租赁企业按规定享受支持。
"""


def _import(text, *, level=Level.MUNICIPAL, valid_until=None, name="doc.txt"):
    document, created = services.policy_import(
        raw_text=text,
        source_name=name,
        actor=SystemActor("test"),
        series=None,
        level=level,
        issuing_body="某市人民政府",
        valid_until=valid_until,
    )
    assert created
    return document


def _index_rows() -> int:
    """The index's rows for documents in the database (a transactional test elsewhere on the same worker
    leaves rows behind: the flush between tests empties Django's tables, not the index)."""
    from qinqing.policy.models import PolicyDocument

    key = "document_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {search_index.TABLE} s JOIN {PolicyDocument._meta.db_table} d "  # noqa: S608
            f"ON d.id = s.{key}"
        )
        return cursor.fetchone()[0]


def test_the_index_finds_a_policy_by_a_word_inside_it_without_reading_the_texts(db):
    guarantee = _import(GUARANTEE, name="guarantee.txt")
    land = _import(LAND, name="land.txt")
    assert _index_rows() == 2  # each document indexed by its import, in its transaction

    with CaptureQueriesContext(connection) as queries:
        results = selectors.search("担保")  # a word inside 融资担保
    assert [row["document"] for row in results] == [guarantee]
    assert [a.key for a in results[0]["articles"]] == ["1"]
    # the documents come from the index: no statement reads or scans the stored texts
    assert not any("raw_text" in query["sql"] for query in queries.captured_queries)
    assert any(search_index.TABLE in query["sql"] for query in queries.captured_queries)

    assert {row["document"].pk for row in selectors.search("融资")} == {guarantee.pk, land.pk}
    assert [row["document"] for row in selectors.search("先租后让")] == [land]
    assert [row["document"] for row in selectors.search("弹性年期出让")] == [land]
    assert selectors.search("区块链担保") == []  # every word must be there
    assert selectors.search("某市人民政府")  # the issuing body is indexed too
    assert selectors.search("，。") == []


def test_a_new_version_replaces_the_old_one_in_the_results(db):
    first = _import(GUARANTEE, name="v1.txt")
    second = _import(GUARANTEE.replace("降低担保费率", "担保费率降至百分之一"), name="v2.txt")
    first.refresh_from_db()
    assert not first.is_current and second.version == 2
    assert [row["document"] for row in selectors.search("担保")] == [second]
    assert selectors.search("降低") == []  # only in the superseded text
    assert selectors.search("百分之一")[0]["document"] == second
    # the old version's text is still indexed (versions stay readable) but never found as current
    assert _index_rows() == 2


def test_reindex_rebuilds_the_index_and_a_stale_row_is_never_returned(db):
    guarantee = _import(GUARANTEE, name="guarantee.txt")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {search_index.TABLE}")
    assert selectors.search("担保") == []
    out = StringIO()
    call_command("policy", "reindex", stdout=out)
    assert "1 document(s) indexed" in out.getvalue()
    assert [row["document"] for row in selectors.search("担保")] == [guarantee]
    # a row whose content hash does not match its document (an id reused, a text changed outside the
    # services) is not returned
    type(guarantee).objects.filter(pk=guarantee.pk).update(content_hash="0" * 64)
    assert selectors.search("担保") == []


def test_the_library_page_searches_through_the_index(db):
    _import(GUARANTEE, name="guarantee.txt")
    page = Client().get(reverse("policy:library"), {"q": "首贷户"})
    assert page.status_code == 200 and "关于支持中小微企业融资担保的若干措施" in page.content.decode()


@pytest.fixture
def keepers(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-28 10:00")
    administrator = make_user(Role.ADMINISTRATOR)
    unit = directory.make_unit(name="区发展和改革局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=unit, name="何琳", user=handler)
    elsewhere = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=directory.make_unit(name="区商务局"), name="郑丽", user=elsewhere)
    return administrator, handler, elsewhere, unit, frozen_clock


def test_reminders_for_validity_ending_and_measures_overdue_on_working_days_only(keepers):
    administrator, handler, elsewhere, unit, clock = keepers
    expiring = _import(GUARANTEE, valid_until=datetime.date(2026, 10, 20), name="guarantee.txt")
    lasting = _import(LAND, valid_until=datetime.date(2027, 6, 30), name="land.txt")
    measure = services.measure_create(
        document=expiring, title="制定贴息细则", unit=unit, due_on=datetime.date(2026, 9, 30), actor=handler
    )
    services.measure_create(
        document=lasting, title="编制用地目录", unit=unit, due_on=datetime.date(2026, 12, 31), actor=handler
    )

    jobs.reminders()  # 28 September: the validity ends in 22 days; the measure is not yet due
    expiry = PolicyReminder.objects.filter(kind=ReminderKind.EXPIRY)
    # the library's keepers and the handlers of the unit carrying out its measures; not another unit's
    assert set(expiry.values_list("recipient_id", flat=True)) == {administrator.pk, handler.pk}
    assert set(expiry.values_list("document_id", flat=True)) == {expiring.pk}
    assert not PolicyReminder.objects.filter(kind=ReminderKind.MEASURE_OVERDUE).exists()

    clock("2026-10-02 10:00")  # National Day: overdue since 1 October, but not a working day
    assert not calendar.is_workday(datetime.date(2026, 10, 2))
    assert "not a working day" in in_english(jobs.reminders)
    assert not PolicyReminder.objects.filter(kind=ReminderKind.MEASURE_OVERDUE).exists()

    clock("2026-10-09 10:00")
    jobs.reminders()
    overdue = PolicyReminder.objects.filter(kind=ReminderKind.MEASURE_OVERDUE)
    assert list(overdue.values_list("recipient_id", "measure_id")) == [(handler.pk, measure.pk)]
    assert in_english(jobs.reminders).startswith("0 reminder(s)")  # once per person, item and date
    assert AuditEvent.objects.filter(action="policy.policyreminder.create").count() == 3

    as_handler = Client()
    as_handler.force_login(handler)
    page = as_handler.get(reverse("policy:measures")).content.decode()
    assert "制定贴息细则" in page and "关于支持中小微企业融资担保的若干措施" in page
    as_elsewhere = Client()
    as_elsewhere.force_login(elsewhere)
    assert (
        'data-testid="policy-reminder-' not in as_elsewhere.get(reverse("policy:measures")).content.decode()
    )

    services.measure_complete(measure=measure, result="细则已印发", actor=handler)
    clock("2026-10-12 10:00")
    count = PolicyReminder.objects.count()
    jobs.reminders()
    assert PolicyReminder.objects.count() == count


def test_a_measure_of_a_unit_without_handlers_reminds_the_administrators(keepers):
    administrator, handler, _elsewhere, _unit, clock = keepers
    document = _import(LAND, name="land.txt")
    lonely = directory.make_unit(name="区档案馆")
    measure = services.measure_create(
        document=document, title="整理档案", unit=lonely, due_on=datetime.date(2026, 9, 25), actor=handler
    )
    jobs.reminders()
    assert list(PolicyReminder.objects.values_list("recipient_id", "measure_id")) == [
        (administrator.pk, measure.pk)
    ]


def test_a_person_with_a_mobile_number_is_also_reminded_by_sms_naming_nobody(keepers):
    """Article 4: the reminder reaches the handler outside the application too — an SMS on the outbox when
    the directory has their mobile number, in the district's language (the kind, the measure's title and
    the date; no person named); without a number the page says it was not sent."""
    from qinqing.appeals.models import Notification
    from qinqing.directory.models import Official
    from qinqing.directory.services import person_update

    administrator, handler, _elsewhere, unit, clock = keepers
    person_update(person=Official.objects.get(user=handler).person, phone="13800007777", actor=handler)
    document = _import(LAND, name="land.txt")
    measure = services.measure_create(
        document=document, title="编制用地目录", unit=unit, due_on=datetime.date(2026, 9, 25), actor=handler
    )
    before = set(Notification.objects.values_list("pk", flat=True))
    with translation.override("en"):  # a run started from an English page
        jobs.reminders()
    sent = list(Notification.objects.exclude(pk__in=before))
    assert [(row.channel, row.recipient) for row in sent] == [("sms", "13800007777")]
    assert "政策提醒" in sent[0].text and "编制用地目录" in sent[0].text and "2026-09-25" in sent[0].text
    assert "何琳" not in sent[0].text
    reminder = PolicyReminder.objects.get(measure=measure)
    assert reminder.recipient == handler and reminder.notification == sent[0]
    event = AuditEvent.objects.get(action="policy.policyreminder.create", object_id=str(reminder.pk))
    assert event.details == {"article": "4", "kind": "measure_overdue", "sms": True}

    as_handler = Client()
    as_handler.force_login(handler)
    page = as_handler.get(reverse("policy:measures")).content.decode()
    assert sent[0].get_status_display() in page.split('data-testid="reminder-sms"')[1]

    clock("2026-10-09 10:00")
    services.measure_create(
        document=document, title="清理用地台账", unit=directory.make_unit(name="区档案馆"),
        due_on=datetime.date(2026, 9, 30), actor=handler,
    )
    jobs.reminders()  # a unit without handlers: the administrator, who has no number on file
    as_administrator = Client()
    as_administrator.force_login(administrator)
    page = as_administrator.get(reverse("policy:measures")).content.decode()
    assert "未发送：没有登记手机号码" in page


def test_yearly_figures_of_education_activities_by_kind_and_audience(db, make_user, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    staff = make_user(Role.DEPARTMENT_HANDLER)
    for held_on, kind, audience, attendance in (
        ("2025-06-01", ActivityKind.PUBLICITY, "民营企业负责人", 80),
        ("2026-03-01", ActivityKind.PUBLICITY, "民营企业负责人", 120),
        ("2026-04-01", ActivityKind.EDUCATION, "公职人员", 60),
        ("2026-05-01", ActivityKind.EDUCATION, "民营企业负责人", 40),
    ):
        services.activity_record(
            kind=kind,
            held_on=datetime.date.fromisoformat(held_on),
            title="宣传活动",
            audience=audience,
            content="政策宣讲",
            attendance=attendance,
            actor=staff,
        )
    figures = selectors.activity_figures(staff)
    assert [(y["year"], y["count"], y["attendance"]) for y in figures] == [(2026, 3, 220), (2025, 1, 80)]
    this_year = figures[0]
    assert [(k["kind"], k["count"], k["attendance"]) for k in this_year["kinds"]] == [
        (ActivityKind.EDUCATION, 2, 100),
        (ActivityKind.PUBLICITY, 1, 120),
    ]
    assert [(a["audience"], a["count"], a["attendance"]) for a in this_year["audiences"]] == [
        ("民营企业负责人", 2, 160),
        ("公职人员", 1, 60),
    ]
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("policy:education")).content.decode()
    assert 'data-testid="figures-2026"' in page and 'data-testid="figures-audiences-2025"' in page
    # an enterprise account's figures count its own enterprise's work only
    member = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=member, enterprise=directory.make_enterprise(name="示范区小店"))
    assert selectors.activity_figures(member) == []
