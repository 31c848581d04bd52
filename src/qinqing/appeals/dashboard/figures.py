"""The supervision dashboard's figures (article 8): rates per handling unit and month, the
overdue list, hot topics and the ledger (台账).

Definitions (each counts the appeals RECEIVED in the month; merged duplicates are counted
once, as the original they were merged into, so they are left out everywhere below):

* received — appeals received, merged duplicates excluded;
* on-time resolution rate — answered on time ÷ due, where *due* is every appeal with a
  deadline that has been answered (replied, rated or closed) or whose deadline has passed
  while it is still open, and *answered on time* is an answered appeal whose reply date
  (local date of ``replied_at``) is on or before its deadline. An escalated appeal whose
  local deadline ended when it was reported up (the higher authority's answer has no local
  deadline) has no deadline and is left out of both;
* reply rate — replied ÷ received, where *replied* is an appeal that has had a reply (an
  answer, a relayed answer of the higher authority, or the reason it cannot be handled),
  even if an unsatisfied rating reopened it;
* satisfaction rate — (满意 + 基本满意) ÷ ratings, every round's rating counted;
* overdue — still open with its deadline before today (the day the figures were computed).

Speed: the counts live in ``AppealFigure`` (one row per unit and month), recomputed from
the appeals one month at a time with aggregate SQL by ``refresh_figures`` (the worker runs
it each round); the pages read those few rows, so they take a constant number of queries
however many appeals, units and months there are.
"""

from __future__ import annotations

import datetime
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qinqing.core import calendar, clock
from qinqing.core.errors import ServiceError
from qinqing.core.identifiers import mask_phone

from ..models import (
    OPEN_STATUSES,
    Appeal,
    AppealStep,
    Category,
    Channel,
    Level,
    Rating,
    Satisfaction,
    Status,
    Track,
)
from .models import AppealFigure, AppealFigureState

logger = logging.getLogger("qinqing.appeals.dashboard")

ANSWERED_STATUSES = (Status.REPLIED, Status.RATED, Status.CLOSED)
COUNT_FIELDS = (
    "received",
    "merged",
    "replied",
    "due",
    "on_time",
    "overdue",
    "rated",
    "satisfied",
    "basically_satisfied",
)
DEFAULT_MONTHS = 12
MAX_MONTHS = 60
HOT_TOPIC_SAMPLE = 2000
HOT_TOPIC_COUNT = 20
HOT_TOPIC_MAX_AGE = datetime.timedelta(minutes=10)
OVERDUE_LIST_SIZE = 50
# Words every appeal uses; they say nothing about its topic (issue 20: 热点问题 was led by 关于,
# the district's name and 有限公司). Function words, the words of asking and answering, company
# forms; the district's own name and the filer's name and address are taken out of each text.
HOT_TOPIC_STOP_WORDS = frozenset(
    [
        "企业",
        "我们",
        "公司",
        "问题",
        "请求",
        "希望",
        "尽快",
        "协调",
        "解决",
        "诉求",
        "情况",
        "相关",
        "进行",
        "没有",
        "已经",
        "目前",
        "需要",
        "部门",
        "一直",
        "反映",
        "咨询",
        "申请",
        "办理",
        "什么",
        "怎么",
        "如何",
        "可以",
        "是否",
        "政府",
        "编号",
        "谢谢",
        "您好",
        "你好",
        "请问",
        "我司",
        "贵局",
        # function words and the language of a request
        "关于",
        "对于",
        "以及",
        "因为",
        "所以",
        "但是",
        "而且",
        "或者",
        "还是",
        "这个",
        "那个",
        "一个",
        "他们",
        "你们",
        "自己",
        "有关",
        "要求",
        "答复",
        "提交",
        "请予",
        "了解",
        "影响",
        "核实",
        "迟迟",
        "回音",
        "进度",
        "帮助",
        "处理",
        "予以",
        "能否",
        "为什么",
        "时候",
        "现在",
        "今年",
        "去年",
        "本月",
        "多次",
        "至今",
        "仍然",
        "一下",
        "怎样",
        "哪些",
        "结果",
        "材料",
        "单位",
        "管理",
        "工作",
        "方面",
        # company forms: an enterprise's legal form is not a topic
        "有限公司",
        "有限责任公司",
        "股份有限公司",
        "分公司",
        "集团",
        "商贸",
        "商行",
        "经营部",
        "维修部",
        "工作室",
        "合作社",
        "个体工商户",
        "个体户",
        "门市部",
        "营业部",
        "经销部",
        "服务部",
        "小吃店",
        "水果店",
        "科技",
        "实业",
    ]
)
# Phrases a leader acts on, kept whole instead of split in two (消防 + 验收).
HOT_TOPIC_PHRASES = (
    "消防验收",
    "环评审批",
    "施工许可",
    "营业执照",
    "电力增容",
    "社保费缓缴",
    "稳岗补贴",
    "留抵退税",
    "出口退税",
    "人才公寓",
    "融资担保",
    "用地指标",
    "厂房租金",
    "招商政策",
    "政策兑现",
    "拖欠账款",
    "工程款",
    "店招更换",
    "占道经营",
    "停车难",
    "排水管网",
    "道路积水",
)
# What names a filer or a place rather than a topic: "（西溪路927号）", "莫干山路", "文三路".
_ADDRESS = re.compile(r"[（(][^（）()]*\d+号[^（）()]*[）)]")
_PLACE_SUFFIXES = ("路", "街", "巷", "大道", "号", "弄", "村", "镇")


