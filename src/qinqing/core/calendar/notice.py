"""The State Council notice as input: "国务院办公厅关于YYYY年部分节假日安排的通知".

``parse_notice(text)`` reads the year's holidays and make-up workdays (调休上班) from the
notice's own wording, as pasted from the government website or a newspaper:

* full- or half-width punctuation (NFKC), traditional or simplified characters (OpenCC t2s);
* the preamble (with or without the arrangement principles) and the closing paragraph are
  skipped: only the numbered items ("一、元旦：…") carry dates;
* an item may name two festivals ("六、国庆节、中秋节：…");
* dates "1月28日", "2018年12月30日", ranges within a month ("4月4日至6日") and across months
  or years ("5月31日至6月2日", "2018年12月30日至2019年1月1日");
* brackets after a date ("（周三）", "（星期日）", "（农历除夕、周二）", "（农历正月初七、周二）")
  are checked: a weekday or lunar date that does not fit the date is an error;
* "放假" / "放假调休" / "调休放假" / "补休" give holidays, "上班" make-up workdays;
  "与周末连休", "不调休" add nothing (the weekend is off anyway); "共N天" / "放假N天" are
  checked against the dates given;
* "鼓励…" sentences (e.g. "安排职工在除夕（2月9日）休息") are advice, not holidays.

Anything else that carries a date inside an item is an error, and every error names the line.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ..errors import ServiceError
from ..zh_text import to_simplified

FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
SATURDAY = 5
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
CHINESE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

TITLE = re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日安排")
TITLE_FALLBACK = re.compile(r"现将\s*(\d{4})\s*年.{0,40}?放假调休日期")
DOCUMENT_NUMBER = re.compile(r"国办发明电\s*[〔\[(]\s*(\d{4})\s*[〕\])]\s*(\d+)\s*号")
ITEM = re.compile(r"^\s*([一二三四五六七八九十]{1,3}|\d{1,2})\s*[、.]\s*([^:]{1,20}?)\s*:\s*(.*)$")
DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日(?:\s*\(([^()]*)\))?")
MARK = re.compile(r"\x00(\d+)\x00")
RANGE = re.compile(r"\x00(\d+)\x00\s*(?:至|到|-|~)\s*\x00(\d+)\x00")
COUNT = re.compile(r"(?:共|放假)\s*([0-9一二三四五六七八九十]+)\s*天")
WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
LUNAR = re.compile(
    r"农历\s*([正一二三四五六七八九十冬腊]+月)?\s*(除夕|初[一二三四五六七八九十]|十[一二三四五六"
    r"七八九]|二十[一二三四五六七八九]?|廿[一二三四五六七八九]|三十)"
)


class NoticeError(ServiceError):
    """The notice text could not be read; ``params["line"]`` names the line."""


@dataclass(frozen=True)
class NoticeItem:
    line: int
    name: str
    holidays: tuple[datetime.date, ...]
    workdays: tuple[datetime.date, ...]


@dataclass(frozen=True)
class ParsedNotice:
    year: int
    title: str
    document_number: str = ""
    items: tuple[NoticeItem, ...] = field(default_factory=tuple)

    @property
    def holidays(self) -> list[tuple[datetime.date, str]]:
        return sorted((day, item.name) for item in self.items for day in item.holidays)

    @property
    def workdays(self) -> list[tuple[datetime.date, str]]:
        return sorted((day, item.name) for item in self.items for day in item.workdays)

    def for_year(self, year: int) -> tuple[list[tuple[datetime.date, str]], list[tuple[datetime.date, str]]]:
        """The holidays and make-up workdays that fall in ``year`` (a notice's New Year item
        may reach back into the previous December)."""
        return ([entry for entry in self.holidays if entry[0].year == year],
                [entry for entry in self.workdays if entry[0].year == year])

    @property
    def years(self) -> list[int]:
        return sorted({day.year for day, _name in (*self.holidays, *self.workdays)})


def _fail(line: int, message, **params) -> NoticeError:
    return NoticeError(message, code="calendar_notice_invalid", field="text", params={"line": line, **params})


def normalise(text: str) -> list[str]:
    """The notice's lines, simplified and NFKC-normalised (full-width punctuation and digits
    become half-width; "、" and "。" stay). Line numbers are kept."""
    text = to_simplified(text or "")
    return [unicodedata.normalize("NFKC", line).replace("\u3000", " ") for line in text.split("\n")]


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if len(text) == 1:
        return CHINESE_NUMBERS[text]
    if text.startswith("十"):
        return 10 + CHINESE_NUMBERS.get(text[1:], 0)
    tens, _ten, units = text.partition("十")
    return CHINESE_NUMBERS[tens] * 10 + (CHINESE_NUMBERS[units] if units else 0)


def _lunar_label(day: datetime.date) -> tuple[str, str, bool]:
    """(month as written, day as written, whether ``day`` is 除夕) by lunar-python."""
    from lunar_python import Solar

    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    following = Solar.fromYmd(day.year, day.month, day.day).next(1).getLunar()
    is_eve = following.getMonth() == 1 and following.getDay() == 1
    return lunar.getMonthInChinese() + "月", lunar.getDayInChinese().replace("廿", "二十"), is_eve


def _check_bracket(line: int, day: datetime.date, written: str, bracket: str) -> None:
    for match in WEEKDAY.finditer(bracket):
        if WEEKDAYS[match.group(1)] != day.weekday():
            names = "一二三四五六日"
            raise _fail(
                line,
                _("Line %(line)s: %(date)s is a 周%(actual)s, not %(written)s as the notice says."),
                date=written,
                actual=names[day.weekday()],
                written=match.group(0),
            )
    lunar = LUNAR.search(bracket)
    if lunar:
        month, day_name, is_eve = _lunar_label(day)
        wanted_month, wanted_day = lunar.group(1), lunar.group(2).replace("廿", "二十")
        fits = (
            is_eve
            if wanted_day == "除夕"
            else (day_name == wanted_day and (not wanted_month or wanted_month == month))
        )
        if not fits:
            raise _fail(
                line,
                _("Line %(line)s: %(date)s is 农历%(actual)s, not %(written)s as the notice says."),
                date=written,
                actual=month + day_name,
                written=lunar.group(0),
            )


def _dates(line: int, body: str, year: int) -> tuple[str, list[datetime.date]]:
    """Replace each date in ``body`` by a marker; return the marked text and the dates."""
    found: list[datetime.date] = []
    previous: datetime.date | None = None

    def replace(match: re.Match) -> str:
        nonlocal previous
        explicit_year, month, day_text, bracket = match.groups()
        if month is None and previous is None:
            raise _fail(line, _("Line %(line)s: %(date)s has no month."), date=match.group(0))
        month_number = int(month) if month else previous.month
        if explicit_year:
            year_number = int(explicit_year)
        elif previous is not None:
            # "12月31日至1月2日": a range that runs over New Year moves into the next year.
            over_new_year = (
                previous.month == 12
                and month_number < 12
                and match.string[: match.start()].rstrip().endswith("至")
            )
            year_number = previous.year + (1 if over_new_year else 0)
        else:
            year_number = year
        try:
            day = datetime.date(year_number, month_number, int(day_text))
        except ValueError:
            raise _fail(line, _("Line %(line)s: %(date)s is not a date."), date=match.group(0)) from None
        if bracket:
            _check_bracket(line, day, match.group(0).split("(")[0], bracket)
        previous = day
        found.append(day)
        return f"\x00{len(found) - 1}\x00"

    return DATE.sub(replace, body), found


def _item_days(line: int, body: str, year: int) -> tuple[list[datetime.date], list[datetime.date]]:
    marked, dates = _dates(line, body, year)
    holidays: list[datetime.date] = []
    workdays: list[datetime.date] = []
    for sentence in re.split(r"[。;]", marked):
        sentence = sentence.strip()
        if not sentence:
            continue
        if sentence.startswith("鼓励"):
            continue  # advice ("鼓励各单位…安排职工在除夕休息"), not a holiday
        counted: list[datetime.date] = []
        for clause in re.split(r",", sentence):
            marks = [int(index) for index in MARK.findall(clause)]
            if marks:
                if "上班" in clause:
                    workdays.extend(dates[index] for index in marks)
                elif "放假" in clause or "补休" in clause:
                    in_range: set[int] = set()
                    for start, end in RANGE.findall(clause):
                        first, last = dates[int(start)], dates[int(end)]
                        if last < first:
                            raise _fail(
                                line,
                                _("Line %(line)s: the range %(first)s to %(last)s runs backwards."),
                                first=first.isoformat(),
                                last=last.isoformat(),
                            )
                        span = [
                            first + datetime.timedelta(days=offset)
                            for offset in range((last - first).days + 1)
                        ]
                        counted.extend(span)
                        in_range.update((int(start), int(end)))
                    counted.extend(dates[index] for index in marks if index not in in_range)
                else:
                    plain = MARK.sub(lambda match: dates[int(match.group(1))].isoformat(), clause)
                    raise _fail(
                        line,
                        _(
                            "Line %(line)s: cannot tell whether the dates in “%(text)s” are holidays (放假) "
                            "or make-up workdays (上班)."
                        ),
                        text=plain.strip(),
                    )
            count = COUNT.search(clause)
            if count:
                expected = _number(count.group(1))
                if expected != len(counted):
                    raise _fail(
                        line,
                        _(
                            "Line %(line)s: the notice says %(expected)s day(s) but gives "
                            "%(given)s: %(dates)s."
                        ),
                        expected=expected,
                        given=len(counted),
                        dates=", ".join(day.isoformat() for day in counted),
                    )
        holidays.extend(counted)
    return holidays, workdays


def parse_notice(text: str) -> ParsedNotice:
    """Read a notice; raise ``NoticeError`` (a ``ServiceError``) naming the line on any doubt."""
    lines = normalise(text)
    whole = "\n".join(lines)
    match = TITLE.search(whole) or TITLE_FALLBACK.search(whole)
    if match is None:
        raise _fail(1, _("Line %(line)s: this is not a notice “国务院办公厅关于YYYY年部分节假日安排的通知”: "
                         "neither its title nor “现将YYYY年…放假调休日期” was found."))
    year = int(match.group(1))
    title_line = whole[: match.start()].count("\n") + 1
    title = lines[title_line - 1].strip()
    document = DOCUMENT_NUMBER.search(whole)
    document_number = f"国办发明电〔{document.group(1)}〕{document.group(2)}号" if document else ""

    items: list[NoticeItem] = []
    seen: dict[datetime.date, int] = {}
    last_item_line = 0
    pending_outside: list[int] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        item = ITEM.match(line)
        names = re.split(r"[、和与及]", item.group(2)) if item else []
        if item and names and all(name in FESTIVALS for name in names):
            for outside in pending_outside:
                raise _fail(
                    outside,
                    _("Line %(line)s: a holiday arrangement outside a numbered item (“一、元旦：…”)."),
                )
            holidays, workdays = _item_days(number, item.group(3), year)
            if not holidays:
                raise _fail(
                    number, _("Line %(line)s: the item %(name)s gives no holiday date."), name=item.group(2)
                )
            for day in (*holidays, *workdays):
                if day in seen:
                    raise _fail(number, _("Line %(line)s: %(date)s is already given on line %(other)s."),
                                date=day.isoformat(), other=seen[day])
                seen[day] = number
                if not (day.year == year or (day.year == year - 1 and day.month == 12)):
                    raise _fail(
                        number,
                        _("Line %(line)s: %(date)s is not in %(year)s."),
                        date=day.isoformat(),
                        year=year,
                    )
            for day in workdays:
                if day.weekday() < SATURDAY:
                    raise _fail(
                        number,
                        _(
                            "Line %(line)s: %(date)s is a weekday: a make-up workday (上班) must be a "
                            "Saturday or a Sunday."
                        ),
                        date=day.isoformat(),
                    )
            items.append(NoticeItem(number, item.group(2), tuple(holidays), tuple(workdays)))
            last_item_line = number
        elif item and items and DATE.search(line):
            raise _fail(
                number,
                _("Line %(line)s: “%(name)s” is not a festival of the notice (%(festivals)s)."),
                name=item.group(2),
                festivals="、".join(FESTIVALS),
            )
        elif (
            items
            and last_item_line
            and DATE.search(line)
            and re.search(r"放假|上班|补休", line)
            and not line.startswith("鼓励")
        ):
            pending_outside.append(number)
    for outside in pending_outside:  # e.g. an item's make-up days wrapped onto a line of their own
        raise _fail(
            outside, _("Line %(line)s: a holiday arrangement outside a numbered item (“一、元旦：…”).")
        )
    if not items:
        raise _fail(
            title_line, _("Line %(line)s: no numbered items such as “一、元旦：1月1日放假…” were found.")
        )
    return ParsedNotice(year=year, title=title, document_number=document_number, items=tuple(items))
