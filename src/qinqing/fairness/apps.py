from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def seed_rules_if_empty(**_kwargs) -> None:
    """The seeded rules come back after a flush (the test runner's transactional tests empty every
    table, and data migrations do not run again); a database with rules is left alone."""
    from django.db import connection

    from . import seeding
    from .models import Rule

    if Rule._meta.db_table in connection.introspection.table_names() and not Rule.objects.exists():
        seeding.seed(Rule)


class FairnessConfig(AppConfig):
    name = "qinqing.fairness"
    label = "fairness"
    verbose_name = _("Fair-competition review")

    def ready(self):
        post_migrate.connect(seed_rules_if_empty, sender=self, dispatch_uid="qinqing_fairness_seed_rules")
