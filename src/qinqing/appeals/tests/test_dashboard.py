"""The supervision dashboard (article 8): exact rates on a hand-built set, constant queries,
roles, the ledger, the statistics API and the SVG charts."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qinqing.core import calendar
from qinqing.core.roles import Role
from qinqing.core.testing import at_once, make_api_key

from ..dashboard import figures as dashboard
from ..dashboard.models import AppealFigure
from ..models import Satisfaction, Status, Track
from ..workflow import services
from . import factories

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date(2025, 9, 1)  # a Monday: resolve-simple deadline 2025-09-08


@pytest.fixture(autouse=True)
def calendar_loaded(db):
    factories.load_calendar()


def _dispatched(supervisor, unit, *, received_at=None, enterprise=None, phone=None):
    appeal = factories.file_appeal(enterprise=enterprise, received_at=received_at, contact_phone=phone)
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    services.appeal_assign(appeal=appeal, unit=unit, actor=supervisor)
    return appeal


def _replied(supervisor, unit, rating=None, **extra):
    appeal = _dispatched(supervisor, unit, **extra)
    services.appeal_reply(appeal=appeal, text="已办结", actor=supervisor)
    if rating:
        # the rating given by phone, relayed by the hotline system (only who filed rates: issue 20)
        services.appeal_rate(appeal=appeal, satisfaction=rating, actor=make_api_key("appeals:write")[0])
    return appeal


@pytest.fixture
def district(make_user):
    """Unit A: 6 appeals (2 answered on time, 1 answered late, 1 reopened by 不满意, 1 open, 1 overdue);
    unit B: 1 answered on time and rated 满意; one merged duplicate."""
    supervisor = make_user(Role.DISTRICT_LEADER)
    unit_a, unit_b = factories.make_unit("区发改局"), factories.make_unit("区税务局")
    enterprise = factories.make_enterprise()
    appeals = {
        "on_time_satisfied": _replied(
            supervisor, unit_a, Satisfaction.SATISFIED, enterprise=enterprise, phone="13812345678"
        ),
        "on_time_basic": _replied(supervisor, unit_a, Satisfaction.BASICALLY_SATISFIED),
        "reopened": _replied(supervisor, unit_a, Satisfaction.UNSATISFIED),
        "open": _dispatched(supervisor, unit_a),
        "overdue": _dispatched(supervisor, unit_a, received_at=LONG_AGO),
        "late": _replied(supervisor, unit_a, received_at=LONG_AGO),
        "unit_b": _replied(supervisor, unit_b, Satisfaction.SATISFIED),
    }
    original = appeals["on_time_satisfied"]
    duplicate = factories.file_appeal(
        enterprise=enterprise, content=original.content, title=original.title, contact_phone="13812345678"
    )
    assert duplicate.status == Status.MERGED
    dashboard.refresh_figures()
    return {
        "supervisor": supervisor,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "appeals": appeals,
        "duplicate": duplicate,
    }


def _range():
    return dashboard.make_filter(from_month="2025-09", to_month=f"{timezone.localdate():%Y-%m}")


def test_rates_per_unit_follow_the_definitions_exactly(district):
    result = dashboard.figures(_range())
    unit_a = next(line for line in result.units if line.unit_id == district["unit_a"].pk)
    assert (unit_a.received, unit_a.replied, unit_a.due, unit_a.on_time, unit_a.rated, unit_a.overdue) == (
        6,
        4,
        4,
        2,
        3,
        1,
    )
    assert unit_a.reply_rate == 66.7  # 4 replied / 6 received (the merged duplicate is not counted)
    assert (
        unit_a.on_time_rate == 50.0
    )  # 2 on time / (3 answered + 1 open past its deadline); the reopened one is not due yet
    assert unit_a.satisfaction_rate == 66.7  # (满意 + 基本满意) / 3 ratings
    unit_b = next(line for line in result.units if line.unit_id == district["unit_b"].pk)
    assert (unit_b.reply_rate, unit_b.on_time_rate, unit_b.satisfaction_rate) == (100.0, 100.0, 100.0)
    assert result.total.received == 7 and result.total.merged == 1 and result.total.overdue == 1


def test_rates_per_month_split_by_the_month_received(district):
    months = {line.month: line for line in dashboard.figures(_range()).months}
    september = months[datetime.date(2025, 9, 1)]
    assert (september.received, september.due, september.on_time, september.overdue) == (2, 2, 0, 1)
    assert september.on_time_rate == 0.0 and september.reply_rate == 50.0
    this_month = months[timezone.localdate().replace(day=1)]
    assert this_month.received == 5 and this_month.on_time_rate == 100.0
    assert months[datetime.date(2025, 10, 1)].reply_rate is None  # nothing received: no rate, not 0 %


def test_incremental_refresh_recomputes_only_the_month_that_changed(district):
    services.appeal_reply(appeal=district["appeals"]["open"], text="已答复", actor=district["supervisor"])
    result = dashboard.refresh_figures()
    assert not result.full and result.months == [timezone.localdate().replace(day=1)]
    unit_a = next(line for line in dashboard.figures(_range()).units if line.unit_id == district["unit_a"].pk)
    assert (unit_a.replied, unit_a.due, unit_a.on_time) == (5, 5, 3)


def test_overdue_list_counts_working_days_with_the_calendar(district):
    rows, count = dashboard.overdue_list(_range())
    assert count == 1 and rows[0]["tracking_number"] == district["appeals"]["overdue"].tracking_number
    assert rows[0]["days_overdue"] == calendar.workdays_between(
        datetime.date(2025, 9, 8), timezone.localdate()
    )


@pytest.mark.parametrize(("start", "end"), [(datetime.date(2025, 9, 8), datetime.date(2025, 10, 9)),
                                             (datetime.date(2024, 12, 20), datetime.date(2026, 2, 3)),
                                             (datetime.date(2025, 5, 1), datetime.date(2025, 5, 1))])
def test_workday_counter_matches_the_calendar(start, end):
    assert dashboard.WorkdayCounter().between(start, end) == calendar.workdays_between(start, end)


def test_page_shows_rates_definitions_and_svg_charts_with_the_figures(client, district):
    client.force_login(district["supervisor"])
    response = client.get(reverse("appeals:dashboard"), _range().query())
    assert response.status_code == 200
    text = response.text
    assert text.count("<svg") == 2 and 'role="img"' in text and "<title" in text
    assert "区发改局: 66.7%" in text  # the satisfaction bar's own title carries the figure
    assert (
        "66.7%" in text and "50.0%" in text and 'data-testid="definitions"' in text and "#article-8" in text
    )
    assert district["appeals"]["overdue"].tracking_number in text
    assert " style=" not in text.split("<main", 1)[1]  # the CSP forbids inline style attributes


def _page_queries(client, user, flt) -> int:
    client.force_login(user)
    client.get(reverse("appeals:dashboard"), flt.query())  # warm the session and role caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("appeals:dashboard"), flt.query()).status_code == 200
    return len(queries)


def test_query_count_is_the_same_for_5_and_20_units(client, make_user):
    supervisor = make_user(Role.SUPERVISING_LEADER)
    for _index in range(5):
        _replied(supervisor, factories.make_unit(), Satisfaction.SATISFIED)
    dashboard.refresh_figures()
    with_5 = _page_queries(client, supervisor, _range())
    for _index in range(15):
        unit = factories.make_unit()
        _replied(supervisor, unit, Satisfaction.SATISFIED)
        _dispatched(supervisor, unit, received_at=LONG_AGO)
    dashboard.refresh_figures(full=True)
    assert AppealFigure.objects.values("unit").distinct().count() == 20
    assert _page_queries(client, supervisor, _range()) == with_5


def test_discipline_inspector_reads_but_cannot_recompute(client, make_user, district):
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR))
    assert client.get(reverse("appeals:dashboard")).status_code == 200
    before = list(AppealFigure.objects.values_list("pk", flat=True))
    assert client.post(reverse("appeals:dashboard_refresh")).status_code == 403
    assert list(AppealFigure.objects.values_list("pk", flat=True)) == before


def test_the_overdue_list_links_an_appeal_only_for_roles_that_may_open_it(client, make_user, district):
    """The discipline office reads the dashboard but opens no appeal page: its overdue list names
    the appeal without a link that would answer 403; the supervision office gets the link."""
    overdue = district["appeals"]["overdue"]
    detail = reverse("appeals:detail", args=[overdue.pk])
    client.force_login(make_user(Role.DISCIPLINE_INSPECTOR))
    months = {"from_month": "2025-09", "to_month": f"{timezone.localdate():%Y-%m}"}
    page = client.get(reverse("appeals:dashboard"), months).content.decode()
    assert overdue.tracking_number in page and f'href="{detail}"' not in page
    client.force_login(district["supervisor"])
    page = client.get(reverse("appeals:dashboard"), months).content.decode()
    assert f'href="{detail}"' in page


def test_supervision_recomputes_now_and_the_trail_says_who_asked(client, district):
    from qinqing.core.models import AuditEvent

    client.force_login(district["supervisor"])
    assert client.post(reverse("appeals:dashboard_refresh")).status_code == 302
    event = AuditEvent.objects.get(action="appeals.figures.refresh")
    assert event.actor_user == district["supervisor"] and "full" in event.details


@pytest.mark.parametrize("who", ["enterprise", "handler"])
def test_enterprise_users_and_handlers_are_denied_and_nothing_changes(client, district, who):
    user = (
        factories.make_enterprise_user()[0]
        if who == "enterprise"
        else factories.make_handler(district["unit_a"])[0]
    )
    client.force_login(user)
    before = list(AppealFigure.objects.values_list("pk", "received", "replied"))
    assert client.get(reverse("appeals:dashboard")).status_code == 403
    assert client.get(reverse("appeals:dashboard_ledger")).status_code == 403
    assert client.post(reverse("appeals:dashboard_refresh")).status_code == 403
    assert list(AppealFigure.objects.values_list("pk", "received", "replied")) == before


def test_invalid_month_is_a_field_error(client, district):
    client.force_login(district["supervisor"])
    response = client.get(reverse("appeals:dashboard"), {"from_month": "2025-13"})
    assert response.status_code == 400 and "YYYY-MM" in response.text


def test_ledger_xlsx_has_every_appeal_of_the_filter_with_masked_phones(client, district):
    client.force_login(district["supervisor"])
    response = client.get(reverse("appeals:dashboard_ledger"), _range().query())
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 8  # header, 7 appeals and the merged duplicate
    numbers = {row[0]: row for row in rows[1:]}
    first = numbers[district["appeals"]["on_time_satisfied"].tracking_number]
    assert (
        first[4] == "138****5678"
        and first[7] == "区发改局"
        and first[12] == str(Satisfaction.SATISFIED.label)
    )
    assert not any("13812345678" in str(cell) for row in rows for cell in row)
    late = numbers[district["appeals"]["late"].tracking_number]
    assert late[11] == calendar.workdays_between(datetime.date(2025, 9, 8), timezone.localdate())


def test_ledger_can_be_narrowed_to_one_unit(client, district):
    client.force_login(district["supervisor"])
    query = {**_range().query(), "unit": district["unit_b"].pk}
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("appeals:dashboard_ledger"), query).streaming_content))
    ).active
    assert sheet.max_row == 2 and sheet.cell(2, 1).value == district["appeals"]["unit_b"].tracking_number


def test_api_stats_with_the_scope_give_the_page_figures(client, api_key, district):
    _key, raw = api_key("appeals:read")
    response = client.get("/api/v1/appeals-stats/stats", _range().query(), HTTP_X_API_KEY=raw)
    assert response.status_code == 200
    units = {line["unit_id"]: line for line in response.json()["units"]}
    unit_a = units[district["unit_a"].pk]
    assert (unit_a["reply_rate"], unit_a["on_time_rate"], unit_a["satisfaction_rate"], unit_a["overdue"]) == (
        66.7,
        50.0,
        66.7,
        1,
    )
    overdue = client.get("/api/v1/appeals-stats/overdue", HTTP_X_API_KEY=raw).json()
    assert (
        overdue["count"] == 1
        and overdue["results"][0]["tracking_number"] == district["appeals"]["overdue"].tracking_number
    )


def test_api_without_the_scope_or_role_is_denied(client, api_key, district):
    _key, raw = api_key("directory:read")
    assert client.get("/api/v1/appeals-stats/stats", HTTP_X_API_KEY=raw).status_code == 403
    assert client.get("/api/v1/appeals-stats/overdue", HTTP_X_API_KEY=raw).status_code == 403
    client.force_login(factories.make_handler(district["unit_a"])[0])
    assert client.get("/api/v1/appeals-stats/stats").status_code == 403
    client.force_login(district["supervisor"])
    assert client.get("/api/v1/appeals-stats/stats").status_code == 200


def test_hot_topics_come_from_recent_appeal_texts(district):
    words = [topic["word"] for topic in dashboard.hot_topics()]
    assert words and all(word not in dashboard.HOT_TOPIC_STOP_WORDS for word in words)


@pytest.mark.django_db(transaction=True)
def test_a_month_replaced_by_two_refreshes_at_once_is_stored_once():
    """The daily job and a leader's "recompute now" may replace one month at the same moment. Under READ
    COMMITTED the second DELETE did not see the rows the first had just inserted, and its insert met them
    on the unique (month, unit): the dashboard's button answered 500. PostgreSQL only (SQLite has one
    writer at a time)."""
    from qinqing.directory.tests import factories as directory

    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections to one test database: PostgreSQL only")
    units = [directory.make_unit(name=f"单位{n}") for n in range(3)]
    month = datetime.date(2026, 11, 1)
    counts = {unit.pk: {"received": n + 1, "replied": n} for n, unit in enumerate(units)}
    outcomes = at_once(4, lambda _index: dashboard._store_month(month, counts))
    assert [repr(outcome) for outcome in outcomes if isinstance(outcome, Exception)] == []
    stored = sorted(AppealFigure.objects.filter(month=month).values_list("unit_id", "received"))
    assert stored == sorted((unit.pk, n + 1) for n, unit in enumerate(units))
