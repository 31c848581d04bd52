"""Issue 9, item 8: the operator's "date received" started blank — the zh-Hans date format
(2026/03/02) is not a value an <input type=date> accepts; it must be ISO (2026-03-02)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from qinqing.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_date_received_is_a_date_input_holding_today_in_iso(client, make_user, frozen_clock, language):
    frozen_clock("2026-03-02 09:30")
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("appeals_channels:operator_record")).text
    field = re.search(r'<input [^>]*name="received_on"[^>]*>', html).group(0)
    assert 'type="date"' in field and 'value="2026-03-02"' in field


def test_a_refused_form_gives_back_the_posted_date_in_iso(client, make_user, frozen_clock):
    frozen_clock("2026-03-02 09:30")
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    response = client.post(reverse("appeals_channels:operator_record"),
                           {"channel": "letter", "received_on": "2026-02-27"})
    assert response.status_code == 400
    field = re.search(r'<input [^>]*name="received_on"[^>]*>', response.text).group(0)
    assert 'value="2026-02-27"' in field


def test_the_kernel_date_widget_renders_iso_in_every_language():
    import datetime

    from django import forms
    from django.utils import translation

    from qinqing.core.forms import DateInput

    class Form(forms.Form):
        day = forms.DateField(widget=DateInput)

    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(Form(initial={"day": datetime.date(2026, 3, 2)})["day"])
            assert 'type="date"' in html and 'value="2026-03-02"' in html, (language, html)
    with translation.override("zh-hans"):  # the plain widget is what left the field blank
        plain = forms.DateInput(attrs={"type": "date"}).format_value(datetime.date(2026, 3, 2))
        assert plain == "2026/03/02"
