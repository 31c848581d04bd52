"""Deny by default: every page answers an anonymous visitor with the login wall (or a
JSON 401 for the API), except the pages the public is meant to see."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Public on purpose: log-in, language switch, health probe, the published policy, the
# public portal (mailbox form, status lookup, letter verification), the channel webhooks
# (they check signatures), the published policy interpretations, the API docs, and ``/``
# (the public landing page; a signed-in user gets their own home page there).
PUBLIC = re.compile(
    r"^/($|login/|i18n/|jsi18n/|healthz|policy/|portal/|webhooks/|verify/|conduct/verify|appeals/knowledge/$|api/v1/(docs|openapi\.json)|django-admin/)"
)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _concrete(route: str) -> str:
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: "abc" if m.group(1) in ("slug", "str", "path") else "1", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route.replace("\\", "")


def test_every_page_requires_login_unless_public(client):
    checked = 0
    for route in _walk(get_resolver().url_patterns):
        path = _concrete(route)
        if PUBLIC.match(path) or "(" in path:
            continue
        response = client.get(path)
        checked += 1
        if path.startswith("/api/"):
            assert response.status_code in (401, 404, 405), f"{path} answered {response.status_code} to an anonymous caller"
        else:
            assert response.status_code in (302, 405), f"{path} answered {response.status_code} to an anonymous visitor"
            if response.status_code == 302:
                assert response["Location"].startswith("/login/"), path
    assert checked > 5
