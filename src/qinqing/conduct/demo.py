"""The conduct module's demo (issue 20: demo data like a real district's): what the demo official
(张伟) has filed and what their supervising leader (刘洋) and the discipline office find waiting.

- three requests for written approval awaiting the leader (article 14): a work meal within the
  standard, a business event whose cost is near the limit (a warning), an organiser's dinner over
  the standard with alcohol in working hours (violations) — so the approvals list shows each
  finding's rule and severity, violations first;
- one approved earlier, with its numbered approval letter;
- a gift received and handed in, with the discipline office's numbered receipt, and one not yet
  handed in (article 15 item 1).

Every write goes through the services (audited) as the demo account concerned. Run after the demo
district and the demo accounts (``./qinqing serve`` does); a second run adds nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model

from qinqing.core import calendar, clock
from qinqing.core.errors import ServiceError
from qinqing.directory.models import Enterprise, Official

from . import services
from .models import ActivityRequest, GiftRecord, Situation


def _workday(start: datetime.date, days: int) -> datetime.date:
    return calendar.add_workdays(start, days)


def generate(*, say: Callable[[str], None] | None = None) -> dict[str, int]:
    say = say or (lambda _text: None)
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=("official", "leader", "inspector"))}
    if set(users) != {"official", "leader", "inspector"}:
        raise ServiceError("Load the demo accounts first (./qinqing serve).", code="no_demo_accounts")
    official = Official.objects.filter(user=users["official"]).select_related("person").first()
    if official is None:
        raise ServiceError("Load the demo district first (./qinqing demo).", code="no_demo_district")
    if ActivityRequest.objects.filter(official=official).exists():
        say("conduct demo: already loaded")
        return {"activities": 0, "gifts": 0}
    enterprises = list(Enterprise.objects.filter(is_active=True).order_by("pk")[:3])
    if len(enterprises) < 3:
        raise ServiceError("The demo district has too few enterprises.", code="no_demo_district")
    today = clock.today()
    common = {"official": official, "actor": users["official"], "no_lottery_confirmed": True,
              "no_unrelated_activities_confirmed": True}
    approved = services.activity_submit(
        situation=Situation.WORK_MEAL, enterprises=[enterprises[0]], event_date=_workday(today, 2),
        start_time=datetime.time(12, 0), end_time=datetime.time(13, 0), place="区政务服务中心职工食堂",
        purpose="听取企业关于厂房消防验收进度的意见，协调区住建局现场踏勘时间。",
        participants="张伟（区发改局）、企业负责人及项目经理", participant_count=4,
        people_involved="企业负责人、项目经理", cost_per_head=Decimal("30.00"), **common,
    )
    services.activity_decide(activity=approved, approve=True, reason="符合第十四条第（一）项，同意。",
                             actor=users["leader"])
    services.activity_submit(
        situation=Situation.WORK_MEAL, enterprises=[enterprises[1]], event_date=_workday(today, 4),
        start_time=datetime.time(12, 0), end_time=datetime.time(13, 0), place="区发改局二楼会议室",
        purpose="研究企业用地指标调整申请，听取企业诉求。", participants="张伟、企业总经理、财务负责人",
        participant_count=3, people_involved="总经理、财务负责人", cost_per_head=Decimal("25.00"), **common,
    )
    services.activity_submit(
        situation=Situation.PUBLIC_EVENT, enterprises=[enterprises[2]], event_date=_workday(today, 6),
        start_time=datetime.time(9, 0), end_time=datetime.time(11, 30), place="区会展中心",
        purpose="出席区商会年度产业推介会，介绍营商环境政策。", participants="张伟及商会会员企业代表",
        participant_count=60, cost_per_head=Decimal("110.00"), **common,
    )
    services.activity_submit(
        situation=Situation.ORGANISER_DINNER, enterprises=[enterprises[0], enterprises[2]],
        event_date=_workday(today, 8), start_time=datetime.time(12, 0), end_time=datetime.time(14, 0),
        place="区内某酒店", purpose="企业座谈会后由主办方安排的工作餐。", participants="张伟、两家企业负责人",
        participant_count=8, people_involved="两家企业负责人", cost_per_head=Decimal("260.00"),
        alcohol_served=True, **common,
    )
    handed_in = services.gift_record(
        official=official, direction="received", kind="gift", value=Decimal("680.00"),
        occurred_on=today - datetime.timedelta(days=3), disposition="pending", actor=users["official"],
        giver_enterprise=enterprises[1], description="茶叶两盒",
    )
    services.gift_hand_in(gift=handed_in, actor=users["inspector"])
    services.gift_record(
        official=official, direction="received", kind="prepaid_card", value=Decimal("500.00"),
        occurred_on=today - datetime.timedelta(days=1), disposition="pending", actor=users["official"],
        giver_name="某企业业务员", description="超市购物卡一张",
    )
    counts = {"activities": 4, "gifts": GiftRecord.objects.filter(official=official).count()}
    say(f"conduct demo: {counts['activities']} approval requests (1 approved), {counts['gifts']} gifts")
    return counts
