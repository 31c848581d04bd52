"""Issue 9, item 8: ``/`` greets the public with a landing page instead of the login wall
(signed-in users keep their home page), and a refused request logs one line, no traceback."""

import logging
import sys

import pytest
from django.urls import reverse

from qinqing.core.request_logging import ClientErrorFilter
from qinqing.core.roles import Role

pytestmark = pytest.mark.django_db


def test_the_public_gets_the_landing_page_at_the_root(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert 'data-testid="landing"' in html and "给区长写信" in html
    for name in ("appeals_channels:portal_mailbox", "appeals_channels:portal_status", "policy:index",
                 "appeals:knowledge", "conduct:verify_letter", "core:login"):
        assert f'href="{reverse(name)}"' in html, name
    assert 'data-testid="home-title"' not in html


def test_every_link_on_the_landing_page_opens_without_an_account(client):
    import re

    html = client.get("/").text
    for href in set(re.findall(r'href="(/[^"#]*)"', html)):
        if href.startswith("/static/"):
            continue
        assert client.get(href).status_code == 200, href


def test_the_landing_page_is_in_english_when_switched(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/").text
    assert "Write to the district head's mailbox" in html and "What is published" in html


def test_the_landing_page_shows_the_policy_and_published_interpretations_only(client, make_user):
    from django.core.management import call_command

    from qinqing.policy.interpretations import library as knowledge
    from qinqing.policy.selectors import current_policy

    assert "政策原文尚未发布" in client.get("/").text
    call_command("policy", "import", "--seed", verbosity=0)
    editor = make_user(Role.ADMINISTRATOR)
    shown = knowledge.interpretation_create(question="企业开办需要多长时间？", answer="一个工作日内办结。",
                                            article_keys="6", actor=editor)
    knowledge.interpretation_publish(interpretation=shown, published=True, actor=editor)
    knowledge.interpretation_create(question="尚未发布的问题", answer="草稿", article_keys="6", actor=editor)
    html = client.get("/").text
    assert "企业开办需要多长时间？" in html and "尚未发布的问题" not in html
    assert current_policy().title in html and "政策原文尚未发布" not in html


def test_a_signed_in_user_keeps_their_home_page(client, make_user):
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    html = client.get("/").text
    assert 'data-testid="home-title"' in html and 'data-testid="landing"' not in html


def test_a_denied_request_logs_one_line_without_traceback(client, make_user, caplog):
    user = make_user(Role.ENTERPRISE_USER)
    client.force_login(user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("appeals:queue"), HTTP_X_REQUEST_ID="req-403")
    assert response.status_code == 403
    records = [record for record in caplog.records if record.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info is None and record.exc_text is None
    assert record.getMessage() == f"403 Forbidden GET /appeals/queue/ user={user.pk} request_id=req-403"
    assert "Traceback" not in caplog.text


def _record(status: int, exc_info=None) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "%s: %s", ("Reason", "/p"),
                               exc_info)
    record.status_code = status
    return record


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = _record(500, exc_info)
    assert ClientErrorFilter().filter(record) is True
    assert record.exc_info is exc_info and record.getMessage() == "Reason: /p"
    formatted = logging.Formatter().format(record)
    assert "Traceback" in formatted and "RuntimeError: boom" in formatted


def test_an_anonymous_refusal_names_no_user_and_escapes_the_path():
    class Request:
        method = "POST"
        path = "/x/\n注入"
        request_id = "r1"

        class user:  # noqa: N801 (a stand-in for AnonymousUser)
            is_authenticated = False
            pk = None

    record = _record(403, (PermissionError, PermissionError("no"), None))
    record.request = Request()
    ClientErrorFilter().filter(record)
    assert record.exc_info is None
    assert record.getMessage() == "403 Forbidden POST /x/\\n\\u6ce8\\u5165 user=- request_id=r1"
