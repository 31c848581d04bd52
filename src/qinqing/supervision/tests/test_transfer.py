"""A message in the appeals pool that is really a report moves to supervision and leaves no copy there."""

import pytest
from django.db import connection

from qinqing.appeals.models import Appeal, AppealStep
from qinqing.appeals.tests.factories import file_appeal
from qinqing.core import audit
from qinqing.core.errors import NotFound, PermissionDeniedError
from qinqing.core.roles import Role
from qinqing.supervision import transfer
from qinqing.supervision.models import Report

pytestmark = pytest.mark.django_db

CONTENT = "区住建局某科长索要好处费才肯办理竣工验收独特TRANSFER文本"


def test_the_supervision_office_moves_a_misfiled_report_out_of_the_appeals_pool(
    make_user, workday_calendar, frozen_clock, client
):
    frozen_clock("2026-11-30 10:00")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR)
    handler = make_user(Role.DEPARTMENT_HANDLER)
    appeal = file_appeal(content=CONTENT, contact_name="举报人甲", contact_phone="13912340000")
    Appeal.objects.filter(pk=appeal.pk).update(category="not_ours")
    assert [a.pk for a in transfer.transferable_appeals()] == [appeal.pk]
    with pytest.raises(PermissionDeniedError):
        transfer.transfer_from_appeal(
            tracking_number=appeal.tracking_number, category="extortion", actor=handler
        )
    client.force_login(inspector)
    assert appeal.tracking_number in client.get("/supervision/transfers/").content.decode()
    response = client.post(
        "/supervision/transfers/", {"tracking_number": appeal.tracking_number, "category": "extortion"}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert (
        report.channel == "appeals"
        and CONTENT in report.text
        and report.real_name
        and report.reporter_contact == "13912340000"
    )
    assert (
        not Appeal.objects.filter(pk=appeal.pk).exists()
        and not AppealStep.objects.filter(appeal_id=appeal.pk).exists()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM appeals_appeal")
        assert CONTENT not in repr(cursor.fetchall())
        cursor.execute("SELECT * FROM supervision_report")
        assert CONTENT not in repr(cursor.fetchall())
    assert audit.verify_chain().ok
    again = client.post(
        "/supervision/transfers/", {"tracking_number": appeal.tracking_number, "category": "extortion"}
    )
    assert again.status_code == 404
    # refused, the form comes back as typed: the category chosen too
    assert '<option value="extortion" selected>' in again.content.decode()


def test_a_report_that_is_really_a_demand_moves_to_the_appeals_pool(
    make_user, workday_calendar, frozen_clock, client
):
    from qinqing.directory.tests import factories as directory
    from qinqing.supervision import services
    from qinqing.supervision.models import Message

    frozen_clock("2026-11-30 10:00")
    inspector = make_user(Role.DISCIPLINE_INSPECTOR)
    directory.make_official(unit=directory.make_unit(name="区纪委监委"), name="赵磊", user=inspector)
    report, code = services.report_submit(
        text="园区道路积水，希望尽快修缮",
        category="other",
        real_name=True,
        reporter_name="王五",
        reporter_contact="13900001111",
        rate_limited=False,
    )
    services.assign(report=report, inspector=inspector, actor=inspector)
    client.force_login(inspector)
    response = client.post(f"/supervision/reports/{report.pk}/to-appeals/")
    assert response.status_code == 302
    assert not Report.objects.exists() and not Message.objects.exists()
    appeal = Appeal.objects.get(content="园区道路积水，希望尽快修缮")
    assert appeal.contact_phone == "13900001111" and appeal.channel == "web_portal"
    with pytest.raises(NotFound):  # the receipt code opens nothing any more
        services.report_by_code(code, client="x")
    assert audit.verify_chain().ok
