"""Dashboard pages, included under /appeals/dashboard/ in the ``appeals`` namespace."""

from django.urls import path

from . import views as dashboard_views

urlpatterns = [
    path("", dashboard_views.dashboard_page, name="dashboard"),
    path("refresh/", dashboard_views.dashboard_refresh, name="dashboard_refresh"),
    path("ledger.xlsx", dashboard_views.dashboard_ledger, name="dashboard_ledger"),
]
