from django.urls import path

from . import views

app_name = "fairness"

urlpatterns = [
    path("", views.reviews_page, name="reviews"),
    path("new/", views.review_new, name="review_new"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/conclude/", views.review_conclude, name="review_conclude"),
    path("<int:pk>/report.pdf", views.review_pdf, name="review_pdf"),
    path("<int:pk>/report.docx", views.review_docx, name="review_docx"),
    path("<int:pk>/findings/add/", views.finding_add, name="finding_add"),
    path("findings/<int:pk>/decide/", views.finding_decide, name="finding_decide"),
    path("rules/", views.rules_page, name="rules"),
    path("labels.tsv", views.labels_download, name="labels"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
]
