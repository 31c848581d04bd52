from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from qinqing.core.audit import SystemActor
from qinqing.core.errors import ServiceError
from qinqing.core.roles import Role, sync_roles
from qinqing.core.services import user_create


class Command(BaseCommand):
    help = "List the roles, re-sync their permissions, or create a user with roles."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="list roles and their users")
        sub.add_parser("sync", help="re-create role groups and their permissions")
        add = sub.add_parser("adduser", help="create a user with one or more roles")
        add.add_argument("username")
        add.add_argument("--role", dest="roles", nargs="+", action="extend", required=True,
                         choices=[r.value for r in Role])
        add.add_argument("--password", required=True)
        add.add_argument("--name", default="")

    def handle(self, *args, action, **options):
        if action == "sync":
            sync_roles()
            self.stdout.write("roles synced")
        elif action == "list":
            users = get_user_model().objects.prefetch_related("groups")
            for role in Role:
                names = [u.username for u in users if any(g.name == role.value for g in u.groups.all())]
                self.stdout.write(f"{role.value:<22} {role.label:<14} {', '.join(names)}")
        else:
            try:
                user = user_create(
                    username=options["username"], password=options["password"], roles=options["roles"],
                    actor=SystemActor("cli"), full_name=options["name"],
                )
            except ServiceError as error:
                raise CommandError(f"{error.field}: {error.text()}") from error
            self.stdout.write(f"created {user.username}")
