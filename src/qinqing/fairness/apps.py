from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairnessConfig(AppConfig):
    name = "qinqing.fairness"
    label = "fairness"
    verbose_name = _("Fair-competition review")
