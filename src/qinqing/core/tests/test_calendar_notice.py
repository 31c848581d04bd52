"""The State Council notice as input, checked against a corpus of the real notices 2015–2026.

Each file in ``notices/`` is one year's notice "国务院办公厅关于YYYY年部分节假日安排的通知" as it
was published (2025 as a newspaper printed it: half-width punctuation and the principles in
the preamble; 2026 also in traditional characters as a Hong Kong paper printed it). Every
parsed year is compared with chinesecalendar's data for that year. They agree exactly except
for the differences listed in ``KNOWN_DIFFERENCES``, each with its reason: changes made by a
separate, later notice (not part of the yearly one), and weekend days that chinesecalendar
counts as holidays where the notice says "与周末连休" (it does so for some years and not for
others; a weekend day is off either way, so working-day counts are unaffected — which
``test_every_working_day_agrees_with_chinese_calendar`` checks with no exception at all).
"""

import datetime
import json
from io import StringIO
from pathlib import Path

import pytest
from chinese_calendar import constants
from django.core.management import call_command
from django.core.management.base import CommandError

from qinqing.core import audit, calendar
from qinqing.core.audit import SystemActor
from qinqing.core.calendar.notice import NoticeError, parse_notice
from qinqing.core.calendar.services import calendar_notice_load, calendar_seed_years
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent, CalendarYear
from qinqing.core.roles import Role

D = datetime.date
NOTICES = Path(__file__).parent / "notices"
YEARS = range(2015, 2027)

# year -> (holidays chinesecalendar has and the notices do not, make-up days likewise, extra make-up days in
# the notices)
KNOWN_DIFFERENCES = {
    # 国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知 (May 2015, a separate notice)
    2015: ({D(2015, 9, 3), D(2015, 9, 4)}, {D(2015, 9, 6)}, set()),
    # 国务院办公厅关于调整2019年劳动节假期安排的通知 (March 2019, a separate notice): 5月1日至4日,
    # 4月28日、5月5日上班;
    # and chinesecalendar counts the weekends of "与周末连休" (清明 4月5日, 端午 6月7日, 中秋 9月13日) as
    # holidays.
    2019: (
        {
            D(2019, 5, 2),
            D(2019, 5, 3),
            D(2019, 5, 4),
            D(2019, 4, 6),
            D(2019, 4, 7),
            D(2019, 6, 8),
            D(2019, 6, 9),
            D(2019, 9, 14),
            D(2019, 9, 15),
        },
        {D(2019, 4, 28), D(2019, 5, 5)},
        set(),
    ),
    # 国务院办公厅关于延长2020年春节假期的通知 (January 2020): off until 2月2日, so Saturday 2月1日 was no
    # longer worked.
    2020: ({D(2020, 1, 31), D(2020, 2, 1), D(2020, 2, 2)}, set(), {D(2020, 2, 1)}),
    # The 2024 notice: "元旦：1月1日放假，与周末连休" — chinesecalendar counts that weekend (2023-12-30/31).
    2023: ({D(2023, 12, 30), D(2023, 12, 31)}, set(), set()),
}


def _text(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def corpus():
    return {year: parse_notice(_text(f"{year}.txt")) for year in YEARS}


def _days_in(corpus, year):
    """A year's days from its own notice and from the next one (which may set the last days of December)."""
    holidays, workdays = set(), set()
    for notice in (corpus.get(year), corpus.get(year + 1)):
        if notice:
            holidays |= {day for day, _name in notice.holidays if day.year == year}
            workdays |= {day for day, _name in notice.workdays if day.year == year}
    return holidays, workdays


@pytest.mark.parametrize("year", YEARS)
def test_each_notice_matches_chinese_calendar(corpus, year):
    notice = corpus[year]
    assert notice.year == year
    holidays, workdays = _days_in(corpus, year)
    published_holidays = {day for day in constants.holidays if day.year == year}
    published_workdays = {day for day in constants.workdays if day.year == year}
    missing_holidays, missing_workdays, extra_workdays = KNOWN_DIFFERENCES.get(year, (set(), set(), set()))
    assert published_holidays - holidays == missing_holidays
    assert holidays - published_holidays == set()
    assert published_workdays - workdays == missing_workdays
    assert workdays - published_workdays == extra_workdays


@pytest.mark.parametrize("year", [year for year in YEARS if year not in KNOWN_DIFFERENCES or year == 2023])
def test_every_working_day_agrees_with_chinese_calendar(corpus, year):
    """Where no later notice changed the year, every single day is a working day in both or in neither."""
    import chinese_calendar

    holidays, workdays = _days_in(corpus, year)
    day = D(year, 1, 1)
    while day.year == year:
        ours = day in workdays or (day not in holidays and day.weekday() < 5)
        assert ours == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)


