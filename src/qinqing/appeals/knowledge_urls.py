"""Policy-interpretation library, included under /appeals/knowledge/ in the appeals namespace."""

from django.urls import path

from . import knowledge_views as views

urlpatterns = [
    path("", views.public_list, name="knowledge"),
    path("manage/", views.manage, name="knowledge_manage"),
    path("<int:pk>/", views.edit, name="knowledge_edit"),
    path("<int:pk>/publish/", views.publish, name="knowledge_publish"),
]
