"""Limits and time limits as data (DESIGN.md §5, core.time_limits): every value the apps count with has a
default equal to the constant it replaced, the district administrator changes it on one page (audited), a
value outside its bounds is refused naming the field, and no other role may change it."""

import pytest
from django.urls import reverse

from qinqing.core import time_limits
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent, TimeLimit
from qinqing.core.roles import Role

pytestmark = pytest.mark.django_db

# The constants these replaced, as they stood in the code.
OLD_CONSTANTS = {
    "supervision.duty_warning": 5,  # supervision/duties/services.py WARNING_WORKDAYS
    "supervision.due_warning": 3,  # supervision/services.py DUE_WARNING_WORKDAYS
    "supervision.retention_declined": 2 * 365,  # RETENTION_DAYS[declined]
    "supervision.retention_concluded": 5 * 365,
    "supervision.retention_closed": 10 * 365,
    "supervision.retention_warning": 30,  # RETENTION_WARNING_DAYS
    "policy.expiry_warning": 30,  # policy/jobs.py EXPIRY_WARNING_DAYS
    "policy.plan_warning": 3,  # PLAN_WARNING_WORKDAYS
    "integrity.bribery_answer": 3,  # integrity/services/bribery.py ANSWER_WORKDAYS
    "integrity.listing_objection": 15,  # integrity/services/listings.py OBJECTION_DAYS (the form's 15)
    "integrity.listing_minimum": 365,  # MINIMUM_DAYS (the form's 365)
    "liaison.frequency_warning": 10,  # liaison/jobs.py FREQUENCY_WARNING_WORKDAYS
    "liaison.follow_up_warning": 3,  # FOLLOW_UP_WARNING_WORKDAYS
    "commitments.alert": 5,  # commitments/services.py ALERT_WORKDAYS
    "conduct.confirmations_since": 2026,  # conduct/models.py CONFIRMATIONS_SINCE
}
PAGE = "/admin-tools/time-limits/"


def _posted(**changes):
    return {**time_limits.values(), **changes}


def test_each_default_is_the_constant_it_replaced_and_cites_an_article():
    declared = {limit.key: limit for limit in time_limits.declared()}
    assert {key: limit.default for key, limit in declared.items()} == OLD_CONSTANTS
    assert time_limits.values() == OLD_CONSTANTS
    assert all(limit.article and limit.least <= limit.default <= limit.most for limit in declared.values())


def test_the_administrator_changes_a_value_on_the_page_audited(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    page = client.get(reverse("core:time_limits"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="time-limit-commitments.alert"' in html and "第10条" in html
    response = client.post(PAGE, _posted(**{"commitments.alert": 8}))
    assert response.status_code == 302
    assert time_limits.value("commitments.alert") == 8
    # only the value changed is stored (the others keep their defaults, no row, no event)
    assert list(TimeLimit.objects.values_list("key", "value")) == [("commitments.alert", 8)]
    event = AuditEvent.objects.get(action="core.time_limit.set")
    assert event.actor_user_id == admin.pk and event.details["article"] == "10"
    time_limits.time_limit_set(actor=admin, key="commitments.alert", value=6)
    assert AuditEvent.objects.filter(action="core.time_limit.set").count() == 2
    assert time_limits.value("commitments.alert") == 6  # read from the database, no cache


def test_a_value_out_of_range_is_refused_naming_the_field_and_nothing_is_saved(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(PAGE, _posted(**{"policy.plan_warning": 4, "commitments.alert": 0}))
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["commitments.alert"]
    assert "应在 1 至 60 之间（填写的是 0）" in form.errors["commitments.alert"][0]  # zh-Hans by default
    assert not TimeLimit.objects.exists()  # the valid value beside it is not saved either
    with pytest.raises(ServiceError) as refused:
        time_limits.time_limit_set(actor=make_user(Role.ADMINISTRATOR), key="supervision.retention_declined",
                                   value=29)
    assert (refused.value.code, refused.value.field) == ("out_of_range", "supervision.retention_declined")
    with pytest.raises(ServiceError) as refused:
        time_limits.time_limit_set(actor=make_user(Role.ADMINISTRATOR), key="commitments.alert", value="5")
    assert (refused.value.code, refused.value.field) == ("invalid", "commitments.alert")
    with pytest.raises(ServiceError) as refused:
        time_limits.time_limit_set(actor=make_user(Role.ADMINISTRATOR), key="commitments.nothing", value=5)
    assert (refused.value.code, refused.value.field) == ("unknown_limit", "key")
    assert not AuditEvent.objects.filter(action="core.time_limit.set").exists()


@pytest.mark.parametrize(
    "role", [Role.DISTRICT_LEADER, Role.DISCIPLINE_INSPECTOR, Role.DEPARTMENT_HANDLER, Role.ENTERPRISE_USER]
)
def test_only_the_administrator_opens_the_page_or_changes_a_value(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, _posted(**{"commitments.alert": 8})).status_code == 403
    assert not TimeLimit.objects.exists()
    assert not AuditEvent.objects.filter(action="core.time_limit.set").exists()
    assert PAGE not in client.get("/").content.decode()  # neither menu nor tile offers it


def test_the_menu_offers_it_to_the_administrator(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert PAGE in client.get("/").content.decode()