def test_the_notices_own_wording_is_read():
    n2025 = parse_notice(_text("2025.txt"))
    assert n2025.document_number == "国办发明电〔2024〕12号"
    items = {item.name: item for item in n2025.items}
    assert items["元旦"].holidays == (D(2025, 1, 1),)  # "放假1天，不调休"
    assert items["端午节"].holidays == (
        D(2025, 5, 31),
        D(2025, 6, 1),
        D(2025, 6, 2),
    )  # "5月31日至6月2日": across months
    assert items["国庆节、中秋节"].workdays == (D(2025, 9, 28), D(2025, 10, 11))  # two festivals in one item
    n2015 = parse_notice(_text("2015.txt"))
    assert {item.name: item.holidays for item in n2015.items}["清明节"] == (
        D(2015, 4, 5),
        D(2015, 4, 6),
    )  # "补休"
    n2019 = parse_notice(_text("2019.txt"))
    assert n2019.for_year(2018) == (
        [(D(2018, 12, 30), "元旦"), (D(2018, 12, 31), "元旦")],
        [(D(2018, 12, 29), "元旦")],
    )
    n2024 = parse_notice(_text("2024.txt"))
    assert D(2024, 2, 9) not in {day for day, _name in n2024.holidays}, (
        "鼓励…在除夕（2月9日）休息 is advice, not a holiday"
    )
    assert {item.name: item.holidays for item in n2024.items}["元旦"] == (D(2024, 1, 1),)  # "与周末连休"


def test_arabic_item_numbers_read_the_same():
    text = _text("2026.txt")
    for number, digit in zip("一二三四五六七", "1234567", strict=True):
        text = text.replace(f"　　{number}、", f"{digit}、")
    assert parse_notice(text).holidays == parse_notice(_text("2026.txt")).holidays


def test_traditional_characters_read_the_same():
    simplified, traditional = parse_notice(_text("2026.txt")), parse_notice(_text("2026-traditional.txt"))
    assert traditional.year == 2026
    assert traditional.holidays == simplified.holidays and traditional.workdays == simplified.workdays


NOTICE_2027_HEAD = (
    "国务院办公厅关于2027年部分节假日安排的通知\n各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
)


@pytest.mark.parametrize(
    ("items", "line", "fragment"),
    [
        ("一、元旦：1月1日（周四）至3日（周日）放假，共3天。", 3, "周五"),  # 2027-01-01 is a Friday
        ("一、元旦：1月1日至3日放假，共4天。", 3, "4"),
        (
            "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n二、春节：2月5日（农历腊月二十八"
            "、周五）至12日放假调休，共8天。",
            4,
            "腊月二十八",
        ),
        (
            "一、元旦：1月1日放假。\n二、春节：2月5日至12日放假调休，共8天。2月17日（周三）上班。",
            4,
            "2027-02-17",
        ),
        ("一、元旦：1月1日放假。\n二、春节：2月5日至12日放假调休，共8天。1月1日上班。", 4, "2027-01-01"),
        ("一、元旦：1月1日放假。\n二、植树节：3月12日放假。", 4, "植树节"),
        ("一、元旦：1月1日放假。\n二、春节：2月5日至12日，共8天。", 4, "2027-02-05"),
        ("一、元旦：13月1日放假。", 3, "13月1日"),
        ("一、元旦：1月1日放假。\n春节2月5日至12日放假调休。\n二、清明节：4月5日放假。", 4, "4"),
        (
            "一、元旦：1月1日放假。\n二、春节：2月5日至12日放假调休，共8天。\n1月31日（周日）、2"
            "月20日（周六）上班。",
            5,
            "5",
        ),
    ],
)
def test_errors_name_the_line(items, line, fragment):
    with pytest.raises(NoticeError) as raised:
        parse_notice(NOTICE_2027_HEAD + items)
    assert raised.value.code == "calendar_notice_invalid"
    assert raised.value.params["line"] == line
    assert fragment.lower() in raised.value.text().lower()
    assert f"{line}" in raised.value.text()


def test_a_text_that_is_not_a_notice_is_refused():
    with pytest.raises(NoticeError, match="YYYY"):
        parse_notice("2027年放假安排：元旦1天")
    with pytest.raises(NoticeError) as raised:
        parse_notice(NOTICE_2027_HEAD + "现将2027年元旦、春节放假调休日期的具体安排通知如下。\n")
    assert "一、元旦" in raised.value.text()


# --- loading -------------------------------------------------------------------------------------------

@pytest.fixture
def seeded(db):
    calendar.invalidate()
    calendar_seed_years(years=[2024, 2025], actor=SystemActor("test"))
    yield
    calendar.invalidate()


