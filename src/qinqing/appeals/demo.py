"""Demo appeals: a realistic pool of enterprise appeals over the demo district, at any count.

``generate_appeals(count=N)`` needs the demo district (``./qinqing demo --scale K``) and the
working-day calendar (``./qinqing workdays seed``). It writes appeals received between
2025-01-02 and ``as_of`` (today by default) on every channel, category and track, in the
state the workflow and the daily sweep would have left them on ``as_of``:

- most are replied, rated and closed; recent ones are received, triaged, assigned or in
  progress; some escalated (reported up, waiting for the higher authority's answer), some
  declined with a reason and a basis, some merged duplicates;
- about one in ten misses its deadline; those still open are at the supervision office
  (督办) with ``supervised_on`` set, second-round ones at district-leader level, and every
  open appeal near its deadline is already urged/flagged — as if ``./qinqing sweep`` had
  run every day up to ``as_of``. The next day's sweep then has one day of work, as in
  production;
- ratings (满意 / 基本满意 / 不满意; 不满意 reopened for a second round) and escalations.
- in the last two weeks more than half are about the topics of the units the demo accounts
  work in (the handler's, the official's) and still in hand there, so their queues have work.

Rows are written with ``bulk_create`` in batches of ``BATCH_SIZE``, each batch in one
transaction with ``audit.record_bulk_events`` for every audited row, so ``./qinqing audit
verify`` passes. Working days come from the calendar snapshot, computed by index into a
precomputed list of working days (a million appeals cannot afford a day-by-day walk each).
Tracking numbers continue the per-day counters, which are updated at the end.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, calendar, clock, numbering
from qinqing.core.crypto import EncryptedTextField, blind_index
from qinqing.core.errors import ServiceError
from qinqing.directory.models import Enterprise, Official, Unit

from .intake.services import TRACKING_NUMBERS
from .models import (
    DEFAULT_LIMITS,
    Appeal,
    AppealStep,
    Category,
    Channel,
    Complexity,
    Escalation,
    Level,
    LimitKey,
    Rating,
    Satisfaction,
    Status,
    Track,
)
from .services import limit_value, normalise_text

BATCH_SIZE = 5000
ACTOR = audit.SystemActor("demo-appeals")
FIRST_DAY = datetime.date(2025, 1, 2)
ROOT_CODE = "DEMO"

# (channel, weight): the portal mailbox and the hotline carry most of the load.
CHANNEL_MIX = [
    (Channel.WEB_PORTAL, 0.30),
    (Channel.ENTERPRISE_WEB, 0.20),
    (Channel.HOTLINE, 0.18),
    (Channel.WECHAT, 0.12),
    (Channel.SMS, 0.08),
    (Channel.API, 0.05),
    (Channel.VISIT, 0.03),
    (Channel.LETTER, 0.02),
    (Channel.ROUNDTABLE, 0.02),
]
CATEGORY_MIX = [
    (Category.DEMAND, 0.40),
    (Category.CONSULTATION, 0.30),
    (Category.COMPLAINT, 0.15),
    (Category.SUGGESTION, 0.10),
    (Category.NOT_OURS, 0.05),
]
SATISFACTION_MIX = [
    (Satisfaction.SATISFIED, 0.78),
    (Satisfaction.BASICALLY_SATISFIED, 0.16),
    (Satisfaction.UNSATISFIED, 0.06),
]
# Topics (the dashboard's hot topics) with the unit codes that usually handle them.
TOPICS = [
    ("厂房消防验收", "ZF05", "我公司新建厂房已按要求整改，消防验收迟迟没有结果，影响投产，请帮助协调。"),
    ("用地指标", "ZF08", "企业扩产需要新增用地指标，想了解申请流程和时限。"),
    ("稳岗补贴", "ZF10", "去年申报的稳岗补贴至今未到账，请核实进度。"),
    ("电力增容", "ZF12", "生产线扩建需要电力增容，供电部门答复需要区里出具意见。"),
    ("道路施工", "ZF13", "门店前道路施工围挡时间过长，顾客无法进店，营业额下降明显。"),
    ("退税进度", "ZF07", "出口退税申报已两个月，系统显示仍在审核，请协助查询。"),
    ("营业执照变更", "ZF21", "办理经营范围变更时被要求重复提交材料，希望一次办好。"),
    ("人才公寓", "ZF10", "引进的技术人才申请人才公寓，想了解条件和排队情况。"),
    ("环评审批", "ZF09", "新项目环评报告已提交，审批进度不明，影响开工。"),
    ("政府采购付款", "ZF04", "为区属单位提供的服务已验收，合同款项逾期未支付。"),
    ("招商政策兑现", "SY01", "签约时承诺的招商扶持政策迟迟未兑现，请给予答复。"),
    ("科技项目申报", "ZF11", "高新技术企业认定的奖励资金申报材料有哪些要求？"),
    ("市场监管检查", "ZF03", "同一事项一个月内被不同科室检查三次，希望合并检查。"),
    ("融资担保", "ZF02", "小微企业申请政策性融资担保，银行要求的材料与政策文件不一致。"),
    ("食品经营许可", "ZF03", "食品经营许可证延续申请提交后没有回音。"),
    ("安全生产培训", "ZF15", "安全生产培训名额不足，企业负责人无法按期参加。"),
    ("建筑工程许可", "ZF05", "施工许可办理环节多，想了解能否并联审批。"),
    ("城市管理执法", "ZF18", "店招更换被要求拆除，但之前已取得审批，请予核实。"),
    ("农业项目补助", "ZF14", "农业产业化项目补助资金拨付进度请答复。"),
    ("社保费缓缴", "ZF10", "受订单下降影响，想申请阶段性缓缴社保费。"),
]
PLACES = [
    "文一路",
    "古墩路",
    "学院路",
    "莫干山路",
    "天目山路",
    "紫金港路",
    "西溪路",
    "丰潭路",
    "余杭塘路",
    "文三路",
]
AUTHORITIES = [
    "市发展和改革委员会",
    "市自然资源和规划局",
    "市生态环境局",
    "省税务局",
    "市人力资源和社会保障局",
    "市市场监督管理局",
]
DECLINE_BASES = [
    "《中华人民共和国行政许可法》第三十八条",
    "《优化营商环境条例》第二十九条",
    "本区亲清政商关系实施办法第八条",
]
# The answer a unit gives to each topic (issue 20: a construction-permit question was answered
# "款项已于本周拨付"); the generic texts below only where a topic has none.
TOPIC_REPLIES = {
    "厂房消防验收": [
        "已安排消防验收人员本周到现场复验，复验通过后当日出具意见书。",
        "经核实，整改项已全部完成，消防验收意见书已出具，请到窗口领取。",
    ],
    "用地指标": ["新增用地指标需列入年度供地计划，已将贵司需求报送，申请流程和材料清单已短信发送。"],
    "稳岗补贴": ["经核实，贵司稳岗补贴已审核通过，资金已于本周拨付至对公账户，请查收。"],
    "电力增容": ["区里的意见已出具并转供电部门，供电部门将在十个工作日内上门勘察。"],
    "道路施工": ["已要求施工单位缩小围挡范围并预留店铺出入口，工期压缩至本月底。"],
    "退税进度": ["经查询，贵司出口退税已审核完毕，退税款预计五个工作日内到账。"],
    "营业执照变更": ["已核对材料，无需重复提交，变更已办结，新执照可到窗口领取或邮寄。"],
    "人才公寓": ["人才公寓申请条件和排队情况已电话告知，符合条件的人员可于下月初入住。"],
    "环评审批": ["环评报告已进入技术评估，预计十五个工作日内完成审批，期间如需补正将及时告知。"],
    "政府采购付款": ["已督促采购单位完成付款审批，合同款项已于本周支付。"],
    "招商政策兑现": ["已对照签约协议核实扶持政策，首期扶持资金已列入本月兑现计划。"],
    "科技项目申报": ["奖励资金申报材料清单已答复，可登录科技项目申报系统提交。"],
    "市场监管检查": ["已将同一事项的检查合并为一次联合检查，后续按计划统一开展。"],
    "融资担保": ["已与合作银行统一材料清单，以政策文件为准，担保申请已受理。"],
    "食品经营许可": ["食品经营许可证延续已审核通过，新证已制发，可到窗口领取。"],
    "安全生产培训": ["已增加一期安全生产培训，企业负责人可报名下周的培训班。"],
    "建筑工程许可": ["施工许可可与图审并联办理，已安排专人指导申报。"],
    "城市管理执法": ["经核实，贵司店招已取得审批，拆除要求已撤销。"],
    "农业项目补助": ["经核实，农业产业化项目补助资金已于本周拨付，请查收。"],
    "社保费缓缴": ["贵司符合阶段性缓缴条件，缓缴申请已受理，可缓缴三个月。"],
}
REPLY_TEXTS = [
    "已协调相关科室办理完毕，请留意短信通知。",
    "经核实，款项已于本周拨付，请查收。",
    "已安排专人对接，问题已解决。",
    "已按政策要求答复，如有疑问请来电咨询。",
    "检查事项已合并，后续将按计划统一开展。",
]


@dataclass
class AppealsDemoSummary:
    count: int = 0
    merged: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    open_overdue: int = 0
    ratings: int = 0
    escalations: int = 0
    as_of: datetime.date | None = None
    seconds: float = 0.0

    def lines(self) -> list[str]:
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(self.by_status.items()))
        return [
            f"demo appeals: {self.count} appeals as of {self.as_of} generated in {self.seconds:.1f} s",
            f"  {statuses}",
            f"  {self.open_overdue} open and overdue (at the supervision office or district-leader level), "
            f"{self.ratings} ratings, {self.escalations} escalations, {self.merged} merged duplicates",
        ]


class Workdays:
    """Working-day arithmetic by index into a list of working days (the calendar's, then plain weekdays)."""

    def __init__(self, first: datetime.date, last: datetime.date):
        snapshot = calendar.snapshot()
        days: list[datetime.date] = []
        current = first
        while current <= last:
            workday = snapshot.is_workday(current) if snapshot.covers(current.year) else current.weekday() < 5
            if workday:
                days.append(current)
            current += datetime.timedelta(days=1)
        self.days = days

    def add(self, start: datetime.date, count: int) -> datetime.date:
        """Like ``calendar.add_workdays``: the count starts the day after ``start``."""
        if count == 0:
            return start
        return self.days[bisect.bisect_right(self.days, start) + count - 1]

    def previous(self, day: datetime.date) -> datetime.date:
        index = bisect.bisect_left(self.days, day) - 1
        return self.days[max(index, 0)]

    def between(self, start: datetime.date, end: datetime.date) -> int:
        return bisect.bisect_right(self.days, end) - bisect.bisect_right(self.days, start)


def _weighted(rng: random.Random, mix):
    values, weights = zip(*mix, strict=True)
    return lambda: rng.choices(values, weights)[0]


class _Generator:
    def __init__(self, *, count: int, seed: int | None, as_of: datetime.date, say: Callable[[str], None]):
        self.count = count
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.as_of = as_of
        self.say = say
        self.summary = AppealsDemoSummary(as_of=as_of)
        self.workdays = Workdays(
            FIRST_DAY - datetime.timedelta(days=7), as_of + datetime.timedelta(days=1000)
        )
        self.limits = {key: limit_value(key) for key in DEFAULT_LIMITS}
        self.channel = _weighted(self.rng, CHANNEL_MIX)
        self.category = _weighted(self.rng, CATEGORY_MIX)
        self.satisfaction = _weighted(self.rng, SATISFACTION_MIX)
        units = {code: pk for code, pk in Unit.objects.filter(is_active=True).values_list("code", "pk")}
        self.unit_for_topic = [units.get(code) for _topic, code, _text in TOPICS]
        # The topics of the units the demo accounts work in (issue 20: the handler and the official
        # who sign in to the demo find appeals waiting for them, not an empty queue).
        staff_units = set(
            Official.objects.filter(is_active=True, user__isnull=False).values_list("unit_id", flat=True)
        )
        self.staff_topics = [
            index for index, unit_id in enumerate(self.unit_for_topic) if unit_id in staff_units
        ]
        self.staff_turn = 0
        self.units = sorted(
            pk for code, pk in units.items() if code.startswith(("ZF", "SY")) and len(code) > 2
        ) or sorted(units.values())
        self.officials: dict[int, list[int]] = {}
        for pk, unit_id in Official.objects.filter(is_active=True).values_list("pk", "unit_id"):
            self.officials.setdefault(unit_id, []).append(pk)
        self.enterprises = list(Enterprise.objects.values_list("pk", "name"))
        self.counters = numbering.last_values(TRACKING_NUMBERS)  # period (yyyymmdd) -> last number
        self.days = (as_of - FIRST_DAY).days + 1
        self.tz = timezone.get_current_timezone()
        self.inserted_models: set = set()
        self.step_texts = {
            channel: gettext("Received through %(channel)s.") % {"channel": label}
            for channel, label in Channel.choices
        }

    # one appeal ------------------------------------------------------------------------
    def at(self, day: datetime.date, earliest_hour: int = 8) -> datetime.datetime:
        return datetime.datetime.combine(
            day,
            datetime.time(
                self.rng.randint(earliest_hour, 19), self.rng.randrange(60), self.rng.randrange(60)
            ),
            self.tz,
        )

    def tracking_number(self, day: datetime.date) -> str:
        period = TRACKING_NUMBERS.period(day)
        number = self.counters.get(period, 0) + 1
        self.counters[period] = number
        return TRACKING_NUMBERS.text(period, number)

    def limit_for(self, track: str, complexity: str) -> int:
        if track == Track.RESOLVE:
            return self.limits[
                LimitKey.RESOLVE_COMPLEX if complexity == Complexity.COMPLEX else LimitKey.RESOLVE_SIMPLE
            ]
        return self.limits[LimitKey.REPORT_UP if track == Track.ESCALATE else LimitKey.NOTIFY]

    @staticmethod
    def set_due(appeal: Appeal, wd: Workdays, start: datetime.date, days: int) -> None:
        """The deadline as the services store it: its basis and whether it lies in the provisional year."""
        appeal.due_at = wd.add(start, days)
        appeal.due_start, appeal.due_days = start, days
        appeal.due_provisional = calendar.snapshot().is_provisional(appeal.due_at)

    def handler_of(self, unit_id: int | None) -> int | None:
        officials = self.officials.get(unit_id) or []
        return self.rng.choice(officials) if officials else None

    def contact(self, appeal: Appeal, channel: str) -> None:
        rng = self.rng
        if channel in (Channel.WEB_PORTAL, Channel.SMS, Channel.HOTLINE, Channel.VISIT, Channel.LETTER):
            phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
            appeal.contact_phone, appeal.contact_phone_index = phone, blind_index(phone)
            appeal.contact_name = rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(
                ["先生", "女士", "经理", "会计"]
            )
        elif channel == Channel.WECHAT:
            appeal.external_user_id = f"o{hashlib.sha256(f'{rng.random()}'.encode()).hexdigest()[:27]}"

    def make(self) -> tuple[Appeal, list[tuple], list[tuple]]:
        """One appeal in its state on ``as_of``, plus its ratings and escalations (as tuples)."""
        rng, wd, as_of = self.rng, self.workdays, self.as_of
        # More recent days carry a little more (the service is growing).
        received_on = FIRST_DAY + datetime.timedelta(days=int(self.days * (rng.random() ** 0.85)))
        received_on = min(received_on, as_of)
        received_at = self.at(received_on)
        channel = self.channel()
        category = self.category()
        topic_index = rng.randrange(len(TOPICS))
        # In the last two weeks, more than half of the appeals are about the demo accounts' units'
        # topics (taken in turn) and still being worked on there on the day the demo is loaded.
        in_hand = bool(self.staff_topics) and (as_of - received_on).days <= 14 and rng.random() < 0.6
        if in_hand:
            topic_index = self.staff_topics[self.staff_turn % len(self.staff_topics)]
            self.staff_turn += 1
        topic, _code, text = TOPICS[topic_index]
        enterprise_id, enterprise_name = rng.choice(self.enterprises) if self.enterprises else (None, "")
        if channel in (Channel.HOTLINE, Channel.SMS, Channel.WECHAT) and rng.random() < 0.3:
            enterprise_id, enterprise_name = None, ""
        place = rng.choice(PLACES)
        title = f"关于{topic}的{'咨询' if category == Category.CONSULTATION else '诉求'}"
        content = f"{enterprise_name or '我单位'}（{place}{rng.randint(1, 999)}号）：{text}"
        appeal = Appeal(
            tracking_number=self.tracking_number(received_on), channel=channel, enterprise_id=enterprise_id,
            title=title, content=content,
            content_fingerprint=hashlib.sha256(normalise_text(title + content).encode()).hexdigest(),
            category=category, received_at=received_at, stage_started_on=received_on,
        )
        self.contact(appeal, channel)
        ratings: list[tuple] = []
        escalations: list[tuple] = []

        # Acknowledge/triage within the acknowledgement limit (a few late).
        triage_delay = 0 if rng.random() < 0.6 else (1 if rng.random() < 0.95 else rng.randint(2, 4))
        triaged_on = wd.add(received_on, triage_delay)
        if triaged_on > as_of:
            appeal.status = Status.RECEIVED
            self.set_due(appeal, wd, received_on, self.limits[LimitKey.ACKNOWLEDGE])
            self._sweep_marks(appeal, received_on)
            return appeal, ratings, escalations
        roll = rng.random()
        track = Track.RESOLVE if roll < 0.85 else (Track.ESCALATE if roll < 0.93 else Track.DECLINE)
        if category == Category.NOT_OURS:
            track = Track.ESCALATE if rng.random() < 0.5 else Track.DECLINE
        complexity = Complexity.COMPLEX if rng.random() < 0.3 else Complexity.SIMPLE
        appeal.track, appeal.complexity = track, complexity
        # The unit that handles the topic (issue 20: a random unit gave answers unrelated to the
        # question); any unit only where the district has no unit for it.
        unit_id = self.unit_for_topic[topic_index] or rng.choice(self.units)
        limit = self.limit_for(track, complexity)
        self.set_due(appeal, wd, received_on, limit)
        appeal.status = Status.TRIAGED
        start = received_on
        for round_number in (1, 2):
            appeal.round = round_number
            assigned_on = wd.add(triaged_on, 0 if rng.random() < 0.7 else 1)
            if assigned_on > as_of:
                break
            appeal.handling_unit_id, appeal.assigned_on, appeal.status = unit_id, assigned_on, Status.ASSIGNED
            started_on = wd.add(assigned_on, 1)
            if started_on <= as_of:
                appeal.handler_id, appeal.status = self.handler_of(unit_id), Status.IN_PROGRESS
            # Working days to finish: most on time, about one in ten late, a few stuck for months.
            roll = rng.random()
            if roll < 0.90:
                needed = rng.randint(1, limit)
            elif roll < 0.993:
                needed = limit + rng.randint(1, 25)
            else:
                needed = limit + rng.randint(26, 300)
            finished_on = max(wd.add(start, needed), started_on)
            if in_hand and round_number == 1:  # work in hand: not finished yet
                finished_on = max(finished_on, as_of + datetime.timedelta(days=1))
            if finished_on > as_of:
                break
            finished_at = self.at(finished_on)
            if track == Track.ESCALATE:
                escalation = [rng.choice(AUTHORITIES), finished_on, "", None]
                escalations.append(escalation)
                appeal.status, appeal.due_at, appeal.urged_on, appeal.due_flagged_on = (
                    Status.ESCALATED,
                    None,
                    None,
                    None,
                )
                answered_on = finished_on + datetime.timedelta(days=rng.randint(5, 60))
                if answered_on > as_of:
                    return appeal, ratings, escalations
                answer = f"{escalation[0]}答复：已受理，将按程序办理。"
                escalation[2], escalation[3] = answer, self.at(answered_on)
                appeal.reply, appeal.replied_at = answer, escalation[3]
            elif track == Track.DECLINE:
                appeal.decline_reason = "该事项不属于本级政府职权范围，且已超过法定申请期限。"
                appeal.decline_basis = rng.choice(DECLINE_BASES)
                appeal.reply, appeal.replied_at = appeal.decline_reason, finished_at
            else:
                appeal.reply, appeal.replied_at = (
                    rng.choice(TOPIC_REPLIES.get(topic) or REPLY_TEXTS),
                    finished_at,
                )
            appeal.status = Status.REPLIED
            rated_on = appeal.replied_at.date() + datetime.timedelta(days=rng.randint(0, 6))
            if rng.random() > 0.8 or rated_on > as_of:
                return appeal, ratings, escalations
            satisfaction = (
                self.satisfaction()
                if round_number == 1
                else rng.choice([Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED])
            )
            ratings.append((round_number, satisfaction, self.at(rated_on, 9)))
            if satisfaction != Satisfaction.UNSATISFIED:
                appeal.status = Status.RATED
                closed_on = rated_on + datetime.timedelta(days=rng.randint(1, 7))
                if closed_on <= as_of and rng.random() < 0.85:
                    appeal.status, appeal.closed_at = Status.CLOSED, self.at(closed_on, 9)
                return appeal, ratings, escalations
            # 不满意: reopened for a second round from the rating day.
            start = triaged_on = rated_on
            appeal.level = Level.UNIT
            self.set_due(appeal, wd, rated_on, limit)
            appeal.urged_on = appeal.due_flagged_on = appeal.supervised_on = None
            appeal.reply, appeal.replied_at = "", None
            appeal.status = (
                Status.IN_PROGRESS
                if appeal.handler_id
                else (Status.ASSIGNED if appeal.handling_unit_id else Status.TRIAGED)
            )
        self._sweep_marks(appeal, start)
        return appeal, ratings, escalations

    def _sweep_marks(self, appeal: Appeal, stage_start: datetime.date) -> None:
        """What the daily sweep would have recorded on an open appeal up to ``as_of``."""
        due, as_of = appeal.due_at, self.as_of
        if due is None:
            return
        urged = max(self.workdays.previous(due), stage_start)
        if urged <= as_of and urged < due:
            appeal.urged_on = urged
        if due <= as_of:
            appeal.due_flagged_on = due
        if due < as_of:
            moved_on = due + datetime.timedelta(days=1)
            if appeal.round >= 2:
                appeal.level, appeal.supervised_on = Level.DISTRICT_LEADER, moved_on
            else:
                appeal.level, appeal.supervised_on = Level.SUPERVISION, moved_on
            self.summary.open_overdue += 1

    def duplicate_of(self, original: Appeal) -> Appeal:
        """A repeated submission a few hours later, merged into ``original`` (article 6)."""
        received_at = original.received_at + datetime.timedelta(hours=self.rng.randint(1, 30))
        day = timezone.localdate(received_at)
        return Appeal(
            tracking_number=self.tracking_number(day),
            channel=original.channel,
            enterprise_id=original.enterprise_id,
            contact_name=original.contact_name,
            contact_phone=original.contact_phone,
            contact_phone_index=original.contact_phone_index,
            external_user_id=original.external_user_id,
            title=original.title,
            content=original.content,
            content_fingerprint=original.content_fingerprint,
            category=original.category,
            status=Status.MERGED,
            received_at=received_at,
            stage_started_on=day,
            merged_into_id=original.pk,
        )

    # batches ---------------------------------------------------------------------------------
    def insert(self, model, objects: list) -> None:
        """Insert with explicit primary keys through one ``executemany``.

        ``bulk_create`` spends most of its time compiling SQL per row; here only the fields
        that need a database conversion (dates, times, encrypted text) go through
        ``get_db_prep_save``. The generator is the only writer while it runs (a demo
        database), so it takes the next keys itself; ``reset_sequences`` moves the
        database's own sequence past them at the end.
        """
        if not objects:
            return
        fields = model._meta.concrete_fields
        plain = (
            models.CharField,
            models.TextField,
            models.IntegerField,
            models.ForeignKey,
            models.BooleanField,
        )
        convert = [(not isinstance(f, plain) or isinstance(f, EncryptedTextField)) for f in fields]
        start = (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        rows = []
        for offset, obj in enumerate(objects):
            obj.pk = start + offset
            row = []
            for model_field, needs in zip(fields, convert, strict=True):
                value = getattr(obj, model_field.attname)
                row.append(
                    model_field.get_db_prep_save(value, connection) if needs and value is not None else value
                )
            rows.append(row)
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (model metadata)
            f"({', '.join(quote(f.column) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        with connection.cursor() as cursor:
            for chunk in range(0, len(rows), 2000):
                cursor.executemany(sql, rows[chunk:chunk + 2000])
        self.inserted_models.add(model)

    def save(self, model, objects: list, action: str) -> None:
        if not objects:
            return
        self.insert(model, objects)
        audit.record_bulk_events(
            actor=ACTOR, action=action, model=model, pks=[o.pk for o in objects], details={"source": "demo"}
        )

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.inserted_models))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

    def write_batch(self, size: int) -> None:
        """``size`` appeals: about 2% of them merged duplicates of the others."""
        duplicate_count = size // 51
        made = [self.make() for _ in range(size - duplicate_count)]
        appeals = [appeal for appeal, _ratings, _escalations in made]
        with transaction.atomic():
            self.save(Appeal, appeals, "appeals.appeal.create")
            duplicates = [self.duplicate_of(appeal) for appeal in self.rng.sample(appeals, duplicate_count)]
            self.save(Appeal, duplicates, "appeals.appeal.create")
            ratings = [
                Rating(appeal_id=appeal.pk, round=round_number, satisfaction=satisfaction, created_at=at)
                for appeal, appeal_ratings, _escalations in made
                for round_number, satisfaction, at in appeal_ratings
            ]
            self.save(Rating, ratings, "appeals.rating.create")
            escalations = [
                Escalation(
                    appeal_id=appeal.pk,
                    authority=authority,
                    reported_on=reported_on,
                    answer=answer,
                    answer_relayed_at=relayed_at,
                )
                for appeal, _ratings, appeal_escalations in made
                for authority, reported_on, answer, relayed_at in appeal_escalations
            ]
            self.save(Escalation, escalations, "appeals.escalation.create")
            # The timeline's first line (an audited record: one event per step).
            self.save(
                AppealStep,
                # The actor shown is the channel it came through, as for a real filing; "demo-appeals"
                # (the loader) stays in the audit log, not on the enterprise's timeline.
                [
                    AppealStep(
                        appeal_id=appeal.pk,
                        kind="received",
                        actor_label=str(Channel(appeal.channel).label),
                        text=self.step_texts[appeal.channel],
                        at=appeal.received_at,
                    )
                    for appeal in appeals + duplicates
                ],
                "appeals.step.add",
            )
        summary = self.summary
        summary.count += len(appeals) + len(duplicates)
        summary.merged += len(duplicates)
        summary.ratings += len(ratings)
        summary.escalations += len(escalations)
        for appeal in appeals + duplicates:
            summary.by_status[appeal.status] = summary.by_status.get(appeal.status, 0) + 1

    def save_counters(self) -> None:
        """Continue the per-day tracking-number counters after the generated numbers (not audited)."""
        numbering.raise_to(TRACKING_NUMBERS, self.counters)

    def run(self) -> AppealsDemoSummary:
        started = time.monotonic()
        while self.summary.count < self.count:
            self.write_batch(min(BATCH_SIZE, self.count - self.summary.count))
            if self.summary.count % 100_000 < BATCH_SIZE or self.summary.count == self.count:
                self.say(f"  {self.summary.count} appeals in {time.monotonic() - started:.0f} s")
        self.save_counters()
        self.reset_sequences()
        self.summary.seconds = time.monotonic() - started
        return self.summary


