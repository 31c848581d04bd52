from django.urls import include, path

from . import views
from .workflow import letters

app_name = "appeals"

urlpatterns = [
    path("mine/", views.my_appeals, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("supervision/", views.supervision, name="supervision"),
    path("all/", views.all_appeals, name="all"),
    path("limits/", views.limits, name="limits"),
    path("mail-room/", letters.mail_room, name="mail_room"),
    path("dashboard/", include("qinqing.appeals.dashboard.urls")),
    path("hotline/", include("qinqing.appeals.hotline.urls")),
    path("knowledge/", include("qinqing.policy.interpretations.urls")),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
