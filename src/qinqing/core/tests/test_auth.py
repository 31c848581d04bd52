import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(make_user):
    user = make_user(Role.OFFICIAL, password=TEST_PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"


def test_weak_passwords_are_refused_naming_the_rule(make_user):
    with pytest.raises(ServiceError) as raised:
        make_user(Role.OFFICIAL, password="alllowercaseletters")
    assert raised.value.field == "password"
    assert "upper-case" in raised.value.text() or "大写" in raised.value.text()
    with pytest.raises(ServiceError):
        make_user(Role.OFFICIAL, password="Sh0rt!")


def test_login_with_the_right_password_reaches_the_home_page_and_is_audited(client, make_user):
    user = make_user(Role.OFFICIAL, password=TEST_PASSWORD)
    response = _login(client, user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AuditEvent.objects.filter(action="core.user.login", object_id=str(user.pk)).exists()
    home = client.get("/")
    assert home.status_code == 200
    assert 'data-testid="role-official"' in home.content.decode()


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(client, make_user):
    user = make_user(Role.OFFICIAL, password=TEST_PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, user.username, "Wrong-password-1")
        assert response.status_code == 400
        assert "invalid_login" not in response.content.decode()
    response = _login(client, user.username, "Wrong-password-1")
    assert response.status_code == 403
    assert 'data-testid="lockout"' in response.content.decode()
    locked = _login(client, user.username, TEST_PASSWORD)
    assert locked.status_code == 403, "the right password does not open a locked account"
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_says_when_to_try_again_and_how_to_reach_an_administrator(
    client, make_user, frozen_clock
):
    """Issue 20: the lockout page was a dead end."""
    import re

    from qinqing.core import clock, district
    from qinqing.core.audit import SystemActor

    frozen_clock("2026-03-02 10:00")
    district.district_update(
        actor=SystemActor("test"),
        district_name="示范区",
        seal_text="中共示范区纪律检查委员会",
        issuing_office="示范区纪委监委",
        helpdesk="区信息中心，电话 0000-1234567",
    )
    user = make_user(Role.OFFICIAL, password=TEST_PASSWORD)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, user.username, "Wrong-password-1")
    html = response.content.decode()
    assert response.status_code == 403
    until = clock.local(clock.now() + settings.AXES_COOLOFF_TIME).strftime("%Y-%m-%d %H:%M")
    assert re.search(rf'data-testid="retry-at">[^<]*{until}', html), html
    assert "区信息中心，电话 0000-1234567" in html and 'href="/login/"' in html


def test_anonymous_users_are_sent_to_login(client):
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 3600


def test_privileged_role_must_set_up_and_use_totp(client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["discipline_inspector"]
    user = make_user(Role.DISCIPLINE_INSPECTOR, password=TEST_PASSWORD)
    assert _login(client, user.username, TEST_PASSWORD).status_code == 302
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"] == "/account/2fa/"
    # Enrolment needs the administrator's one-time code (core.enrolment; test_two_factor_enrolment).
    from qinqing.core.audit import SystemActor
    from qinqing.core.enrolment import enrolment_code_issue

    code = enrolment_code_issue(user=user, actor=SystemActor("test"))
    assert client.post("/account/2fa/", {"enrolment_code": code}).status_code == 302
    setup = client.get("/account/2fa/")
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post("/account/2fa/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert wrong.status_code == 400 and client.get("/audit/").status_code == 302
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a wrong code
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post("/account/2fa/", {"token": token}).status_code == 302
    assert client.get("/audit/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_user_with_a_confirmed_device_is_asked_for_the_code_at_every_login(client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    user = make_user(Role.AUDITOR, password=TEST_PASSWORD)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    _login(client, user.username, TEST_PASSWORD)
    assert client.get("/audit/")["Location"] == "/account/2fa/"


def test_users_are_never_deleted_while_they_have_audit_events(make_user):
    from django.db.models import ProtectedError

    user = make_user(Role.OFFICIAL, password=TEST_PASSWORD)
    from django.test import Client

    _login(Client(), user.username, TEST_PASSWORD)
    with pytest.raises(ProtectedError):
        get_user_model().objects.filter(pk=user.pk).delete()


def test_pages_are_chinese_first_whatever_the_browser_asks_until_the_user_switches(client):
    page = client.get("/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "登录" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Log in" in client.get("/login/").content.decode()