def refresh_planner_statistics() -> None:
    """ANALYZE after a bulk load: without fresh statistics PostgreSQL picks poor plans for
    the duplicate check and the queues (3 ms instead of 0.1 ms per filing, measured)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def generate_appeals(*, count: int, seed: int | None = None, as_of: datetime.date | None = None,
                     say: Callable[[str], None] | None = None) -> AppealsDemoSummary:
    """Generate exactly ``count`` demo appeals (about 2% of them merged duplicates) in their state on ``as_of``."""  # noqa: E501
    if count < 1:
        raise ValueError("count must be at least 1")
    if not Unit.objects.filter(code=ROOT_CODE).exists():
        raise ServiceError(_("Load the demo district first (./qinqing demo --scale N)."), code="demo_missing")
    as_of = as_of or clock.today()
    snapshot = calendar.snapshot()  # a loaded year or the provisional one (core.calendar)
    missing = [year for year in range(FIRST_DAY.year, as_of.year + 1) if not snapshot.covers(year)]
    if missing:
        raise ServiceError(
            _("Load the working-day calendar first (./qinqing workdays seed)."), code="calendar_missing"
        )
    summary = _Generator(count=count, seed=seed, as_of=as_of, say=say or (lambda text: None)).run()
    refresh_planner_statistics()
    return summary
