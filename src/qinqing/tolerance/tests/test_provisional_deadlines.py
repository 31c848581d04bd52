"""A step's due date and the revisit counted on the provisional 2027 are counted again when the 2027 notice is
loaded (core.calendar.deadlines): the real 2024–2026 calendar, 2027 provisional, and a 2027 notice whose
Spring Festival make-up days are 13 and 20 February where the provisional schedule works Sunday 31 January.
"""

import datetime

import pytest

from qinqing.core import audit
from qinqing.core.calendar.services import calendar_notice_load
from qinqing.core.models import AuditEvent, DeadlineBasis
from qinqing.core.roles import Role
from qinqing.core.testing import NOTICE_2027

from .. import services
from .test_tolerance import YES, _submit, office  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
D = datetime.date
ACTION = "tolerance.request.deadline_recount"


def _filed(office):  # noqa: F811
    official_user, official, _colleague, inspector, org = office
    row = _submit(official_user, official)
    services.request_accept(request=row, actor=inspector)
    services.request_deliberate(request=row, answers={**YES, "exploration": False}, notes="上级已有禁令",
                                actor=inspector)
    services.request_determine(request=row, determination="not_tolerated", reasons="明知禁令仍继续推进",
                               actor=inspector)
    return services.request_file(request=row, organisation_department=org, actor=inspector)


def test_loading_the_2027_notice_moves_open_steps_and_revisits_not_those_done(
        office, frozen_clock, make_user, django_capture_on_commit_callbacks):  # noqa: F811
    official_user, official, _colleague, inspector, _org = office
    frozen_clock("2026-11-06 10:00")  # filed: the revisit 60 working days on
    revisit = _filed(office)
    revisited = _filed(office)
    assert revisit.revisit_due == revisited.revisit_due == D(2027, 1, 31), "provisionally, Sunday 31 January"
    frozen_clock("2027-01-25 10:00")  # 2027 not yet loaded: still provisional; 5 working days to accept
    services.request_revisit(request=revisited, note="回访：已整改", actor=inspector)
    waiting = _submit(official_user, official)
    assert waiting.step_due == D(2027, 1, 31)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        calendar_notice_load(text=NOTICE_2027, actor=make_user(Role.ADMINISTRATOR))

    for row in (revisit, revisited, waiting):
        row.refresh_from_db()
    assert waiting.step_due == D(2027, 2, 1)
    assert revisit.revisit_due == D(2027, 2, 1)
    assert revisited.revisit_due == D(2027, 1, 31), "a revisit already recorded is left as it was"
    event = AuditEvent.objects.get(action=ACTION, object_id=str(revisit.pk))
    assert (event.details["calendar_year"], event.details["field"], event.details["due_before"],
            event.details["due_after"]) == (2027, "revisit_due", "2027-01-31", "2027-02-01")
    assert AuditEvent.objects.filter(action=ACTION, object_id=str(waiting.pk)).count() == 1
    assert not AuditEvent.objects.filter(action=ACTION, object_id=str(revisited.pk)).exists()
    assert len(callbacks) >= 1, "the revisit's one-off run is scheduled again for its new date"
    assert not DeadlineBasis.objects.exists()
    assert audit.verify_chain().ok
