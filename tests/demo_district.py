"""The demo district as ``./qinqing serve`` leaves it, small: the accounts, the seed policy, a generated
district that binds the accounts to officials and an enterprise, every app's demo data, and a round of
the worker serve starts beside the site. One loader for the suite's walks (tests/test_navigation.py,
tests/test_chinese_text.py) and the browser's (tests/browser/test_accessibility_browser.py)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

# What the walks load of serve's app demos (core.demo.APP_DEMOS): fewer appeals, and not what takes long
# for what a walk sees (the routing model's training) or needs a larger district (integrity's listings
# want 40 enterprises; scale 8 has fewer).
SMALLER = {"appeals_demo": ("--count", "12")}
LEFT_OUT = {"appeals_train", "integrity_demo"}


def load_demo_district(*, scale: int = 8, seed: int = 7) -> None:
    """Load it in the active database, in the district's language, then run every job once (the sweep,
    the outbox's senders, the figures, the audit log's sequencer and publisher, the reminders); a job
    that fails fails the loader."""
    from django.conf import settings
    from django.utils import translation

    from qinqing.core import jobs
    from qinqing.core.audit import _set_maintenance
    from qinqing.core.demo import APP_DEMOS, create_demo_accounts
    from qinqing.core.testing import load_test_calendar
    from qinqing.directory.demo import generate_demo

    # services word the texts they store in the district's language; the demo is loaded in it too
    with translation.override(settings.LANGUAGE_CODE):
        _set_maintenance(False)
        load_test_calendar()
        create_demo_accounts()
        call_command("policy", "import", "--seed", verbosity=0, stdout=StringIO())
        generate_demo(scale=scale, seed=seed)
        for command, arguments in APP_DEMOS:
            if command not in LEFT_OUT:
                call_command(command, *SMALLER.get(command, arguments), verbosity=0, stdout=StringIO())
        failed = [report for report in jobs.run_all() if not report.ok]
    assert not failed, f"a job failed on the demo district: {failed}"
