"""Each kernel page: the right role gets in, a wrong role is denied and nothing changes."""

import pytest

from qinqing.core.models import ApiKey, AuditEvent
from qinqing.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMINISTRATOR, Role.DISCIPLINE_INSPECTOR])
def test_audit_log_is_open_to_auditing_roles(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get("/audit/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "role", [Role.ENTERPRISE_USER, Role.OFFICIAL, Role.DEPARTMENT_HANDLER, Role.FEDERATION_STAFF]
)
def test_audit_log_is_denied_to_other_roles(client, make_user, role):
    client.force_login(make_user(role))
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "403" in response.content.decode()


def test_auditor_can_verify_the_chain_from_the_page(client, make_user):
    client.force_login(make_user(Role.AUDITOR))
    response = client.get("/audit/?verify=1")
    assert 'data-testid="verify-result"' in response.content.decode()


def test_administrator_creates_and_revokes_an_api_key_on_the_page(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(
        "/admin-tools/api-keys/", {"name": "subsidy-system", "scopes": ["integrity:query"]}
    )
    assert response.status_code == 200
    assert 'data-testid="new-key"' in response.content.decode()
    key = ApiKey.objects.get(name="subsidy-system")
    assert key.scopes == ["integrity:query"]
    client.post("/admin-tools/api-keys/subsidy-system/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_api_key_page_reports_a_bad_name_against_the_field(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post("/admin-tools/api-keys/", {"name": "Bad Name!", "scopes": ["integrity:query"]})
    assert response.status_code == 400
    assert ApiKey.objects.count() == 0
    assert "Bad Name!" in response.content.decode(), "what the user typed is kept"


def test_revoking_an_unknown_key_answers_on_the_page_naming_it(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post("/admin-tools/api-keys/no-such-key/revoke/")
    assert response.status_code == 404  # a refusal, on the keys page: not a redirect with a flash message
    page = response.content.decode()
    assert 'data-testid="revoke-error" data-field="name"' in page
    assert "no-such-key" in page
    assert 'data-testid="new-key"' not in page


@pytest.mark.parametrize(
    "role", [Role.OFFICIAL, Role.AUDITOR, Role.CREDIT_ADMINISTRATOR, Role.ENTERPRISE_USER]
)
def test_other_roles_cannot_create_or_revoke_api_keys(client, make_user, api_key, role):
    existing, _raw = api_key("directory:read", name="existing")
    user = make_user(role)  # its creation records its own events (account, roles)
    events_before = AuditEvent.objects.count()
    client.force_login(user)
    assert client.get("/admin-tools/api-keys/").status_code == 403
    assert (
        client.post("/admin-tools/api-keys/", {"name": "sneaky", "scopes": ["audit:read"]}).status_code == 403
    )
    assert client.post("/admin-tools/api-keys/existing/revoke/").status_code == 403
    assert not ApiKey.objects.filter(name="sneaky").exists()
    existing.refresh_from_db()
    assert existing.revoked_at is None
    assert AuditEvent.objects.count() == events_before  # nothing recorded for the refused requests


def test_django_admin_cannot_add_change_or_delete_audit_events(admin_user, rf):
    from django.contrib import admin

    request = rf.get("/django-admin/core/auditevent/")
    request.user = admin_user
    model_admin = admin.site._registry[AuditEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_kernels_bookkeeping_is_readable_in_the_django_admin_and_nothing_more(admin_user, client):
    """Provisional deadlines' bases, letters' issuers and the time limits set: listed for inspection,
    written only by their services (no add, change or delete in the admin)."""
    from django.contrib import admin

    from qinqing.core.models import DeadlineBasis, LetterIssuer, TimeLimit

    client.force_login(admin_user)
    for model in (DeadlineBasis, LetterIssuer, TimeLimit):
        model_admin = admin.site._registry[model]
        request = client.get(f"/django-admin/core/{model._meta.model_name}/").wsgi_request
        assert client.get(f"/django-admin/core/{model._meta.model_name}/").status_code == 200
        assert not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                    or model_admin.has_delete_permission(request))


def test_menus_read_the_declarations_once_per_set_of_roles_and_again_after_a_declaration(
    make_user, monkeypatch
):
    """pages_for_roles (every page's menus and tiles) answers a set of roles from what it read before; a
    declaration made later (an app's access module) empties what was read."""
    from qinqing.core import access

    access.declare()  # nothing read before this test
    first = access.pages_for_roles(make_user(Role.DISCIPLINE_INSPECTOR))
    reads = []
    real_allows = access._allows
    monkeypatch.setattr(access, "_allows", lambda *args, **kw: reads.append(1) or real_allows(*args, **kw))
    assert access.pages_for_roles(make_user(Role.DISCIPLINE_INSPECTOR)) == first and not reads
    assert access.pages_for_roles(make_user(Role.ENTERPRISE_USER)) != first and reads  # other roles
    reads.clear()
    access.declare()  # a declaration (even of nothing) empties what was read
    assert access.pages_for_roles(make_user(Role.DISCIPLINE_INSPECTOR)) == first and reads
