from django.urls import path

from . import views

app_name = "conduct"

urlpatterns = [
    path("", views.my_requests, name="my_requests"),
    path("rules/", views.rules_page, name="rules"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/check/", views.request_check, name="request_check"),
    path("requests/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("requests/<int:pk>/decide/", views.activity_decide, name="activity_decide"),
    path("requests/<int:pk>/report/", views.activity_report, name="activity_report"),
    path("requests/<int:pk>/letter.pdf", views.letter_pdf, name="letter_pdf"),
    path("verify/", views.verify_letter, name="verify_letter"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/ledger.xlsx", views.approvals_xlsx, name="approvals_xlsx"),
    path("recusals/<int:pk>/decide/", views.recusal_decide, name="recusal_decide"),
    path("recusals/order/", views.recusal_order, name="recusal_order"),
    path("recusals/pending/", views.recusals_pending, name="recusals_pending"),
    path("recusals/pending/ledger.xlsx", views.recusals_pending_xlsx, name="recusals_pending_xlsx"),
    path("recusals/pending/<int:pk>/decide/", views.recusal_oversee, name="recusal_oversee"),
    path("settings/", views.rules_edit, name="rules_edit"),
    path("gifts/", views.my_gifts, name="my_gifts"),
    path("gifts/register/", views.gift_register, name="gift_register"),
    path("gifts/register/ledger.xlsx", views.gift_register_xlsx, name="gift_register_xlsx"),
    path("gifts/<int:pk>/receipt/", views.gift_receipt, name="gift_receipt"),
    path("gifts/<int:pk>/receipt.pdf", views.gift_receipt_pdf, name="gift_receipt_pdf"),
    path("gifts/<int:pk>/hand-in/", views.gift_hand_in, name="gift_hand_in"),
    path("related/", views.my_related_persons, name="my_related_persons"),
    path("declarations/", views.declarations, name="declarations"),
    path("declarations/ledger.xlsx", views.declarations_xlsx, name="declarations_xlsx"),
    path("recusals/", views.my_recusals, name="my_recusals"),
    path("red-flags/", views.red_flags, name="red_flags"),
    path("leads/", views.leads, name="leads"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("pledge/", views.pledge_sign, name="pledge_sign"),
    path("pledges/", views.pledges, name="pledges"),
]
