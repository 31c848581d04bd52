from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("", views.register, name="register"),
    path("register.xlsx", views.register_xlsx, name="register_xlsx"),
    path("flags/", views.flags, name="flags"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/act/", views.action_act, name="action_act"),
    path("objections/<int:pk>/letter.pdf", views.objection_letter, name="objection_letter"),
    path("mine/", views.mine, name="mine"),
    path("protection/", views.protection_new, name="protection_new"),
    path("protections/ledger.xlsx", views.protections_xlsx, name="protections_xlsx"),
    path("protections/", views.protections, name="protections"),
    path("protections/<int:pk>/act/", views.protection_act, name="protection_act"),
    path("protections/<int:pk>/letter.pdf", views.protection_letter, name="protection_letter"),
    path("cases/ledger.xlsx", views.cases_xlsx, name="cases_xlsx"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/act/", views.case_act, name="case_act"),
    path("settings/", views.settings_page, name="settings"),
    path("recommendations/ledger.xlsx", views.recommendations_xlsx, name="recommendations_xlsx"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("recommendations/<int:pk>/answer/", views.recommendation_answer, name="recommendation_answer"),
]
