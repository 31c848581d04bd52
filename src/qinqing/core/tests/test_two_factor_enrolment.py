"""Issue 18: whoever logs in first used to enrol the authenticator (the secret was shown at the
first login). Enrolment now needs a one-time code an administrator issued; every privileged role,
the auditor included, uses the second factor in production."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinqing.core import enrolment
from qinqing.core.audit import SystemActor
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[3]


@pytest.fixture
def inspector(client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["discipline_inspector", "auditor"]
    user = make_user(Role.DISCIPLINE_INSPECTOR, password=TEST_PASSWORD)
    assert client.post("/login/", {"username": user.username, "password": TEST_PASSWORD}).status_code == 302
    return user


def _token(device):
    device.refresh_from_db()
    device.throttle_reset()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_without_an_enrolment_code_no_secret_is_shown_and_nothing_is_reached(client, inspector):
    page = client.get("/account/2fa/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" not in html and 'data-testid="totp-secret"' not in html
    assert not TOTPDevice.objects.filter(user=inspector).exists()
    assert client.get("/audit/")["Location"] == "/account/2fa/"
    wrong = client.post("/account/2fa/", {"enrolment_code": "ABCD-EFGH-JK"})
    assert wrong.status_code == 400 and "<svg" not in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=inspector).exists()


def test_an_issued_code_lets_the_user_enrol_once(client, inspector):
    code = enrolment.enrolment_code_issue(user=inspector, actor=SystemActor("test"))
    shown = client.post("/account/2fa/", {"enrolment_code": code}, follow=True)
    assert 'data-testid="totp-secret"' in shown.content.decode()
    device = TOTPDevice.objects.get(user=inspector, confirmed=False)
    assert client.post("/account/2fa/", {"token": _token(device)}).status_code == 302
    assert client.get("/audit/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"core.totp.enrolment_code_issue", "core.totp.enrolment_code_use", "core.totp.confirm"} <= actions
    # The code was used up: it cannot enrol a second device.
    assert not enrolment.enrolment_code_redeem(user=inspector, code=code)


def test_a_secret_seen_before_the_code_is_worthless(client, inspector):
    stale = TOTPDevice.objects.create(user=inspector, name="default", confirmed=False)
    code = enrolment.enrolment_code_issue(user=inspector, actor=SystemActor("test"))
    client.post("/account/2fa/", {"enrolment_code": code})
    fresh = TOTPDevice.objects.get(user=inspector, confirmed=False)
    assert fresh.pk != stale.pk and fresh.key != stale.key


def test_reissuing_a_code_retires_the_old_authenticator(inspector):
    TOTPDevice.objects.create(user=inspector, name="default", confirmed=True)
    enrolment.enrolment_code_issue(user=inspector, actor=SystemActor("test"))
    assert not TOTPDevice.objects.filter(user=inspector).exists()


def test_the_cli_issues_a_code(inspector):
    out = io.StringIO()
    call_command("twofactor", "issue", inspector.username, stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert enrolment.enrolment_code_redeem(user=inspector, code=code)


def test_production_asks_every_privileged_role_for_the_second_factor():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QINQING_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "qinqing.settings", "PYTHONPATH": str(SRC),
                "QINQING_SECRET_KEY": "x" * 60, "QINQING_ALLOWED_HOSTS": "qinqing.example.gov.cn"})
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(*settings.TWO_FACTOR_REQUIRED_ROLES)")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    roles = set(result.stdout.split())
    assert {"administrator", "discipline_inspector", "credit_administrator", "auditor"} <= roles


def test_roles_adduser_keeps_every_role(db):
    from django.contrib.auth import get_user_model

    call_command("roles", "adduser", "twohats", "--role", "auditor", "--role", "official",
                 "--password", TEST_PASSWORD, stdout=io.StringIO())
    user = get_user_model().objects.get(username="twohats")
    assert sorted(user.groups.values_list("name", flat=True)) == ["auditor", "official"]
