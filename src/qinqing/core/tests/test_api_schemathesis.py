"""Issue 18, "keep proving it": schemathesis against the API, and any 5xx fails the suite.

Schemathesis loads ``/api/v1/openapi.json`` from the site's own WSGI application (the one
gunicorn serves, with the eligibility fast path in front of Django), generates cases from every
operation's schema — valid ones and, in its negative mode, values the schema forbids — and sends
them in process with an API key holding every scope, checking ``not_a_server_error``. Bounded:
``MAX_EXAMPLES`` per operation, no shrinking, derandomised (the same cases on every run), so CI
time stays in the tens of seconds. ``test_api_fuzz.py`` adds the hostile values schemathesis does
not generate by itself (NUL bytes, lone surrogates, broken UTF-8, 20,000 characters).
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from qinqing.api import api
from qinqing.wsgi import application

MAX_EXAMPLES = 6
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI application directly, which sends Django's request signals; the
    test's connection must survive them (on PostgreSQL, ``close_old_connections`` would close it
    inside the test's transaction). Django's own test client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)

# The document the site serves at /api/v1/openapi.json, built from the same API object here (at
# collection, without a request: schemathesis's lazy fixture loader does not work with pytest 9).
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), cls=DjangoJSONEncoder))
)
schema.app = application  # calls go through the WSGI application in process, as from_wsgi does


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_5xx(case, api_key, workday_calendar):
    from qinqing.core.scopes import SCOPES

    _key, raw = api_key(*SCOPES)
    case.call_and_validate(headers={"X-API-Key": raw}, checks=[not_a_server_error])
