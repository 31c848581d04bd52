from django.urls import path

from . import views

# included by supervision/urls.py under duties/ (names in the supervision namespace)
urlpatterns = [
    path("", views.index, name="duties"),
    path("export.xlsx", views.export, name="duties_export"),
    path("tasks/template.xlsx", views.task_template, name="duty_task_template"),
    path("key-minority/", views.key_minority, name="key_minority"),
    path("<int:pk>/", views.detail, name="duty_detail"),
    path("<int:pk>/responsible/", views.responsible, name="duty_responsible"),
    path("<int:pk>/tasks/", views.task_add, name="duty_task_add"),
    path("<int:pk>/tasks/import/", views.task_import, name="duty_task_import"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="duty_task_progress"),
    path("<int:pk>/<slug:action>/", views.act, name="duty_act"),
]
