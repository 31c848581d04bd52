import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.audit import verify_chain
from qinqing.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "The audit log: verify it against the heads published outside the database (exit 0 when "
        "intact), publish the signed head now, integrate pending events, print a proof, or show "
        "an object's trail (docs/OPERATIONS.md, 'The audit log')."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify",
            help="check every event, the Merkle tree against the signed and published heads, and the "
            "audited records against their last event",
        )
        verify.add_argument("--json", action="store_true")
        verify.add_argument("--chain-only", action="store_true", help="skip the record-state comparison")
        verify.add_argument(
            "--anchor-file",
            action="append",
            default=[],
            metavar="PATH",
            help="a file of published heads (JSON lines) to check against; repeatable; default: "
            "QINQING_AUDIT_ANCHOR_FILE",
        )
        sub.add_parser(
            "anchor",
            help="integrate pending events, then publish the signed head now (anchor file and witnesses)",
        )
        sub.add_parser("sequence", help="integrate pending events into the tree and sign a head")
        proof = sub.add_parser("proof", help="print the inclusion proof of an event (JSON)")
        proof.add_argument("content_hash")
        show = sub.add_parser("show", help="print the events of one object")
        show.add_argument("object_type", help="e.g. directory.Enterprise")
        show.add_argument("object_id")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(**options)

    def _show(self, **options):
        from qinqing.core.audit.display import masked_changes

        for event in AuditEvent.objects.filter(
            object_type=options["object_type"], object_id=options["object_id"]
        ).order_by("seq"):
            changes = masked_changes(event.object_type, event.changes)  # as the trail page shows them
            self.stdout.write(
                f"#{event.seq} {event.occurred_at:%Y-%m-%d %H:%M:%S} {event.actor_label} "
                f"{event.action} {json.dumps(changes, ensure_ascii=False)}"
            )

    def _sequence(self, **options):
        from qinqing.core.transparency import sequencer, store

        count = sequencer.integrate_all()
        self.stdout.write(f"integrated {count} events; tree size {store.tree_size()}")

    def _anchor(self, **options):
        from qinqing.core.transparency import publish

        report = publish.publish_now()
        self.stdout.write(report.summary())
        if report.head is None or not report.ok:
            raise CommandError("the head was not published everywhere (see above)", returncode=1)

    def _proof(self, **options):
        from qinqing.core.transparency import proofs

        proof = proofs.proof_for_content_hash(options["content_hash"])
        if proof is None:
            raise CommandError("no sequenced event has this content hash (yet)", returncode=1)
        self.stdout.write(json.dumps(proof, indent=2))

    def _verify(self, **options):
        from qinqing.core.transparency import publish

        explicit = [Path(p) for p in options["anchor_file"]]
        for path in explicit:
            if not path.exists():
                raise CommandError(f"anchor file {path} does not exist", returncode=2)
        configured = publish.anchor_path()
        paths = explicit or ([configured] if configured and configured.exists() else [])
        if not explicit and configured and not configured.exists():
            self.stderr.write(f"note: the anchor file {configured} does not exist yet (nothing published)")
        anchored = []
        for path in paths:
            anchored += publish.read_anchor_file(path)
        started = time.monotonic()
        result = verify_chain(check_records=not options["chain_only"], anchor_heads=anchored)
        seconds = time.monotonic() - started
        if options["json"]:
            self.stdout.write(
                json.dumps({**result.__dict__, "seconds": round(seconds, 2)}, ensure_ascii=False)
            )
        elif result.ok:
            self.stdout.write(
                f"audit log intact: {result.events_checked} events ({result.tree_size} in the tree), "
                f"{result.records_checked} records checked against {len(anchored)} published heads "
                f"in {seconds:.1f} s"
            )
            for statement in result.statements:
                self.stdout.write(f"  * {statement}")
        if not result.ok:
            where = f" at event #{result.first_broken_seq}" if result.first_broken_seq else ""
            if not options["json"]:
                self.stderr.write(f"audit log BROKEN{where}:")
                for problem in result.problems:
                    self.stderr.write(f"  - {problem}")
            raise CommandError(
                f"audit log broken{where}",
                returncode=1,
            )
