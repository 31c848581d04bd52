from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.commitment_list, name="list"),
    path("overdue/", views.overdue, name="overdue"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("mine/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("decisions/<int:pk>/letter.pdf", views.decision_letter, name="decision_letter"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("public/files/<int:pk>/", views.public_attachment, name="public_attachment"),
    path("public/", views.public, name="public"),
    path("public/feed.atom", views.public_feed, name="public_feed"),
    path("public/commitments.xlsx", views.public_xlsx, name="public_xlsx"),
    path("public/<int:pk>/", views.public_detail, name="public_detail"),
    path("funds/", views.funds_mine, name="funds_mine"),
    path("funds/act/", views.funds_act, name="funds_act"),
    path("funds/programmes/", views.funds_staff, name="funds_staff"),
    path("funds/programmes/act/", views.funds_staff_act, name="funds_staff_act"),
    path("funds/applications/<int:pk>/", views.fund_application, name="fund_application"),
    path("funds/applications/<int:pk>/act/", views.fund_application_act, name="fund_application_act"),
    path("funds/applications/<int:pk>/letter.pdf", views.fund_letter, name="fund_letter"),
    path("funds/public/", views.funds_public, name="funds_public"),
    path("funds/public/feed.atom", views.funds_public_feed, name="funds_public_feed"),
    path("funds/public/results.xlsx", views.funds_public_xlsx, name="funds_public_xlsx"),
]
