from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    name = "qinqing.integrity"
    label = "integrity"
    verbose_name = _("Integrity and the blacklist")

    def ready(self):
        from qinqing.core import tabular

        tabular.register_importer("listings", "qinqing.integrity.importing.import_file")
        tabular.register_importer("records", "qinqing.integrity.importing.import_records_file")
