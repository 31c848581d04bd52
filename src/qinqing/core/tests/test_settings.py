"""Production is the default and refuses unsafe configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3]


def _load_settings(env: dict, show: str = "settings.DEBUG, settings.SESSION_COOKIE_SECURE, "
                   "settings.SECURE_HSTS_SECONDS") -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("QINQING_", "DATABASE_URL"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "qinqing.settings", "PYTHONPATH": str(SRC), **env})
    code = f"import django; django.setup(); from django.conf import settings; print({show})"
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60)


def test_production_is_the_default_and_needs_a_secret_key():
    result = _load_settings({})
    assert result.returncode != 0
    assert "QINQING_SECRET_KEY is required" in result.stderr


def test_production_refuses_the_demo_secret_key():
    from django.conf import settings

    result = _load_settings(
        {"QINQING_SECRET_KEY": settings.DEMO_SECRET_KEY, "QINQING_ALLOWED_HOSTS": "qinqing.example.gov.cn"}
    )
    assert result.returncode != 0
    assert "public demo key" in result.stderr


def test_production_needs_allowed_hosts():
    result = _load_settings({"QINQING_SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "QINQING_ALLOWED_HOSTS is required" in result.stderr


def test_production_settings_are_secure():
    result = _load_settings(
        {"QINQING_SECRET_KEY": "x" * 60, "QINQING_ALLOWED_HOSTS": "qinqing.example.gov.cn"}
    )
    assert result.returncode == 0, result.stderr
    debug, secure_cookie, hsts = result.stdout.split()
    assert debug == "False" and secure_cookie == "True" and int(hsts) > 0


@pytest.mark.parametrize("mode", ["production", "demo"])
def test_passwords_are_hashed_at_djangos_argon2_cost_outside_the_test_suite(mode):
    """Only the suite hashes cheaply (core.passwords.QuickArgon2PasswordHasher, the reports' receipt codes);
    the site does not."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    result = _load_settings(
        {"QINQING_MODE": mode, "QINQING_SECRET_KEY": "x" * 60,
         "QINQING_ALLOWED_HOSTS": "qinqing.example.gov.cn"},
        show="' '.join(settings.PASSWORD_HASHERS), 'receipts', settings.RECEIPT_CODE_ARGON2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert result.stdout.split("receipts")[1].strip() == "{}"  # argon2-cffi's parameters for receipt codes
    assert "Quick" not in result.stdout
    assert (Argon2PasswordHasher.time_cost, Argon2PasswordHasher.memory_cost) == (2, 102400)


def test_a_password_hashed_at_the_production_cost_verifies_in_the_suite():
    from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, get_hashers

    assert type(get_hashers()[0]).__name__ == "QuickArgon2PasswordHasher"
    real = Argon2PasswordHasher()
    encoded = real.encode("Qinqing@2026x", real.salt())
    assert "m=102400,t=2,p=8" in encoded
    assert check_password("Qinqing@2026x", encoded) and not check_password("Qinqing@2026y", encoded)


@pytest.mark.parametrize("header", ["Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"])
def test_pages_carry_security_headers(client, header):
    response = client.get("/login/")
    assert header in response


def test_the_api_docs_page_carries_a_policy_but_json_answers_do_not(client):
    """CSP governs documents; a JSON answer is never rendered as one (core.middleware.CSPMiddleware)."""
    assert "Content-Security-Policy" in client.get("/api/v1/docs")
    json_answer = client.get("/api/v1/openapi.json")
    assert json_answer["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in json_answer
    assert json_answer["X-Content-Type-Options"] == "nosniff"
