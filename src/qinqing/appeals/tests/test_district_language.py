"""What is stored or sent for others to read is in the district's language (core.district.language):
a handler or a submitter whose pages are in English leaves the timeline, the acknowledgement and
the notices to the enterprise in Chinese, while the errors they are shown stay in English."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from qinqing.core import jobs
from qinqing.core.errors import ServiceError
from qinqing.core.roles import Role

from ..models import Appeal, AppealStep, Complexity, Notification, Track
from ..workflow import services as workflow_services
from . import factories
from .test_channels_portal import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar_loaded(db, settings):
    settings.APPEALS_DELIVER_ON_COMMIT = False
    factories.load_calendar()
    cache.clear()
    yield
    cache.clear()


def _texts(appeal) -> list[str]:
    return list(AppealStep.objects.filter(appeal=appeal).order_by("pk").values_list("text", flat=True))


def test_an_english_page_files_an_appeal_whose_timeline_and_acknowledgement_are_chinese(client):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("appeals_channels:portal_mailbox"), form_data(), follow=True)
    assert response.status_code == 200
    appeal = Appeal.objects.get()
    assert "Your appeal has been received" in response.content.decode()  # their own page stays in English
    assert _texts(appeal) == ["通过区长信箱（门户网站）受理。"]
    acknowledgement = Notification.objects.get(appeal=appeal)
    assert acknowledgement.text.startswith("您的诉求已收到"), acknowledgement.text
    assert "Your appeal" not in acknowledgement.text


def test_a_handler_in_english_leaves_chinese_steps_and_notices_and_reads_english_errors(make_user):
    supervisor = make_user(Role.SUPERVISING_LEADER)
    unit = factories.make_unit("区市场监管局")
    appeal = factories.file_appeal(received_at=datetime.date(2025, 9, 30))
    with translation.override("en"):
        workflow_services.appeal_triage(
            appeal=appeal, track=Track.RESOLVE, complexity=Complexity.SIMPLE, actor=supervisor)
        workflow_services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
        with pytest.raises(ServiceError) as refused:
            workflow_services.appeal_assign(appeal=appeal, unit=None, actor=supervisor)
        assert refused.value.text() == "Choose the handling unit."
    texts = _texts(appeal)
    assert texts[-2].startswith("办理方式："), texts
    assert texts[-1] == "已交办至区市场监管局。", texts
    assert not any("Track" in text or "Assigned" in text for text in texts)


def test_a_job_run_from_an_english_page_writes_in_the_districts_language(settings):
    jobs.register(jobs.Job(name="test.language", func=lambda: translation.get_language(), label="test"))
    try:
        with translation.override("en"):
            assert jobs.run("test.language") == settings.LANGUAGE_CODE
    finally:
        jobs.unregister("test.language")
