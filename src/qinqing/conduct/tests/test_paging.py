"""Nothing lost: the leads, the conflicts, the signed pledges, the recusals ordered or awaiting a decision
and the officials missing their annual confirmation are paged (50 a page), never cut."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.core.roles import Role
from qinqing.directory.tests import factories

from ..models import IntegrityPledge, Lead, LeadSource, Recusal, RecusalOrigin, RecusalStatus

pytestmark = pytest.mark.django_db
MANY = 53  # more than one page of 50


def _pages(user, name) -> tuple[str, str]:
    client = Client()
    client.force_login(user)
    first = client.get(reverse(name))
    assert first.status_code == 200
    return first.content.decode(), client.get(reverse(name), {"page": 2}).content.decode()


def _split(first: str, second: str, labels: list[str]) -> None:
    """50 of ``labels`` on the first page with a link to the second, the rest (and only they) there."""
    on_first = {label for label in labels if label in first}
    assert len(on_first) == 50 and 'data-testid="pager"' in first and "?page=2" in first
    assert {label for label in labels if label in second} == set(labels) - on_first


def test_every_lead_is_reachable(people):
    source = LeadSource.RECUSAL_REFUSED
    Lead.objects.bulk_create(
        Lead(official=people.official, source=source, summary=f"线索{n:03d}", article="16")
        for n in range(MANY)
    )
    _split(*_pages(people.inspector, "conduct:leads"), [f"线索{n:03d}" for n in range(MANY)])


def test_every_conflict_is_reachable(people, monkeypatch):
    found = [SimpleNamespace(evidence=f"冲突{n:03d}") for n in range(MANY)]
    monkeypatch.setattr("qinqing.conduct.conflicts.screen", lambda: found)
    _split(*_pages(people.inspector, "conduct:conflicts"), [f"冲突{n:03d}" for n in range(MANY)])


def test_every_signed_pledge_is_reachable(people):
    enterprises = [factories.make_enterprise(name=f"承诺企业{n:03d}") for n in range(MANY)]
    IntegrityPledge.objects.bulk_create(
        IntegrityPledge(enterprise=enterprise, signed_by=people.official_user, signatory_name="法定代表人",
                        signed_on=datetime.date(2026, 9, 1))
        for enterprise in enterprises
    )
    _split(*_pages(people.inspector, "conduct:pledges"), [f"承诺企业{n:03d}" for n in range(MANY)])


def _recusals(people, **fields) -> list[str]:
    Recusal.objects.bulk_create(
        Recusal(official=people.official, matter_type="appeal", matter_id=f"M-{n:03d}<", **fields)
        for n in range(MANY)
    )
    return [f"appeal:M-{n:03d}&lt;" for n in range(MANY)]  # the "<" marks the id's end in the page


def test_every_recusal_awaiting_a_decision_is_reachable(people, make_user):
    labels = _recusals(people, origin=RecusalOrigin.APPLIED, status=RecusalStatus.PENDING)
    _split(*_pages(make_user(Role.DISTRICT_LEADER), "conduct:recusals_pending"), labels)


def test_every_recusal_the_leader_ordered_is_reachable(people):
    labels = _recusals(
        people, origin=RecusalOrigin.ORDERED, status=RecusalStatus.ORDERED, decided_by=people.leader_user
    )
    _split(*_pages(people.leader_user, "conduct:recusal_order"), labels)


def test_every_official_missing_the_annual_confirmation_is_reachable(people):
    for n in range(MANY - 3):  # the people fixture has 3 officials already
        factories.make_official(unit=people.unit, name=f"干部{n:03d}")
    first, second = _pages(people.inspector, "conduct:red_flags")
    names = ["王领导", "张三", "赵六"] + [f"干部{n:03d}" for n in range(MANY - 3)]
    _split(first, second, [f"{name}（" for name in names])