# --- months ---------------------------------------------------------------------------------
def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The local-time start of ``month`` and of the next month (aware datetimes)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(next_month(month), datetime.time.min, tzinfo=zone)
    return start, end


def parse_month(value: str | None, *, field: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        month = datetime.datetime.strptime(value[:7], "%Y-%m").date()
    except ValueError as error:
        raise ServiceError(_("Enter a month as YYYY-MM."), code="invalid_month", field=field) from error
    if not 2000 <= month.year <= 2099:  # 9999-12 has no next month: a 500 before (issue 18)
        raise ServiceError(_("Enter a month between 2000-01 and 2099-12."), code="invalid_month", field=field)
    return month


@dataclass(frozen=True)
class Filter:
    first_month: datetime.date
    last_month: datetime.date
    unit_id: int | None = None

    @property
    def months(self) -> list[datetime.date]:
        return months_between(self.first_month, self.last_month)

    def query(self) -> dict[str, str]:
        query = {"from_month": f"{self.first_month:%Y-%m}", "to_month": f"{self.last_month:%Y-%m}"}
        if self.unit_id:
            query["unit"] = str(self.unit_id)
        return query


def make_filter(*, from_month: str | None = None, to_month: str | None = None, unit: str | int | None = None,
                today: datetime.date | None = None) -> Filter:
    """The filter from request parameters; by default the last 12 months up to this one, every unit."""
    today = today or clock.today()
    last = parse_month(to_month, field="to_month") or month_start(today)
    first = parse_month(from_month, field="from_month")
    if first is None:
        first = last
        for _step in range(DEFAULT_MONTHS - 1):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
    if first > last:
        raise ServiceError(
            _("The first month must not be after the last month."), code="invalid_range", field="from_month"
        )
    if len(months_between(first, last)) > MAX_MONTHS:
        raise ServiceError(
            _("Choose at most %(count)s months."),
            code="range_too_long",
            field="from_month",
            params={"count": MAX_MONTHS},
        )
    unit_id = None
    if unit not in (None, ""):
        try:
            unit_id = int(unit)
        except (TypeError, ValueError) as error:
            raise ServiceError(
                _("Choose a unit from the list."), code="invalid_unit", field="unit"
            ) from error
    return Filter(first_month=first, last_month=last, unit_id=unit_id)


# --- rates ------------------------------------------------------------------------------------
def percent(numerator: int, denominator: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to divide by (shown as "—")."""
    if not denominator:
        return None
    return round(100.0 * numerator / denominator, 1)


@dataclass
class Counts:
    received: int = 0
    merged: int = 0
    replied: int = 0
    due: int = 0
    on_time: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0

    def add(self, row: dict) -> None:
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))

    @property
    def on_time_rate(self) -> float | None:
        return percent(self.on_time, self.due)

    @property
    def reply_rate(self) -> float | None:
        return percent(self.replied, self.received)

    @property
    def satisfaction_rate(self) -> float | None:
        return percent(self.satisfied + self.basically_satisfied, self.rated)

    def as_dict(self) -> dict:
        return {**{name: getattr(self, name) for name in COUNT_FIELDS}, "on_time_rate": self.on_time_rate,
                "reply_rate": self.reply_rate, "satisfaction_rate": self.satisfaction_rate}


@dataclass
class Line(Counts):
    """One row of a table: a unit, a month, or a unit in a month."""

    unit_id: int | None = None
    unit_name: str = ""
    month: datetime.date | None = None


@dataclass
class Figures:
    filter: Filter
    cells: list[Line] = field(default_factory=list)  # per unit and month
    units: list[Line] = field(default_factory=list)  # per unit over the range
    months: list[Line] = field(default_factory=list)  # per month over the units
    total: Line = field(default_factory=Line)
    computed_at: datetime.datetime | None = None
    computed_on: datetime.date | None = None
    hot_topics: list[dict] = field(default_factory=list)


def figures(flt: Filter) -> Figures:
    """The dashboard's figures for ``flt``: two queries, whatever the number of units, months or appeals."""
    rows = AppealFigure.objects.filter(month__gte=flt.first_month, month__lte=flt.last_month)
    if flt.unit_id:
        rows = rows.filter(unit_id=flt.unit_id)
    result = Figures(filter=flt)
    by_unit: dict[int | None, Line] = {}
    by_month: dict[datetime.date, Line] = {month: Line(month=month) for month in flt.months}
    for row in rows.values("unit_id", "unit__name", "month", *COUNT_FIELDS).order_by(
        "month", "unit__name", "unit_id"
    ):
        cell = Line(unit_id=row["unit_id"], unit_name=row["unit__name"] or "", month=row["month"])
        cell.add(row)
        result.cells.append(cell)
        unit_line = by_unit.setdefault(
            row["unit_id"], Line(unit_id=row["unit_id"], unit_name=row["unit__name"] or "")
        )
        unit_line.add(row)
        by_month.setdefault(row["month"], Line(month=row["month"])).add(row)
        result.total.add(row)
    result.units = sorted(
        by_unit.values(), key=lambda line: (line.unit_id is None, line.unit_name, line.unit_id or 0)
    )
    result.months = [by_month[month] for month in sorted(by_month)]
    state = AppealFigureState.objects.filter(pk=1).values("computed_at", "computed_on", "hot_topics").first()
    if state:
        result.computed_at, result.computed_on, result.hot_topics = (
            state["computed_at"],
            state["computed_on"],
            state["hot_topics"] or [],
        )
    return result


# --- recomputing the figures ---------------------------------------------------------------------
def _month_figures(month: datetime.date, today: datetime.date) -> dict[int | None, dict]:
    """Aggregate SQL over the appeals received in ``month``, grouped by handling unit (two queries)."""
    start, end = month_bounds(month)
    live = ~Q(status=Status.MERGED)
    answered = Q(status__in=ANSWERED_STATUSES)
    open_past_due = Q(status__in=OPEN_STATUSES, due_at__lt=today)
    appeals = Appeal.objects.filter(received_at__gte=start, received_at__lt=end).order_by()
    result: dict[int | None, dict] = {}
    for row in appeals.values("handling_unit_id").annotate(
        received=Count("pk", filter=live),
        merged=Count("pk", filter=Q(status=Status.MERGED)),
        replied=Count("pk", filter=live & Q(replied_at__isnull=False)),
        due=Count("pk", filter=live & Q(due_at__isnull=False) & (answered | open_past_due)),
        on_time=Count("pk", filter=answered & Q(due_at__isnull=False, replied_at__date__lte=F("due_at"))),
        overdue=Count("pk", filter=open_past_due),
    ):
        result[row.pop("handling_unit_id")] = row
    ratings = Rating.objects.filter(appeal__received_at__gte=start, appeal__received_at__lt=end).order_by()
    for row in ratings.values("appeal__handling_unit_id").annotate(
        rated=Count("pk"),
        satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        basically_satisfied=Count("pk", filter=Q(satisfaction=Satisfaction.BASICALLY_SATISFIED)),
    ):
        result.setdefault(row.pop("appeal__handling_unit_id"), {}).update(row)
    return result


def _store_month(month: datetime.date, counts: dict[int | None, dict]) -> None:
    from qinqing.core import jobs

    with transaction.atomic():
        # One replacement of a month at a time: the job and a leader's "recompute now" may overlap, and
        # under READ COMMITTED the second's DELETE does not see the rows the first just inserted, so its
        # insert met them (unique month + unit: a 500 on the dashboard's button).
        jobs.exclusive(f"appeals.figures.month:{month:%Y-%m}")
        AppealFigure.objects.filter(month=month).delete()
        AppealFigure.objects.bulk_create([
            AppealFigure(unit_id=unit_id, month=month, **{name: row.get(name, 0) for name in COUNT_FIELDS})
            for unit_id, row in counts.items()
        ])


def _dirty_months(state: AppealFigureState, high_appeal: int, high_step: int) -> set[datetime.date]:
    """Months of the appeals filed or changed since the last refresh (every change writes a timeline step)."""
    changed = Q(pk__gt=state.last_appeal_id, pk__lte=high_appeal) | Q(
        pk__in=AppealStep.objects.filter(pk__gt=state.last_step_id, pk__lte=high_step).values("appeal_id"))
    return {
        timezone.localtime(moment).date().replace(day=1)
        for moment in Appeal.objects.filter(changed).datetimes("received_at", "month")
    }


@dataclass
class RefreshResult:
    months: list[datetime.date]
    full: bool
    seconds: float
    hot_topics: bool = False

    def summary(self) -> str:
        text = _("dashboard figures: full, %(months)s month(s) in %(seconds).2f s") if self.full else _(
            "dashboard figures: incremental, %(months)s month(s) in %(seconds).2f s")
        text = text % {"months": len(self.months), "seconds": self.seconds}
        return text + str(_(", hot topics")) if self.hot_topics else text


REFRESH_ACTION = "appeals.figures.refresh"


def refresh_requested(*, actor) -> RefreshResult:
    """A leader's "recompute now" on the dashboard (the job does the same on its own): the figures
    that feed the published statistics, and an audit event naming who asked and what was recomputed."""
    from qinqing.core import audit

    result = refresh_figures()
    with transaction.atomic():
        audit.record_event(
            actor=actor, action=REFRESH_ACTION, object_type="appeals.AppealFigureState", object_id=1,
            details={"months": [f"{month:%Y-%m}" for month in result.months], "full": result.full},
        )
    return result


def refresh_figures(*, full: bool = False, today: datetime.date | None = None) -> RefreshResult:
    """Recompute the figures of the months that changed since the last run.

    Everything is recomputed on the first run of a day (overdue moves with the date) or when
    ``full``. The heavy reads run outside any transaction, so writers are never blocked for
    long; each month is then replaced in one short transaction, one at a time (``jobs.exclusive``).
    Safe to run concurrently: a month's rows are always replaced whole.
    """
    started = time.perf_counter()
    today = today or clock.today()
    state, _created = AppealFigureState.objects.get_or_create(pk=1)
    high_appeal = Appeal.objects.aggregate(high=Max("pk"))["high"] or 0
    high_step = AppealStep.objects.aggregate(high=Max("pk"))["high"] or 0
    full = full or state.computed_on != today
    if full:
        span = Appeal.objects.aggregate(first=Min("received_at"), last=Max("received_at"))
        months = set()
        if span["first"]:
            months = set(
                months_between(
                    timezone.localtime(span["first"]).date(), timezone.localtime(span["last"]).date()
                )
            )
        months |= set(
            AppealFigure.objects.values_list("month", flat=True).distinct()
        )  # months that no longer have appeals
    else:
        months = _dirty_months(state, high_appeal, high_step)
    for month in sorted(months):
        _store_month(month, _month_figures(month, today))
    now = clock.now()
    fields = {
        "computed_on": today,
        "computed_at": now,
        "last_appeal_id": high_appeal,
        "last_step_id": high_step,
    }
    # jieba over 2,000 texts takes a few hundred milliseconds: at most every ten minutes, and only when
    # appeals came in.
    refreshed_topics = (
        full
        or state.hot_topics_at is None
        or (high_appeal > state.last_appeal_id and now - state.hot_topics_at > HOT_TOPIC_MAX_AGE)
    )
    if refreshed_topics:
        fields.update(hot_topics=hot_topics(), hot_topics_at=now)
    AppealFigureState.objects.filter(pk=1).update(**fields)
    return RefreshResult(
        months=sorted(months), full=full, seconds=time.perf_counter() - started, hot_topics=refreshed_topics
    )


# --- hot topics ------------------------------------------------------------------------------------
def hot_topics(*, sample: int = HOT_TOPIC_SAMPLE, count: int = HOT_TOPIC_COUNT) -> list[dict]:
    """Keywords of the latest ``sample`` appeals (jieba TF-IDF), with how many of them mention each.

    Each text loses what names its filer or the district rather than its topic (the enterprise's
    name, an address in brackets, the district's name); stop words, company forms and place
    names (…路, …街) are no topics; the domain's phrases (消防验收, 留抵退税) stay whole, and a
    word inside a longer topic (审批 in 环评审批) is not listed beside it."""
    from qinqing.core.district import current

    district_name = current().district_name
    rows = (Appeal.objects.exclude(status=Status.MERGED).order_by("-received_at", "-pk")
            .values_list("title", "content", "enterprise__name")[:sample])
    texts = []
    for title, content, enterprise_name in rows:
        text = _ADDRESS.sub(" ", f"{title}\n{content}")
        for name in (enterprise_name, district_name):
            if name:
                text = text.replace(name, " ")
        texts.append(text)
    if not texts:
        return []
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)
    for phrase in HOT_TOPIC_PHRASES:
        jieba.add_word(phrase, freq=2000)
    tags = jieba.analyse.extract_tags("\n".join(texts), topK=count * 6, withWeight=True)
    stop = HOT_TOPIC_STOP_WORDS | (
        {district_name, district_name.removesuffix("区")} if district_name else set()
    )
    tags = [
        (word, weight) for word, weight in tags
        if not (word in stop or len(word) < 2 or word.isdigit() or word.endswith(_PLACE_SUFFIXES)
                or any(form in word for form in ("有限公司", "公司")))
    ]
    # A word inside a longer topic is that topic's part, not a topic of its own (社保费缓缴, not
    # 社保费 and 缓缴 beside it; 环评审批, not 审批).
    words = [word for word, _weight in tags]
    topics = []
    for word, weight in tags:
        if any(word != other and word in other for other in words):
            continue
        topics.append(
            {"word": word, "weight": round(weight, 4), "appeals": sum(1 for text in texts if word in text)}
        )
        if len(topics) >= count:
            break
    return topics


# --- overdue ------------------------------------------------------------------------------------------
class WorkdayCounter:
    """Working days between two dates in O(1) after one pass per calendar year (the ledger
    may hold a million rows). ``between(a, b)`` equals ``calendar.workdays_between(a, b)``;
    outside the loaded years it falls back to calendar days, as the appeal lists do."""

    def __init__(self) -> None:
        self._snapshot = calendar.snapshot()
        self._prefix: dict[int, list[int]] = {}

    def _year(self, year: int) -> list[int]:
        """``[n]`` is the number of working days from 1 January through day ``n + 1`` of ``year``."""
        if year not in self._prefix:
            self._snapshot.require_year(year)
            counts, running, current = [], 0, datetime.date(year, 1, 1)
            while current.year == year:
                running += self._snapshot.is_workday(current)
                counts.append(running)
                current += datetime.timedelta(days=1)
            self._prefix[year] = counts
        return self._prefix[year]

    def _through(self, day: datetime.date) -> int:
        return self._year(day.year)[day.timetuple().tm_yday - 1]

    def between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
        if end < start:
            return -self.between(end, start)
        try:
            days = self._through(end) - self._through(start)
            for year in range(start.year, end.year):
                days += self._year(year)[-1]
            return days
        except ServiceError:
            return (end - start).days


def overdue_list(
    flt: Filter, *, today: datetime.date | None = None, limit: int = OVERDUE_LIST_SIZE
) -> tuple[list[dict], int]:
    """Open appeals past their deadline now (whatever month they were received), longest overdue
    first, with the working days overdue; and how many there are.

    One query per open status (a fixed number): each walks the ``(status, due_at)`` index
    (``(unit, status, due_at)`` with a unit) already in deadline order and stops after
    ``limit`` rows. A single ``status IN (...) ORDER BY due_at`` query would sort every
    overdue appeal first (measured: 0.4–0.7 s with 70,000 overdue of a million).
    """
    today = today or clock.today()
    appeals = Appeal.objects.filter(status__in=OPEN_STATUSES, due_at__lt=today)
    if flt.unit_id:
        appeals = appeals.filter(handling_unit_id=flt.unit_id)
    fields = (
        "pk",
        "tracking_number",
        "title",
        "status",
        "level",
        "round",
        "due_at",
        "due_provisional",
        "handling_unit_id",
        "handling_unit__name",
    )
    rows: list[dict] = []
    for status in OPEN_STATUSES:
        rows += appeals.filter(status=status).order_by("due_at", "pk").values(*fields)[:limit]
    rows = sorted(rows, key=lambda row: (row["due_at"], row["pk"]))[:limit]
    counter = WorkdayCounter()
    for row in rows:
        row["days_overdue"] = max(0, counter.between(row["due_at"], today))
        row["status_label"] = Status(row["status"]).label
        row["level_label"] = Level(row["level"]).label
    return rows, appeals.count()


# --- the ledger (台账) ----------------------------------------------------------------------------------
LEDGER_HEADERS = (
    _("Tracking number"),
    _("Received on"),
    _("Channel"),
    _("Enterprise"),
    _("Contact phone (masked)"),
    _("Category"),
    _("Track"),
    _("Handling unit"),
    _("Status"),
    _("Due date"),
    _("Replied on"),
    _("Working days overdue or late"),
    _("Rating"),
)


def ledger_rows(flt: Filter, *, today: datetime.date | None = None) -> Iterator[tuple]:
    """Every appeal received in the filter's months, oldest first, one tuple per row, read in
    chunks (a million rows never sit in memory). Phones are masked; days overdue are working
    days past the deadline for an open appeal, or how late the reply came for an answered one."""
    today = today or clock.today()
    start, _end = month_bounds(flt.first_month)
    _start, end = month_bounds(flt.last_month)
    appeals = Appeal.objects.filter(received_at__gte=start, received_at__lt=end)
    if flt.unit_id:
        appeals = appeals.filter(handling_unit_id=flt.unit_id)
    latest_rating = (
        Rating.objects.filter(appeal=OuterRef("pk")).order_by("-created_at", "-pk").values("satisfaction")[:1]
    )
    labels = {
        "channel": dict(Channel.choices), "category": dict(Category.choices), "track": dict(Track.choices),
        "status": dict(Status.choices), "rating": dict(Satisfaction.choices),
    }
    counter = WorkdayCounter()
    rows = (
        appeals.order_by("received_at", "pk")
        .annotate(rating=Subquery(latest_rating))
        .values_list(
            "tracking_number",
            "received_at",
            "channel",
            "enterprise__name",
            "contact_phone",
            "category",
            "track",
            "handling_unit__name",
            "status",
            "due_at",
            "replied_at",
            "rating",
        )
    )
    for (
        number,
        received_at,
        channel,
        enterprise,
        phone,
        category,
        track,
        unit,
        status,
        due_at,
        replied_at,
        rating,
    ) in rows.iterator(chunk_size=2000):
        replied_on = timezone.localtime(replied_at).date() if replied_at else None
        late = 0
        if due_at is not None:
            if status in OPEN_STATUSES and due_at < today:
                late = counter.between(due_at, today)
            elif status in ANSWERED_STATUSES and replied_on and replied_on > due_at:
                late = counter.between(due_at, replied_on)
        yield (
            number,
            timezone.localtime(received_at).date(),
            labels["channel"].get(channel, channel),
            enterprise or "",
            mask_phone(phone) if phone else "",
            labels["category"].get(category, category),
            labels["track"].get(track, track),
            unit or "",
            labels["status"].get(status, status),
            due_at,
            replied_on,
            late,
            labels["rating"].get(rating, rating or ""),
        )
