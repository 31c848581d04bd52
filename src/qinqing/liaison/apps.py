from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "qinqing.liaison"
    label = "liaison"
    verbose_name = _("Leaders' liaison and consultation")
