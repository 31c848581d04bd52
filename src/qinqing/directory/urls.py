from django.urls import path

from . import import_views, views

app_name = "directory"

urlpatterns = [
    path("", views.index, name="index"),
    path("units/", views.unit_tree, name="unit_tree"),
    path("units/export.xlsx", views.unit_export, name="unit_export"),
    path("units/new/", views.unit_edit, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("officials/", views.official_list, name="official_list"),
    path("officials/export.xlsx", views.official_export, name="official_export"),
    path("officials/new/", views.official_edit, name="official_create"),
    path("officials/<int:pk>/", views.official_detail, name="official_detail"),
    path("officials/<int:pk>/edit/", views.official_edit, name="official_edit"),
    path("officials/<int:pk>/related/new/", views.related_person_create, name="related_person_create"),
    path("related/<int:pk>/end/", views.related_person_end, name="related_person_end"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/mine/", views.my_enterprises, name="my_enterprises"),
    path("enterprises/export.xlsx", views.enterprise_export, name="enterprise_export"),
    path("enterprises/new/", views.enterprise_edit, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/links/new/", views.enterprise_link_create, name="enterprise_link_create"),
    path("links/<int:pk>/end/", views.enterprise_link_end, name="enterprise_link_end"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/reveal-id/", views.person_reveal_id, name="person_reveal_id"),
    path("import/", import_views.import_page, name="import"),
    path("import/errors.xlsx", import_views.import_errors, name="import_errors"),
    path("import/template/<str:kind>.xlsx", import_views.import_template, name="import_template"),
]
