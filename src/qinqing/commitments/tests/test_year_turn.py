"""Support funds' objection period across the year's end: counted on the provisional 2027 (the
notice not published), the public page says so instead of giving the date as fact."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.commitments import funds
from qinqing.commitments.tests.test_funds import world  # noqa: F401 (fixture)
from qinqing.core.templatetags.calendar_tags import provisional

pytestmark = pytest.mark.django_db
D = datetime.date


def _decided(world) -> None:  # noqa: F811
    application = funds.apply(programme=world["programme"], enterprise=world["firm"], amount="300000",
                              description="研发投入600万元", actor=world["firm_user"])
    funds.review_score(application=application, score=80, actor=world["reviewer"])
    funds.decide(application=application, approve=True, amount="123456", actor=world["leader"])


def test_an_objection_period_counted_into_the_provisional_year_is_published_as_provisional(
        world, frozen_clock):  # noqa: F811
    _decided(world)
    frozen_clock("2026-12-28 10:00")  # Monday: 29, 30, 31 December, then 4 and 5 January 2027 (provisional)
    programme = funds.results_publish(programme=world["programme"], actor=world["handler"])
    assert programme.objections_until == D(2027, 1, 5)
    page = Client().get(reverse("commitments:funds_public")).content.decode()
    assert "2027-01-05</time> <span class=\"provisional\"" in page and "（暂定）" in page
    assert "2027 年国务院办公厅通知尚未载入" in page


def test_the_mark_is_only_for_dates_in_the_provisional_year(workday_calendar):
    assert provisional(D(2026, 12, 31)) == "" and provisional(None) == "" and provisional("2027-01-05") == ""
    assert "provisional" in provisional(D(2027, 1, 5))


def test_a_file_sent_after_midnight_is_filed_under_the_districts_month(world, frozen_clock):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qinqing.commitments.tests.test_documents_notices import _pdf

    # Beijing 00:05 on the programme's last day, 1 October: still 30 September in UTC (as 00:05 on New Year's
    # Day is still the old year there)
    world["programme"].closes_on = D(2026, 10, 1)
    world["programme"].save(update_fields=["closes_on"])
    frozen_clock("2026-10-01 00:05")
    application = funds.apply(programme=world["programme"], enterprise=world["firm"], amount="300000",
                              description="研发投入600万元", actor=world["firm_user"],
                              attachments=[SimpleUploadedFile("审计报告.pdf", _pdf(),
                                                              content_type="application/pdf")])
    [file] = application.attachments.all()
    assert "/2026/10/" in str(file.file)  # the district's month, as the appeals' files are filed


def test_an_objection_period_counted_on_the_provisional_year_is_counted_again_when_the_notice_is_loaded(
        world, frozen_clock):  # noqa: F811
    from qinqing.core import audit
    from qinqing.core.calendar.services import calendar_notice_load
    from qinqing.core.models import AuditEvent
    from qinqing.core.roles import Role
    from qinqing.core.testing import NOTICE_2027

    _decided(world)
    frozen_clock("2027-01-25 10:00")  # 2027 not yet loaded: its provisional schedule works Sunday 31 January
    programme = funds.results_publish(programme=world["programme"], actor=world["handler"])
    assert programme.objections_until == D(2027, 1, 31)

    calendar_notice_load(text=NOTICE_2027, actor=world["make_user"](Role.ADMINISTRATOR))

    programme.refresh_from_db()
    assert programme.objections_until == D(2027, 2, 1), "the notice does not work Sunday 31 January"
    event = AuditEvent.objects.get(action="commitments.fundprogramme.deadline_recount")
    assert (event.details["calendar_year"], event.details["due_before"], event.details["due_after"]) == (
        2027, "2027-01-31", "2027-02-01")
    page = Client().get(reverse("commitments:funds_public")).content.decode()
    assert "2027-02-01" in page and "（暂定）" not in page
    assert audit.verify_chain().ok
