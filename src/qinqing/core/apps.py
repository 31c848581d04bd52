from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qinqing.core"
    label = "core"
    verbose_name = _("Platform kernel")

    def ready(self) -> None:
        from .db import register_sqlite_functions, use_wal_journal
        from .roles import sync_roles

        connection_created.connect(register_sqlite_functions, dispatch_uid="qinqing_sqlite_functions")
        connection_created.connect(use_wal_journal, dispatch_uid="qinqing_sqlite_wal")
        # Infrastructure, like Django's own permission creation: groups follow the role table.
        post_migrate.connect(sync_roles, dispatch_uid="qinqing_sync_roles")
        # The shared cache's table and the periodic jobs' schedules follow every migrate.
        from .jobs import after_migrate

        post_migrate.connect(after_migrate, sender=self, dispatch_uid="qinqing_jobs_after_migrate")
        # The audit log's sequencer and head publication, and its public pages (core.transparency).
        from .transparency.access import declare_pages
        from .transparency.jobs import register as register_transparency_jobs

        register_transparency_jobs()
        # Ledger imports too large for a page's request run on the worker (core.imports).
        from .imports import register_job

        register_job()
        declare_pages()  # with the filing receipts' pages
        # Group, permission and privilege changes are audited from the ORM's signals, wherever
        # they come from (admin, shell, services); the membership rows are audited records.
        from .audit.accounts import adopt_once, connect

        connect()
        post_migrate.connect(adopt_once, sender=self, dispatch_uid="qinqing_account_audit_adopt")
        # Permissions as data: every app's access.py declares its pages and API operations.
        # Deadlines the apps counted into the provisional year are counted again when a year is set.
        from .calendar import deadlines
        from .calendar.services import register_schedule_listener

        register_schedule_listener(deadlines.recount)
        from .access import autodiscover

        autodiscover()
