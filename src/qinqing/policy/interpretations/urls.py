"""Policy-interpretation library pages. Included by appeals/urls.py under /appeals/knowledge/ in the ``appeals``
namespace, where they have always been (the public paths and URL names people bookmarked)."""  # noqa: E501

from django.urls import path

from . import views

urlpatterns = [
    path("", views.public_list, name="knowledge"),
    path("manage/", views.manage, name="knowledge_manage"),
    path("<int:pk>/", views.edit, name="knowledge_edit"),
    path("<int:pk>/publish/", views.publish, name="knowledge_publish"),
]
