from django.contrib.auth import views as auth_views
from django.urls import path

from . import calendar_views, district_views, jobs_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/", views.two_factor, name="two_factor"),
    path("audit/", views.audit_log, name="audit_log"),
    path("admin-tools/api-keys/", views.api_keys, name="api_keys"),
    path("admin-tools/api-keys/<slug:name>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("admin-tools/jobs/", jobs_views.jobs_page, name="jobs"),
    path("admin-tools/district/", district_views.district_settings, name="district"),
    path("calendar/", calendar_views.calendar_index, name="calendar"),
    path("calendar/notice/", calendar_views.calendar_notice, name="calendar_notice"),
    path("calendar/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/edit/", calendar_views.calendar_edit, name="calendar_edit"),
]
