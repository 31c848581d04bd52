from django.urls import path

from . import views

app_name = "liaison"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("leaders/add/", views.leader_add, name="leader_add"),
    path("leaders/<int:pk>/", views.leader_detail, name="leader_detail"),
    path("leaders/<int:pk>/link/", views.link_add, name="link_add"),
    path("links/<int:pk>/end/", views.link_end, name="link_end"),
    path("leaders/<int:pk>/lists/", views.list_create, name="list_create"),
    path("lists/<int:pk>/act/", views.list_act, name="list_act"),
    path("lists/", views.lists_public, name="lists_public"),
    path("lists/<int:pk>/", views.list_public, name="list_public"),
    path("meetings/ledger.xlsx", views.meetings_xlsx, name="meetings_xlsx"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/act/", views.meeting_act, name="meeting_act"),
    path("meetings/<int:pk>/problems/", views.problem_raise, name="problem_raise"),
    path("meetings/<int:pk>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/act/", views.decision_act, name="decision_act"),
    path("opinions/<int:pk>/answer/", views.opinion_answer, name="opinion_answer"),
    path("opinions/<int:pk>/letter.pdf", views.opinion_letter, name="opinion_letter"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("feedback/", views.feedback_public, name="feedback_public"),
    path("communication/ledger.xlsx", views.communication_xlsx, name="communication_xlsx"),
    path("communication/", views.communication, name="communication"),
    path("my-meetings/", views.my_meetings, name="my_meetings"),
    path("frequency/ledger.xlsx", views.frequency_xlsx, name="frequency_xlsx"),
    path("frequency/", views.frequency, name="frequency"),
    path("reminders/", views.reminders, name="reminders"),
    path("associations/", views.associations, name="associations"),
]
