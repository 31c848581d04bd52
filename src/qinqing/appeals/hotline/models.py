"""The 12345 work order behind a hotline appeal: its number on the platform (unique: one platform
per district, so the number is unique for the channel) and what the platform set for it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.crypto import EncryptedTextField


@audited({"caller_phone": None})
class HotlineOrder(models.Model):
    order_number = models.CharField(_("work order number (工单编号)"), max_length=64, unique=True)
    appeal = models.OneToOneField(
        "appeals.Appeal", on_delete=models.PROTECT, related_name="hotline_order", verbose_name=_("appeal")
    )
    called_at = models.DateTimeField(_("call time (来电时间)"))
    # As the platform wrote them: its demand type and the unit it named (our routing decides ours).
    demand_type = models.CharField(_("demand type (诉求类型)"), max_length=50, blank=True, default="")
    platform_unit = models.CharField(
        _("handling unit on the platform (承办单位)"), max_length=100, blank=True, default=""
    )
    time_limit = models.DateField(_("time limit (办理时限)"), null=True, blank=True)
    # A landline the appeal's mobile-only contact field cannot hold is kept here (encrypted).
    caller_phone = EncryptedTextField(_("caller's phone (联系电话)"), blank=True, default="")
    received_at = models.DateTimeField(_("imported at"))

    class Meta:
        ordering = ["called_at", "pk"]
        verbose_name = _("12345 work order")
        verbose_name_plural = _("12345 work orders")

    def __str__(self) -> str:
        return self.order_number
