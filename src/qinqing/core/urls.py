from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .calendar import views as calendar_views
from .district import views as district_views
from .imports import views as import_views
from .jobs import views as jobs_views
from .portal import views as portal_views
from .time_limits import views as time_limits_views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", portal_views.portal_index, name="portal"),
    path("portal/search/", portal_views.portal_search, name="portal_search"),
    path("portal/<slug:key>/feed.atom", portal_views.portal_feed, name="portal_feed"),
    path("portal/<slug:key>/items.xlsx", portal_views.portal_xlsx, name="portal_xlsx"),
    path("portal/<slug:key>/<int:pk>/", portal_views.portal_item, name="portal_item"),
    path("login/", views.LoginView, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/2fa/", views.two_factor, name="two_factor"),
    path("audit/", views.audit_log, name="audit_log"),
    path("admin-tools/api-keys/", views.api_keys, name="api_keys"),
    path("admin-tools/api-keys/<slug:name>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    path("admin-tools/jobs/", jobs_views.jobs_page, name="jobs"),
    path("admin-tools/district/", district_views.district_settings, name="district"),
    path("admin-tools/time-limits/", time_limits_views.time_limits_page, name="time_limits"),
    path("imports/<int:pk>/", import_views.import_run, name="import_run"),
    path("imports/<int:pk>/errors.xlsx", import_views.import_run_rejections, name="import_run_rejections"),
    path("calendar/", calendar_views.calendar_index, name="calendar"),
    path("calendar/notice/", calendar_views.calendar_notice, name="calendar_notice"),
    path("calendar/<int:year>/", calendar_views.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/edit/", calendar_views.calendar_edit, name="calendar_edit"),
]
