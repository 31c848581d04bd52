"""12345 work-order pages, included under /appeals/hotline/ in the ``appeals`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.hotline_page, name="hotline"),
    path("results.xlsx", views.hotline_results, {"fmt": "xlsx"}, name="hotline_results_xlsx"),
    path("results.csv", views.hotline_results, {"fmt": "csv"}, name="hotline_results_csv"),
]
