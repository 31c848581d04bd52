"""A refused action on a supervision page answers 4xx on the page the form is on: the refusal in that
form, the field named (data-field), what was typed kept; never a redirect with a flash message."""

import re

import pytest

from qinqing.directory.tests import factories as directory
from qinqing.supervision import services
from qinqing.supervision.models import Assignment, Report

from .test_reports import TEXT, _submit, office  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _refusal(response, field: str) -> str:
    page = response.content.decode()
    assert response.status_code == 400, response.status_code
    assert re.search(rf'data-testid="refusal" data-field="{field}"', page), page
    return page


@pytest.fixture
def assigned(office, client):  # noqa: F811
    inspector, other = office
    report, _code = _submit()
    services.assign(report=report, inspector=inspector, actor=inspector)
    client.force_login(inspector)
    return report, inspector, other


def test_a_refused_action_comes_back_on_the_report_with_what_was_typed(assigned, client):
    report, _inspector, _other = assigned
    url = f"/supervision/reports/{report.pk}/"
    # a priority report cannot be declined: the rule names the status, the reason typed stays
    page = _refusal(client.post(f"{url}act/decline/", {"reason": "理由独特ABC"}), "status")
    assert 'value="理由独特ABC"' in page and TEXT in page  # the same sealed page the inspector reads
    assert Report.objects.get(pk=report.pk).status == "received"

    page = _refusal(client.post(f"{url}message/", {"kind": "bogus", "body": "留言独特DEF"}), "kind")
    assert "留言独特DEF</textarea>" in page and not report.messages.exists()

    page = _refusal(client.post(f"{url}category/", {"category": "bogus"}), "category")
    assert 'data-testid="category-form"' in page

    Report.objects.filter(pk=report.pk).update(status="case")
    outcome = {"form": "bogus", "measure": "措施独特GHI", "behaviours": ["x"]}
    page = _refusal(client.post(f"{url}outcome/", outcome), "form")
    assert 'value="措施独特GHI"' in page

    page = _refusal(client.post(f"{url}to-appeals/"), "status")  # not in this status: the refusal shown
    assert Report.objects.filter(pk=report.pk).exists()

    page = _refusal(client.post(f"{url}handover/", {"to_inspector": "999999"}), "to_inspector")
    assert Assignment.objects.filter(report=report).count() == 1


def test_a_refused_subject_keeps_the_name_typed(assigned, client):
    report, _inspector, _other = assigned
    directory.make_official(unit=directory.make_unit(name="区住建局"), name="王局长")
    directory.make_official(unit=directory.make_unit(name="区水务局"), name="王局长")
    url = f"/supervision/reports/{report.pk}/subject/"
    response = client.post(url, {"official": "王局长", "enterprise": ""})
    page = _refusal(response, "official")
    assert 'value="王局长"' in page and "请注明单位" in page


def test_an_inspector_not_assigned_still_gets_404_not_the_refusal(assigned, client):
    report, _inspector, other = assigned
    client.force_login(other)
    response = client.post(f"/supervision/reports/{report.pk}/act/decline/", {"reason": "理由独特ABC"})
    assert response.status_code == 404 and TEXT not in response.content.decode()


def test_a_refused_assignment_comes_back_on_the_queue_in_its_row(assigned, client):
    report, inspector, _other = assigned
    response = client.post(f"/supervision/reports/{report.pk}/assign/", {"inspector": inspector.pk})
    page = _refusal(response, "inspector")
    assert f'value="{inspector.pk}" selected' in page and TEXT not in page  # the queue, never the content
    response = client.post(f"/supervision/reports/{report.pk}/assign/", {"inspector": "x"})
    _refusal(response, "inspector")


def test_refused_rotation_follow_up_findings_and_publication_stay_on_their_page(assigned, client):
    _report, inspector, other = assigned
    page = _refusal(
        client.post("/supervision/rotation/", {"from_inspector": inspector.pk, "to_inspector": inspector.pk}),
        "to_inspector",
    )
    assert f'value="{inspector.pk}" selected' in page

    official = directory.make_official(name="吴某", unit=directory.make_unit(name="区交通局"))
    reminder = services.reminder_create(official=official, concern="苗头", talk_on=None, follow_up_days=20,
                                        actor=inspector)
    too_long = "查" * 2001
    page = _refusal(client.post(f"/supervision/reminders/{reminder.pk}/follow-up/", {"follow_up": too_long}),
                    "follow_up")
    assert f'value="{too_long}"' in page

    import datetime

    inspection = services.inspection_plan(
        unit=official.unit, kind="open", theme="作风", planned_on=datetime.date(2026, 12, 10), actor=inspector
    )
    too_long = "见" * 5001
    page = _refusal(
        client.post(f"/supervision/inspections/{inspection.pk}/findings/", {"findings": too_long}), "findings"
    )
    assert f"{too_long}</textarea>" in page

    case = services.case_draft(title="案例", body="某局干部违规收受礼品。", behaviours=[], actor=inspector)
    page = _refusal(client.post(f"/supervision/cases/{case.pk}/publish/"), "status")  # the drafter may not
    assert f'action="/supervision/cases/{case.pk}/publish/"' not in page  # no button for the drafter
    client.force_login(other)
    page = client.get("/supervision/cases/").content.decode()
    assert f'action="/supervision/cases/{case.pk}/publish/"' in page and 'data-testid="refusal"' not in page


def test_a_refused_reminder_or_case_names_its_field_beside_it_and_keeps_every_value(office, client):  # noqa: F811
    """The reminder and typical-case forms showed their refusal only above the form, and lost the follow-up
    days and the behaviours ticked: the refusal is now beside the field it names (aria-describedby), and
    every value comes back as typed."""
    inspector, _other = office
    client.force_login(inspector)
    refused = client.post("/supervision/reminders/", {"official": "查无此人", "concern": "苗头独特DEF",
                                                      "follow_up_days": "35"})
    page = refused.content.decode()
    assert refused.status_code == 400 and 'data-testid="error-official"' in page
    assert 'aria-describedby="official-error"' in page and 'value="35"' in page and "苗头独特DEF" in page
    refused = client.post("/supervision/cases/", {"title": "典型案例独特GHI", "body": "",
                                                  "behaviours": ["18.1", "18.3"]})
    page = refused.content.decode()
    assert refused.status_code == 400 and 'data-testid="error-body"' in page
    assert page.count(" checked>") == 2 and "典型案例独特GHI" in page
