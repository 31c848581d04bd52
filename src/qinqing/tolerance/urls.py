from django.urls import path

from . import views

app_name = "tolerance"

urlpatterns = [
    path("", views.requests, name="requests"),
    path("ledger.xlsx", views.requests_xlsx, name="requests_xlsx"),
    path("new/", views.request_new, name="request_new"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/act/", views.request_act, name="request_act"),
    path("<int:pk>/letter.pdf", views.request_letter, name="request_letter"),
    path("limits/", views.limits, name="limits"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("filings/", views.filings, name="filings"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("clearings/", views.clearings_public, name="clearings_public"),
    path("clearings/<int:pk>/", views.clearing_public, name="clearing_public"),
]
