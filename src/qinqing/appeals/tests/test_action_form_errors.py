"""Issue 9, item 8: a refused action on the appeal page is shown in place, next to its
field, in Chinese (English when switched), and htmx is told to swap it in."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from qinqing.core import audit
from qinqing.core.roles import Role

from ..models import Appeal, Status, Track
from ..workflow import services
from . import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


@pytest.fixture
def setup(make_user):
    unit = factories.make_unit("区发改局")
    handler, _official = factories.make_handler(unit)
    enterprise_user, enterprise = factories.make_enterprise_user()
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = factories.file_appeal(enterprise=enterprise, received_at=datetime.date(2025, 9, 1))
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    return {"handler": handler, "enterprise_user": enterprise_user, "supervisor": supervisor,
            "appeal": appeal}


def _form(html: str, test_id: str) -> str:
    match = re.search(rf'<form [^>]*data-testid="{test_id}".*?</form>', html, re.S)
    assert match, f"no form {test_id}"
    return match.group(0)


def _replied(setup):
    services.appeal_reply(appeal=setup["appeal"], text="已协调解决", actor=setup["handler"])


def test_empty_reply_without_script_returns_the_page_with_the_message_in_the_reply_form(client, setup):
    appeal = setup["appeal"]
    before = audit.snapshot(Appeal.objects.get(pk=appeal.pk))
    client.force_login(setup["handler"])
    response = client.post(reverse("appeals:act", args=[appeal.pk, "reply"]), {"text": "  "})
    assert response.status_code == 400
    assert "<html" in response.text  # the whole page: no script needed
    form = _form(response.text, "form-reply")
    # The message stands in the reply form, right after the textarea it is about, in Chinese.
    assert re.search(r'<textarea name="text"[^>]*aria-invalid="true"[^>]*'
                     r'aria-describedby="error-reply-text"', form)
    message = re.search(r'<p class="errors field-error" id="error-reply-text"[^>]*>(.*?)</p>', form).group(1)
    assert "第八条" in message or "第8条" in message or re.search(r"[\u4e00-\u9fff]", message)
    assert "required" not in message
    assert audit.snapshot(Appeal.objects.get(pk=appeal.pk)) == before


def test_empty_reply_from_htmx_returns_only_the_action_forms_to_swap_in_place(client, setup):
    appeal = setup["appeal"]
    client.force_login(setup["handler"])
    response = client.post(reverse("appeals:act", args=[appeal.pk, "reply"]), {"text": ""}, **HTMX)
    assert response.status_code == 400
    html = response.text
    assert "<html" not in html and html.lstrip().startswith('<div id="appeal-actions"')
    assert 'hx-target="this"' in html and 'hx-swap="outerHTML"' in html
    assert 'data-testid="error-reply-text"' in _form(html, "form-reply")
    # Every action form posts through htmx to the same action URL it would post to without script.
    for match in re.finditer(r'<form method="post" action="([^"]+)" hx-post="([^"]+)"', html):
        assert match.group(1) == match.group(2)


def test_rating_without_a_choice_is_shown_next_to_the_choices_and_the_comment_is_kept(client, setup):
    _replied(setup)
    appeal = setup["appeal"]
    client.force_login(setup["enterprise_user"])
    response = client.post(reverse("appeals:act", args=[appeal.pk, "rate"]), {"comment": "还想补充"}, **HTMX)
    assert response.status_code == 400
    form = _form(response.text, "form-rate")
    assert 'role="radiogroup" aria-invalid="true" aria-describedby="error-rate-satisfaction"' in form
    assert 'data-testid="error-rate-satisfaction"' in form and "满意" in form
    assert 'name="comment" value="还想补充"' in form
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED and not appeal.ratings.exists()


def test_an_unknown_choice_is_refused_in_place(client, setup):
    _replied(setup)
    client.force_login(setup["enterprise_user"])
    url = reverse("appeals:act", args=[setup["appeal"].pk, "rate"])
    response = client.post(url, {"satisfaction": "nonsense"}, **HTMX)
    assert response.status_code == 400 and 'data-testid="error-rate-satisfaction"' in response.text


def test_messages_are_english_when_the_user_switched_to_english(client, setup):
    client.force_login(setup["handler"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("appeals:act", args=[setup["appeal"].pk, "reply"]), {"text": ""}, **HTMX)
    message = re.search(r'id="error-reply-text"[^>]*>(.*?)</p>', response.text).group(1)
    assert "required" in message and not re.search(r"[\u4e00-\u9fff]", message)


def test_an_action_no_longer_open_says_so_above_the_forms_with_409(client, setup):
    """Triage after the appeal was assigned: the triage form is gone, so the message goes on top."""
    client.force_login(setup["supervisor"])
    url = reverse("appeals:act", args=[setup["appeal"].pk, "triage"])
    response = client.post(url, {"track": "resolve"}, **HTMX)
    assert response.status_code == 409
    assert re.search(r'<div id="appeal-actions"[^>]*>\s*'
                     r'<ul class="errors form-errors card" role="alert" data-testid="errors">', response.text)
    assert 'data-testid="form-triage"' not in response.text


def test_base_template_lets_htmx_swap_400_409_and_422_but_not_403_404_or_500(client, setup):
    """htmx 2 swaps no 4xx by default; the config in base.html must, as htmx resolves it (first match)."""
    client.force_login(setup["handler"])
    html = client.get(reverse("appeals:detail", args=[setup["appeal"].pk])).text
    config = json.loads(re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1))

    def handling(status: int) -> dict:
        return next(entry for entry in config["responseHandling"] if re.search(entry["code"], str(status)))

    for status in (400, 409, 422):
        assert handling(status)["swap"] is True and not handling(status).get("error")
    for status in (403, 404, 500):
        assert handling(status)["swap"] is False and handling(status)["error"] is True
    assert handling(204)["swap"] is False and handling(200)["swap"] is True
    assert config["allowEval"] is False


def test_a_successful_htmx_action_asks_htmx_to_load_the_page_instead_of_following_a_302(client, setup):
    """A 302 is followed inside the XHR, so htmx would swap the whole page into the forms."""
    appeal = setup["appeal"]
    client.force_login(setup["handler"])
    response = client.post(reverse("appeals:act", args=[appeal.pk, "reply"]), {"text": "已协调解决"}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("appeals:detail", args=[appeal.pk])
    appeal.refresh_from_db()
    assert appeal.status == Status.REPLIED
    # Without script: the ordinary redirect.
    client.force_login(setup["enterprise_user"])
    response = client.post(reverse("appeals:act", args=[appeal.pk, "rate"]), {"satisfaction": "satisfied"})
    assert response.status_code == 302 and response["Location"] == reverse("appeals:detail", args=[appeal.pk])
