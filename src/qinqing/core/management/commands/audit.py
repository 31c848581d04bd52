import json

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.audit import verify_chain
from qinqing.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit chain (exit 0 when intact), or show an object's trail."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="walk the SM3 chain and compare audited records with their last event"
        )
        verify.add_argument("--json", action="store_true")
        verify.add_argument("--chain-only", action="store_true", help="skip the record-state comparison")
        show = sub.add_parser("show", help="print the events of one object")
        show.add_argument("object_type", help="e.g. directory.Enterprise")
        show.add_argument("object_id")

    def handle(self, *args, action, **options):
        if action == "show":
            for event in AuditEvent.objects.filter(
                object_type=options["object_type"], object_id=options["object_id"]
            ).order_by("seq"):
                self.stdout.write(
                    f"#{event.seq} {event.occurred_at:%Y-%m-%d %H:%M:%S} {event.actor_label} "
                    f"{event.action} {json.dumps(event.changes, ensure_ascii=False)}"
                )
            return
        result = verify_chain(check_records=not options["chain_only"])
        if options["json"]:
            self.stdout.write(json.dumps(result.__dict__, ensure_ascii=False))
        elif result.ok:
            self.stdout.write(
                f"audit chain intact: {result.events_checked} events, {result.records_checked} "
                f"records checked"
            )
        if not result.ok:
            if not options["json"]:
                self.stderr.write(f"audit chain BROKEN: first broken event #{result.first_broken_seq}")
                for problem in result.problems:
                    self.stderr.write(f"  - {problem}")
            raise CommandError(f"audit chain broken at event #{result.first_broken_seq}", returncode=1)
