"""``./qinqing twofactor issue USERNAME``: a one-time code to enrol an authenticator (core.enrolment)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from qinqing.core.audit import SystemActor
from qinqing.core.enrolment import enrolment_code_issue


class Command(BaseCommand):
    help = (
        "Issue a one-time code with which a user enrols their authenticator app (second factor). "
        "Issuing retires the user's earlier code and authenticators (a lost phone is re-enrolled so)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="issue an enrolment code and print it once")
        issue.add_argument("username")

    def handle(self, *args, action, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        code = enrolment_code_issue(user=user, actor=SystemActor("cli"))
        self.stdout.write(code)
        self.stderr.write(
            "Hand this code to the user in person or by phone; it is used once. "
            "/ 请当面或电话将此代码交给用户，仅可使用一次。"
        )
