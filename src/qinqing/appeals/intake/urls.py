"""Intake channels: the public mailbox, the webhooks, the operator page (included at the root)."""

from django.urls import path

from . import views
from .channels import register_senders

app_name = "appeals_channels"

# Also done in AppConfig.ready(); repeating it here is harmless (a registration replaces).
register_senders()

urlpatterns = [
    path("portal/appeals/", views.portal_mailbox, name="portal_mailbox"),
    path("portal/appeals/filed/", views.portal_filed, name="portal_filed"),
    path("portal/appeals/status/", views.portal_status, name="portal_status"),
    path("webhooks/sms/", views.sms_webhook, name="sms_webhook"),
    path("webhooks/sms/tencent/<str:token>/", views.sms_tencent_callback, name="sms_tencent_callback"),
    path("webhooks/wechat/", views.wechat_webhook, name="wechat_webhook"),
    path("intake/appeals/new/", views.operator_record, name="operator_record"),
    path(
        "intake/appeals/<str:tracking_number>/acknowledgement/",
        views.operator_acknowledgement,
        name="operator_acknowledgement",
    ),
]
