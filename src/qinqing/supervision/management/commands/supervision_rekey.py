"""``./qinqing supervision_rekey``: re-seal reports, messages and attachments under the current supervision key."""  # noqa: E501

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "After adding a new key to QINQING_SUPERVISION_KEY_FILE / _KEYS and making it current "
        "(QINQING_SUPERVISION_KEY_ID), "
        "re-seal every value still under an older key; then the old key can be removed. Audited."
    )

    def handle(self, *args, **options):
        from qinqing.supervision.services import rekey

        counts = rekey()
        self.stdout.write("re-sealed: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
