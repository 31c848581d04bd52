"""``./qinqing screen [--json] [--since DATETIME] [--incremental] [--rebuild-watch]``: conflict-of-interest screening (15.7).

``--rebuild-watch`` first rebuilds the screening watch list from the directory (the triggers
keep it complete; the rebuild trims stale rows and says whether any row had been missed).
"""  # noqa: E501

import json
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from qinqing.core import clock


class Command(BaseCommand):
    help = (
        "Screen every official and related person against the enterprise links; print each conflict "
        "with its evidence chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")
        parser.add_argument(
            "--since", help="only links and relationships changed after this date-time (ISO 8601)"
        )
        parser.add_argument("--incremental", action="store_true", help="only what changed since the last run")
        parser.add_argument(
            "--rebuild-watch",
            action="store_true",
            help="rebuild the screening watch list from the directory first (it is trigger-maintained)",
        )

    def handle(self, *args, **options):
        from qinqing.conduct.services import screening_run, screening_watch_rebuild

        since = None
        if options["since"]:
            since = parse_datetime(options["since"]) or parse_datetime(options["since"] + "T00:00:00")
            if since is None:
                raise CommandError("--since must be an ISO 8601 date-time, e.g. 2026-01-31T08:00")
            since = clock.aware(since)
        rebuilt = None
        if options["rebuild_watch"]:
            started = time.perf_counter()
            rebuilt = screening_watch_rebuild()
            message = (f"Watch list rebuilt in {time.perf_counter() - started:.2f} s: {rebuilt.rows} row(s), "
                       f"{rebuilt.stale} stale row(s) removed, {rebuilt.missing} missing row(s) added.")
            # stdout stays pure JSON with --json; missing rows mean a trigger was dropped or bypassed.
            stream = self.stderr if rebuilt.missing or options["json"] else self.stdout
            stream.write(message)
        started = time.perf_counter()
        run, conflicts = screening_run(incremental=options["incremental"] or since is not None, since=since)
        elapsed = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "since": since.isoformat()
                        if since
                        else (run.incremental_since.isoformat() if run.incremental_since else None),
                        "seconds": round(elapsed, 3),
                        "count": len(conflicts),
                        "article": "15.7",
                        "watch_rebuild": None
                        if rebuilt is None
                        else {"rows": rebuilt.rows, "stale": rebuilt.stale, "missing": rebuilt.missing},
                        "conflicts": [conflict.as_dict() for conflict in conflicts],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        for conflict in conflicts:
            self.stdout.write(conflict.evidence())
        self.stdout.write(f"{len(conflicts)} conflict(s) found in {elapsed:.2f} s (article 15 item 7).")