def _run(*args) -> str:
    out = StringIO()
    call_command("workdays", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_cli_loads_the_2026_notice_and_shows_it_as_json(seeded, tmp_path):
    assert json.loads(_run("show", "2026", "--json"))["provisional"] is True, (
        "before the notice 2026 is provisional"
    )
    path = tmp_path / "2026.txt"
    path.write_text(_text("2026.txt"), encoding="utf-8")
    assert "loaded 2026" in _run("notice", str(path))
    shown = json.loads(_run("show", "2026", "--json"))
    assert shown["year"] == 2026 and shown["provisional"] is False
    assert shown["holidays"] == sorted(day.isoformat() for day in constants.holidays if day.year == 2026)
    assert shown["workdays"] == sorted(day.isoformat() for day in constants.workdays if day.year == 2026)
    assert CalendarYear.objects.get(year=2026).source == "国务院办公厅通知 2026"
    event = AuditEvent.objects.get(
        action="core.calendaryear.create", object_id=str(CalendarYear.objects.get(year=2026).pk)
    )
    assert event.details["notice"] == "国务院办公厅关于2026年部分节假日安排的通知"
    assert json.loads(_run("show", "2027", "--json"))["provisional"] is True
    with pytest.raises(CommandError, match="2028"):
        _run("show", "2028", "--json")
    with pytest.raises(CommandError, match="replace"):
        _run("notice", str(path))
    assert "loaded 2026" in _run("notice", str(path), "--replace")
    assert audit.verify_chain().ok


@pytest.mark.django_db
def test_cli_add_marks_provisional_answers(seeded):
    assert _run("add", "2025-12-30", "3") == "2026-01-05 (暂定 provisional)"
    assert _run("add", "2025-12-01", "3") == "2025-12-04"
    assert _run("between", "2025-12-30", "2026-01-05").endswith("(暂定 provisional)")
    assert "暂定" in _run("show", "2026").splitlines()[0]


@pytest.mark.django_db
def test_a_notice_that_reaches_into_the_previous_december_sets_those_days_there(db):
    calendar.invalidate()
    calendar_seed_years(years=[2024], actor=SystemActor("test"))
    # The 2019 notice sets 2018-12-29..31; load 2018 first from its own notice.
    calendar_notice_load(text=_text("2018.txt"), actor=SystemActor("t"))
    loaded = calendar_notice_load(text=_text("2019.txt"), actor=SystemActor("t"))
    assert loaded.earlier_year_merged == 2018
    assert calendar.is_workday(D(2018, 12, 29)) and not calendar.is_workday(D(2018, 12, 31))
    assert not calendar.is_workday(D(2018, 10, 1)), "the rest of 2018 is kept"
    assert "国办发明电〔2018〕15号" in CalendarYear.objects.get(year=2018).source
    calendar.invalidate()


@pytest.mark.django_db
def test_a_broken_notice_saves_nothing(seeded):
    before = AuditEvent.objects.count()
    with pytest.raises(ServiceError):
        calendar_notice_load(
            text=_text("2026.txt").replace("1月4日（周日）上班", "1月5日（周一）上班"), actor=SystemActor("t")
        )
    assert not CalendarYear.objects.filter(year=2026).exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_administrator_pastes_previews_and_loads_the_notice(client, make_user, seeded):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    assert client.get("/calendar/notice/").status_code == 200
    text = _text("2026.txt")
    preview = client.post("/calendar/notice/", {"text": text, "action": "preview"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert (
        'data-date="2026-02-15" data-kind="holiday"' in html
        and 'data-date="2026-02-28" data-kind="workday"' in html
    )
    assert text.splitlines()[0] in html, "the text stays next to the calendar"
    assert not CalendarYear.objects.filter(year=2026).exists(), "a preview saves nothing"
    response = client.post("/calendar/notice/", {"text": text, "action": "load"})
    assert response.status_code == 302 and response["Location"].endswith("/calendar/2026/")
    assert not calendar.is_workday(D(2026, 2, 23)) and calendar.is_workday(D(2026, 2, 28))
    event = AuditEvent.objects.get(
        action="core.calendaryear.create", object_id=str(CalendarYear.objects.get(year=2026).pk)
    )
    assert event.actor_label == admin.username
    broken = client.post(
        "/calendar/notice/", {"text": text.replace("（周四）", "（周五）", 1), "action": "preview"}
    )
    assert broken.status_code == 400
    assert (
        "周五" in broken.content.decode()
        and not CalendarYear.objects.filter(year=2026).exclude(pk=event.object_id).exists()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.OFFICIAL, Role.AUDITOR])
def test_only_administrators_load_notices(client, make_user, seeded, role):
    client.force_login(make_user(role))
    assert client.post("/calendar/notice/", {"text": _text("2026.txt"), "action": "load"}).status_code == 403
    assert not CalendarYear.objects.filter(year=2026).exists()
