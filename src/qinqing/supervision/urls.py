from django.urls import include, path

from . import views

app_name = "supervision"

urlpatterns = [
    path("report/", views.report_new, name="report_new"),
    path("report/filed/", views.report_filed, name="report_filed"),
    path("report/status/", views.report_status, name="report_status"),
    path("", views.queue, name="queue"),
    path("intake/", views.intake, name="intake"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/assign/", views.report_assign, name="report_assign"),
    path("reports/<int:pk>/act/<slug:action>/", views.report_act, name="report_act"),
    path("reports/<int:pk>/message/", views.report_message, name="report_message"),
    path("reports/<int:pk>/subject/", views.report_subject, name="report_subject"),
    path("reports/<int:pk>/outcome/", views.report_outcome, name="report_outcome"),
    path("reports/<int:pk>/handover/", views.report_handover, name="report_handover"),
    path("reports/<int:pk>/to-appeals/", views.report_to_appeals, name="report_to_appeals"),
    path("reports/<int:pk>/category/", views.report_category, name="report_category"),
    path("reports/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("rotation/", views.rotation, name="rotation"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/<int:pk>/follow-up/", views.reminder_follow_up, name="reminder_follow_up"),
    path("figures/", views.dashboard, name="dashboard"),
    path("figures/export.xlsx", views.export, name="export"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/<int:pk>/findings/", views.inspection_findings, name="inspection_findings"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/publish/", views.case_publish, name="case_publish"),
    path("typical-cases/", views.public_cases, name="public_cases"),
    path("transfers/", views.transfers, name="transfers"),
    path("duties/", include("qinqing.supervision.duties.urls")),  # article 16: main responsibility
]
