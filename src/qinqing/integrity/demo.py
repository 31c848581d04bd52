"""The integrity demo: listings (in force, expired, not yet started, revoked, removed early),
pending objections and credit-repair applications, records of every kind, over the demo district,
so that the ``credit`` account has real work. Every write goes through the services."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from qinqing.core import clock
from qinqing.core.audit import SystemActor
from qinqing.core.errors import ServiceError
from qinqing.directory import services as directory_services
from qinqing.directory.models import Enterprise, EnterpriseMembership

from . import services
from .models import ExternalList, Listing

GROUNDS = {
    "corrupting_officials": [
        "多次以节日慰问名义向区住建局工作人员赠送购物卡",
        "安排公职人员出入私人会所并支付消费",
        "以咨询费名义向审批人员亲属输送利益",
    ],
    "not_clean": ["在政府采购项目中串通投标", "违反廉洁承诺宴请公职人员", "虚构材料骗取财政补助"],
    "dishonest": [
        "被人民法院列为失信被执行人且拒不履行",
        "重大税收违法失信案件当事人",
        "政府采购严重违法失信行为记录",
    ],
}
SETS = [
    ("procurement", "public_resource_trading", "construction_bidding"),
    ("fiscal_subsidy", "loan"),
    ("honour", "political_arrangement", "association_office"),
    ("procurement", "fiscal_subsidy", "honour"),
    ("social_organization_registration",),
]


@dataclass
class Summary:
    listings: int = 0
    in_force: int = 0
    expired: int = 0
    pending_applications: int = 0
    records: int = 0

    def lines(self) -> list[str]:
        return [f"integrity: {self.listings} listings ({self.in_force} in force, {self.expired} expired), "
                f"{self.pending_applications} applications to decide, {self.records} records"]


def generate(*, seed: int | None = 21, say: Callable[[str], None] | None = None) -> Summary:
    if Listing.objects.exists():
        raise ServiceError("The integrity demo is already loaded (listings exist).", code="demo_loaded")
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    today = clock.today()
    credit = get_user_model().objects.filter(username="credit").first()
    actor = credit or SystemActor("demo-loader")
    own = set(EnterpriseMembership.objects.values_list("enterprise_id", flat=True))
    enterprises = list(
        Enterprise.objects.exclude(pk__in=own).select_related("legal_representative").order_by("pk")[:400]
    )
    if len(enterprises) < 40:
        raise ServiceError("Generate the demo district first (./qinqing demo).", code="no_district")
    rng.shuffle(enterprises)
    summary = Summary()
    years = datetime.timedelta(days=365)

    def listing(enterprise, *, start, end, kind=None, person=False, decided=None, **extra):
        kind = kind or rng.choice(list(GROUNDS))
        party = {"person": enterprise.legal_representative} if person else {"enterprise": enterprise}
        row = services.listing_decide(
            **party,
            kind=kind,
            grounds=rng.choice(GROUNDS[kind]),
            evidence="调查报告、询问笔录、转账凭证",
            restrictions=[(a, start, end) for a in rng.choice(SETS)],
            decided_on=decided or start,
            decider_name="区社会信用体系建设领导小组办公室",
            actor=actor,
            **extra,
        )
        summary.listings += 1
        return row

    picks = iter(enterprises[:30])
    # In force, decided over the last two years.
    for _ in range(14):
        start = today - datetime.timedelta(days=rng.randint(20, 700))
        listing(next(picks), start=start, end=start + 3 * years)
        summary.in_force += 1
    # Heads listed: their enterprises are ineligible too.
    heads = [e for e in enterprises[30:] if e.legal_representative_id][:3]
    # One head reachable by SMS: the notice goes through the appeals outbox.
    for number, enterprise in enumerate(heads[:1], start=1):
        if not enterprise.legal_representative.phone:
            enterprise.legal_representative = directory_services.person_update(
                person=enterprise.legal_representative, phone=f"1390000{number:04d}", actor=actor
            )
    for enterprise in heads:
        start = today - datetime.timedelta(days=rng.randint(30, 300))
        listing(enterprise, start=start, end=start + 2 * years, person=True)
        summary.in_force += 1
    # Expired by the clock: ended before today, no job needed.
    for _ in range(6):
        start = today - datetime.timedelta(days=rng.randint(1200, 1500))
        listing(next(picks), start=start, end=start + 3 * years)
        summary.expired += 1
    # Decided this week: starting tomorrow, objection pending.
    recent = listing(
        next(picks),
        start=today + datetime.timedelta(days=1),
        end=today + 3 * years,
        decided=today - datetime.timedelta(days=2),
    )
    services.application_file(
        listing=recent,
        kind="objection",
        text="企业认为所涉宴请系正常商务接待，申请复核并提交情况说明。",
        actor=actor,
    )
    summary.pending_applications += 1
    # A repair application after the minimum period, to decide.
    older = listing(next(picks), start=today - 2 * years, end=today + years)
    services.application_file(
        listing=older,
        kind="repair",
        text="已完成整改并参加信用修复培训，申请提前移出。",
        evidence="整改报告、培训证明",
        actor=actor,
    )
    summary.pending_applications += 1
    summary.in_force += 1
    # Decided already: one objection upheld (revoked), one credit repair granted (removed).
    revoked = listing(next(picks), start=today - datetime.timedelta(days=10), end=today + 2 * years,
                      decided=today - datetime.timedelta(days=10))
    services.application_grant(
        application=services.application_file(
            listing=revoked, kind="objection", text="认定事实有误", actor=actor
        ),
        reason="经复核，宴请费用由公职人员个人承担，证据不足，撤销列入决定。",
        actor=actor,
    )
    removed = listing(next(picks), start=today - 2 * years, end=today + years)
    services.application_grant(
        application=services.application_file(
            listing=removed, kind="repair", text="已完成信用修复", actor=actor
        ),
        reason="整改到位，满足提前移出条件。",
        actor=actor,
    )
    # Records of every kind over more enterprises.
    kinds = [
        ("honour", "区级诚信示范企业", "区工商联"),
        ("clean_record", "廉洁记录证明", "区纪委监委"),
        ("pledge_kept", "年度廉洁承诺履行良好", "区工商联"),
        ("pledge_broken", "违反廉洁承诺：工作日午间宴请", "区纪委监委"),
        ("requirement_breach", "违反“六要求”第三项", "区纪委监委"),
        ("bribery_conviction", "单位行贿罪判决", "区人民法院"),
    ]
    pool = enterprises[33:]
    for enterprise in pool[:60]:
        kind, title, source = rng.choice(kinds)
        services.record_add(
            enterprise=enterprise,
            kind=kind,
            title=title,
            source=source,
            evidence="相关文书存档",
            occurred_on=today - datetime.timedelta(days=rng.randint(10, 900)),
            actor=actor,
        )
        summary.records += 1
    for enterprise, external in zip(
        pool[60:72] or pool[:12], [v for v in ExternalList.values if v] * 4, strict=False
    ):
        services.record_add(
            enterprise=enterprise,
            kind="external_list",
            external_list=external,
            title=ExternalList(external).label,
            source="信用中国（导入）",
            occurred_on=today - datetime.timedelta(days=rng.randint(30, 600)),
            expires_on=today + datetime.timedelta(days=rng.randint(30, 700)),
            actor=actor,
        )
        summary.records += 1
    # The demo enterprise account's own record: an honour.
    for membership in EnterpriseMembership.objects.select_related("enterprise")[:1]:
        services.record_add(
            enterprise=membership.enterprise,
            kind="honour",
            title="守法诚信示范企业",
            source="区工商联",
            occurred_on=today - datetime.timedelta(days=120),
            actor=actor,
        )
        summary.records += 1
    if say:
        for line in summary.lines():
            say(line)
    return summary
