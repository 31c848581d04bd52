"""Integrity factories for tests: every write goes through the services."""

import datetime

from qinqing.core.audit import SystemActor

from .. import services

ACTOR = SystemActor("test")


def make_listing(
    *,
    enterprise=None,
    person=None,
    uscc="",
    id_number="",
    name="",
    activities=("procurement",),
    start=None,
    end=None,
    kind="corrupting_officials",
    actor=ACTOR,
    **extra,
):
    from qinqing.core import clock

    start = start or clock.today()
    end = end or start + datetime.timedelta(days=365 * 3)
    return services.listing_decide(
        enterprise=enterprise,
        person=person,
        uscc=uscc,
        id_number=id_number,
        name=name,
        kind=kind,
        grounds="向公职人员行贿",
        evidence="判决书",
        restrictions=[(activity, start, end) for activity in activities],
        actor=actor,
        **extra,
    )
