import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinqing.core.crypto import sm3_hex
from qinqing.core.models import ApiKey

pytestmark = pytest.mark.django_db


def test_apikey_create_prints_the_key_once_and_stores_only_its_hash():
    out = StringIO()
    call_command(
        "apikey",
        "create",
        "--name",
        "procurement",
        "--scope",
        "integrity:query",
        "directory:read",
        stdout=out,
        stderr=StringIO(),
    )
    raw = out.getvalue().strip()
    key = ApiKey.objects.get(name="procurement")
    assert raw.startswith(f"qq_{key.prefix}_")
    assert key.key_hash == sm3_hex(raw.encode())
    assert raw not in json.dumps([key.name, key.prefix, key.key_hash, key.scopes])
    assert key.scopes == ["directory:read", "integrity:query"]
    listing = StringIO()
    call_command("apikey", "list", "--json", stdout=listing)
    assert raw not in listing.getvalue()


def test_apikey_create_rejects_unknown_scopes_naming_them():
    with pytest.raises(CommandError) as raised:
        call_command("apikey", "create", "--name", "bad", "--scope", "everything", stdout=StringIO())
    assert "everything" in str(raised.value)
    assert not ApiKey.objects.filter(name="bad").exists()


def test_apikey_revoke_and_unknown_name():
    call_command(
        "apikey", "create", "--name", "old", "--scope", "audit:read", stdout=StringIO(), stderr=StringIO()
    )
    call_command("apikey", "revoke", "old", stdout=StringIO())
    assert ApiKey.objects.get(name="old").revoked_at is not None
    with pytest.raises(CommandError):
        call_command("apikey", "revoke", "nobody", stdout=StringIO())


def test_audit_verify_command_reports_intact_chain():
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "intact" in out.getvalue()


def test_roles_adduser_enforces_password_rules():
    with pytest.raises(CommandError):
        call_command(
            "roles", "adduser", "weak", "--role", "official", "--password", "password", stdout=StringIO()
        )
    call_command(
        "roles", "adduser", "strong", "--role", "official", "--password", "Str0ng-Passw0rd", stdout=StringIO()
    )


def test_serve_says_clearly_when_the_port_is_taken():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(CommandError) as raised:
            call_command("serve", "--port", str(port), stdout=StringIO())
    message = str(raised.value)
    assert f"Port {port}" in message and "already in use" in message and "--port" in message


@pytest.mark.parametrize(
    ("args", "whole_suite"),
    [
        (["-q", "-p", "no:cacheprovider"], True),  # what .ci/run passes
        (["-q", "-p", "no:cacheprovider", "--ignore=tests/browser"], True),
        (["src/qinqing/core/tests/test_cli.py"], False),
        (["src/qinqing/core/tests/test_cli.py::test_serve_says_clearly_when_the_port_is_taken"], False),
        (["-k", "audit"], False),
        (["-kaudit"], False),
        (["-n", "4"], False),
        (["-x"], False),
        (["-p", "no:xdist"], False),
    ],
)
def test_the_whole_suite_runs_on_every_core_and_a_chosen_test_as_asked(args, whole_suite):
    from qinqing.cli import _names_tests

    assert _names_tests(args) is not whole_suite
