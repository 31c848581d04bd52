"""Issue 9, item 8: the 操作留痕 card reads in words — field labels, choice labels, the names
of referenced records and local time — not column names, codes and UTC."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from qinqing.core import audit
from qinqing.core.audit import display
from qinqing.core.roles import Role

from ..models import Appeal, Status, Track
from ..workflow import services
from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


@pytest.fixture
def assigned(make_user, frozen_clock):
    # 09:30 in Shanghai is 01:30 UTC: local time shows 09:30, never 01:30 or a "Z".
    frozen_clock("2026-03-02 09:30")
    unit = factories.make_unit("区发改局")
    supervisor = make_user(Role.DISTRICT_LEADER)
    enterprise_user, enterprise = factories.make_enterprise_user()
    appeal = factories.file_appeal(enterprise=enterprise)
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    return {"appeal": Appeal.objects.get(pk=appeal.pk), "unit": unit, "supervisor": supervisor}


def _trail(html: str) -> str:
    return re.search(r'<section class="card audit-trail".*?</section>', html, re.S).group(0)


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_describe_turns_codes_into_labels_names_and_local_time(assigned):
    appeal, unit = assigned["appeal"], assigned["unit"]
    with translation.override("zh-hans"):
        rows = display.describe(list(audit.trail_for(appeal)))
        by_action = {row.event.action: row for row in rows}
        assign = {change.name: change for change in by_action["appeals.appeal.assign"].changes}
        assert assign["handling_unit_id"].label == "办理单位" or "单位" in assign["handling_unit_id"].label
        assert assign["handling_unit_id"].after == f"{unit.name} (#{unit.pk})"
        assert assign["status"].before == str(Status.TRIAGED.label)
        assert assign["status"].after == str(Status.ASSIGNED.label)
        readable = [change.label for change in assign.values() if not change.internal]
        assert readable and not any(re.search(r"[a-z]_[a-z]", label) for label in readable)
        created = next(row for row in rows if row.created)
        fields = {change.name: change for change in created.changes}
        assert fields["received_at"].after == "2026-03-02 09:30:00"
        assert "id" not in fields and all(change.after != display.EMPTY for change in created.changes)
        # Machine columns (blind index, fingerprint) keep their column name, greyed, last.
        internal = [change.internal for change in created.changes]
        assert internal == sorted(internal) and fields["content_fingerprint"].internal


def test_the_appeal_page_shows_the_trail_in_words(client, assigned):
    client.force_login(assigned["supervisor"])
    html = client.get(reverse("appeals:detail", args=[assigned["appeal"].pk])).text
    trail = _trail(html)
    text = _visible(trail)
    assert "handling_unit_id" not in text and "assigned" not in text.split() and "T01:30" not in text
    assert assigned["unit"].name in text and "2026-03-02 09:30" in text
    with translation.override("zh-hans"):
        assert str(Status.ASSIGNED.label) in text
    assert 'class="table-wrap"' in trail and 'class="table audit-table"' in trail


def test_the_trail_is_in_english_when_switched(client, assigned, settings):
    client.force_login(assigned["supervisor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _visible(_trail(client.get(reverse("appeals:detail", args=[assigned["appeal"].pk])).text))
    with translation.override("en"):
        assert str(Status.ASSIGNED.label) in text and "Audit trail" in text


def test_an_unknown_object_type_shows_its_raw_changes():
    event = audit.AuditEvent(seq=1, action="x", object_type="nowhere.Thing", object_id="1",
                             changes={"colour": [None, "red"], "count": [1, 2]})
    row = display.describe([event])[0]
    shown = [(c.label, c.before, c.after) for c in row.changes]
    assert shown == [("colour", "—", "red"), ("count", "1", "2")]


def test_a_reference_without_its_own_label_is_named_after_the_model_it_points_to(db):
    from django.core.management import call_command

    from qinqing.policy.selectors import article

    call_command("policy", "import", "--seed", verbosity=0)
    eight = article("8")
    with translation.override("zh-hans"):
        row = display.describe(list(audit.trail_for(eight)))[0]
        changes = {change.name: change for change in row.changes}
        assert not changes["chapter_id"].internal and not changes["document_id"].internal
        assert changes["chapter_id"].label == capfirst(str(type(eight.chapter)._meta.verbose_name))
        assert changes["document_id"].after == f"{eight.document} (#{eight.document_id})"
