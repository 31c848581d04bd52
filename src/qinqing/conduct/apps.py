from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConductConfig(AppConfig):
    name = "qinqing.conduct"
    label = "conduct"
    verbose_name = _("Officials' conduct")
