"""Issue 18: identity and login — open redirect, API key scopes, /healthz behind the HTTPS
redirect, the OpenAPI document built once."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from qinqing.core.models import ApiKey
from qinqing.core.roles import Role
from qinqing.core.testing import TEST_PASSWORD

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[3]


def _verified_token(device):
    device.refresh_from_db()
    device.throttle_reset()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize(
    "target, expected",
    [
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("/audit/", "/audit/"),
    ],
)
def test_the_second_factor_page_only_redirects_within_the_site(client, make_user, target, expected):
    user = make_user(Role.AUDITOR, password=TEST_PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    response = client.post(f"/account/2fa/?next={target}", {"token": _verified_token(device)})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_apikey_create_keeps_every_scope_given():
    out = io.StringIO()
    call_command("apikey", "create", "--name", "two", "--scope", "appeals:read", "--scope", "audit:read",
                 stdout=out, stderr=io.StringIO())
    assert sorted(ApiKey.objects.get(name="two").scopes) == ["appeals:read", "audit:read"]


def test_production_healthz_is_exempt_from_the_https_redirect(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QINQING_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "qinqing.settings", "PYTHONPATH": str(SRC),
                "QINQING_SECRET_KEY": "x" * 60, "QINQING_ALLOWED_HOSTS": "testserver",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite3'}"})
    code = (
        "import django; django.setup(); from django.test import Client; c = Client();"
        "print(c.get('/healthz').status_code, c.get('/login/').status_code)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    healthz, login = result.stdout.split()
    assert healthz in {"200", "503"}, "a load balancer's plain-HTTP probe must see the health"
    assert login == "301", "everything else still goes to HTTPS"


def test_the_openapi_document_is_built_once(client, monkeypatch):
    import ninja.main

    first = client.get("/api/v1/openapi.json")
    assert first.status_code == 200

    def fail(*args, **kwargs):
        raise AssertionError("the schema was built again")

    monkeypatch.setattr(ninja.main, "get_schema", fail)
    again = client.get("/api/v1/openapi.json")
    assert again.status_code == 200 and again.content == first.content
