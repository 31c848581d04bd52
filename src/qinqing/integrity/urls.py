from django.urls import path

from . import views

app_name = "integrity"

urlpatterns = [
    path("", views.listings_page, name="listings"),
    path("listings.xlsx", views.listings_export, name="listings_export"),
    path("import/", views.import_page, name="import"),
    path("import/<str:kind>-template.xlsx", views.import_template, name="import_template"),
    path("listings/new/", views.listing_new, name="listing_new"),
    path("listings/<int:pk>/", views.listing_detail, name="listing_detail"),
    path("listings/<int:pk>/publication/", views.listing_publication, name="listing_publication"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("applications/<int:pk>/letter.pdf", views.application_letter, name="application_letter"),
    path("notices/<int:pk>/delivered/", views.notice_delivered, name="notice_delivered"),
    path("notices/<int:pk>/letter.pdf", views.notice_letter, name="notice_letter"),
    path("records/", views.records_page, name="records"),
    path("records/new/", views.record_new, name="record_new"),
    path("enterprises/<int:pk>/", views.enterprise_page, name="enterprise"),
    path("check/", views.check_page, name="check"),
    path("mine/", views.mine, name="mine"),
    path("rules/", views.rules_page, name="rules"),
    path("priority/", views.priority_page, name="priority"),
    path("bribery/", views.bribery_page, name="bribery"),
    path("bribery/<int:pk>/answer/", views.bribery_answer, name="bribery_answer"),
    path("bribery/<int:pk>/letter.pdf", views.bribery_letter, name="bribery_letter"),
    path("bribery/verify/", views.bribery_verify, name="bribery_verify"),
    path("public/", views.public_listings, name="public"),
    path("comprehensive/", views.comprehensive_page, name="comprehensive"),
    path("comprehensive/<int:pk>/", views.comprehensive_detail, name="comprehensive_detail"),
]
