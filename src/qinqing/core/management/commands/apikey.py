import json

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.audit import SystemActor
from qinqing.core.errors import ServiceError
from qinqing.core.models import ApiKey
from qinqing.core.scopes import SCOPES
from qinqing.core.services import apikey_create, apikey_revoke


class Command(BaseCommand):
    help = (
        "Create, list and revoke API keys for external systems. The key is printed once; only its "
        "hash is kept."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key and print it once")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--scope",
            dest="scopes",
            nargs="+",
            action="extend",  # --scope a --scope b and --scope a b both keep every scope
            required=True,
            help="one or more of: " + ", ".join(sorted(SCOPES)),
        )
        revoke = sub.add_parser("revoke", help="revoke a key by name")
        revoke.add_argument("name")
        listing = sub.add_parser("list", help="list keys (never the secrets)")
        listing.add_argument("--json", action="store_true")
        sub.add_parser("scopes", help="list the known scopes")

    def handle(self, *args, action, **options):
        actor = SystemActor("cli")
        try:
            if action == "create":
                _key, raw = apikey_create(name=options["name"], scopes=options["scopes"], actor=actor)
                self.stdout.write(raw)
                self.stderr.write(
                    "Store this key now: it is not shown again. / 请立即保存此密钥，之后不再显示。"
                )
            elif action == "revoke":
                key = apikey_revoke(name=options["name"], actor=actor)
                self.stdout.write(f"revoked {key.name} at {key.revoked_at:%Y-%m-%d %H:%M:%S}")
            elif action == "list":
                rows = [
                    {"name": k.name, "prefix": k.prefix, "scopes": k.scopes, "active": k.is_active}
                    for k in ApiKey.objects.order_by("name")
                ]
                if options["json"]:
                    self.stdout.write(json.dumps(rows, ensure_ascii=False))
                for row in [] if options["json"] else rows:
                    self.stdout.write(
                        f"{row['name']:<24} qq_{row['prefix']}_…  "
                        f"{'active' if row['active'] else 'revoked':<8} {' '.join(row['scopes'])}"
                    )
            else:
                for code, label in sorted(SCOPES.items()):
                    self.stdout.write(f"{code:<20} {label}")
        except ServiceError as error:
            raise CommandError(f"{error.field or ''}: {error.text()}".lstrip(": ")) from error
