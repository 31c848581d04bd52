from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("", views.index, name="index"),
    path("article/<str:key>/", views.article_detail, name="article"),
    path("library/", views.library, name="library"),
    path("library/import/", views.library_import, name="library_import"),
    path("library/<int:pk>/", views.document_detail, name="document"),
    path("measures/", views.measures, name="measures"),
    path("measures/<int:pk>/act/", views.measure_act, name="measure_act"),
    path("education/", views.education, name="education"),
    path("education/plans/<int:pk>/cancel/", views.education_plan_cancel, name="education_plan_cancel"),
]
