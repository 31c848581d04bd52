"""The commitments demo over the demo district (run ``demo`` first). The ``handler`` account's unit
registers commitments to the ``enterprise`` account's enterprise: one public and in progress with
milestones and its agreement as a public document, one past its deadline (overdue), one whose change the
``district`` leader approved, one fulfilled, one published to enterprises and one internal; the daily
deadline job runs once (its notices to the unit). A support-fund programme closing today has the
``enterprise`` account's application scored by the ``handler``, approved by the ``admin`` account and its
results published, so that the enterprise can print its decision letter (扶持决〔year〕NNNN号, unsealed
while objections are taken). Every write goes through the services (audited)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from qinqing.core import clock
from qinqing.directory.models import EnterpriseMembership, Official

from . import services
from .models import Commitment, Scope


def generate(*, say=None) -> dict:
    names = ["handler", "enterprise", "district", "admin"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    if len(users) < 4:
        raise RuntimeError("the demo accounts are missing: run ./qinqing serve (or create them) first")
    if Commitment.objects.exists():
        return {"commitments": Commitment.objects.count(), "skipped": True}
    handler, leader = users["handler"], users["district"]
    official = Official.objects.filter(user=handler, is_active=True).select_related("unit").first()
    membership = (
        EnterpriseMembership.objects.filter(user=users["enterprise"]).select_related("enterprise").first()
    )
    if official is None or membership is None:
        raise RuntimeError("the handler or enterprise account is not linked: run ./qinqing demo first")
    unit, firm = official.unit, membership.enterprise
    today = clock.today()

    def day(offset):
        return today + datetime.timedelta(days=offset)

    def register(**values):
        return services.commitment_register(enterprise=firm, unit=unit, actor=handler, **values)

    land = register(
        kind="investment",
        title="项目用地指标落实",
        content="在协议签订后六个月内完成项目用地供应和规划许可。",
        legal_basis="《招商引资项目投资协议》第五条",
        made_on=day(-120),
        deadline=day(60),
        documents="招商引资项目投资协议（示范投促〔2026〕12号）",
        scope=Scope.PUBLIC,
    )
    land = services.commitment_start(commitment=land, actor=handler)
    services.milestone_add(commitment=land, title="完成土地征收", due_on=day(-30), actor=handler)
    services.milestone_add(commitment=land, title="取得建设用地规划许可证", due_on=day(40), actor=handler)
    services.milestone_done(milestone=land.milestones.first(), actor=handler)
    services.commitment_progress(
        commitment=land, text="土地征收已完成，正在办理规划许可。", progress=60, actor=handler
    )
    from . import documents

    agreement = "招商引资项目投资协议（摘要）\n第五条 甲方在协议签订后六个月内完成项目用地供应。\n"
    documents.commitment_attach(
        commitment=land,
        uploads=[("投资协议摘要.txt", "text/plain", agreement.encode())],
        public=True,
        actor=handler,
    )
    subsidy = register(
        kind="policy",
        title="研发费用奖补兑现",
        content="按区政策对上年度研发投入给予百分之十奖补。",
        legal_basis="区促进科技创新若干措施第八条",
        made_on=day(-200),
        deadline=day(-20),
        scope=Scope.PUBLIC,
    )
    services.commitment_start(commitment=subsidy, actor=handler)
    power = register(
        kind="minutes",
        title="厂区双回路供电",
        content="协调供电公司完成厂区双回路供电改造。",
        legal_basis="区政府专题会议纪要〔2026〕7号",
        made_on=day(-90),
        deadline=day(10),
        scope=Scope.ENTERPRISES,
    )
    power = services.commitment_start(commitment=power, actor=handler)
    power = services.commitment_request_change(
        commitment=power, reason="供电公司设备到货延迟", new_deadline=day(70), actor=handler
    )
    services.commitment_decide_change(
        commitment=power, approve=True, text="分管副区长批示（2026年第15号）", actor=leader
    )
    rent = register(
        kind="contract",
        title="标准厂房租金减免",
        content="前三年租金减半。",
        made_on=day(-300),
        deadline=day(-100),
        documents="厂房租赁合同",
        scope=Scope.PUBLIC,
    )
    rent = services.commitment_start(commitment=rent, actor=handler)
    services.commitment_close(commitment=rent, fulfilled=True, outcome="已按合同减免租金。", actor=handler)
    register(
        kind="policy",
        title="人才公寓配租",
        content="为企业引进的高层次人才配租公寓十套。",
        made_on=day(-10),
        deadline=day(80),
    )
    from . import funds

    funds.programme_create(
        unit=unit,
        title="科技创新专项资金",
        rules="上年度研发投入五百万元以上的企业，按投入的百分之十给予补助。",
        budget="2000000",
        opens_on=day(-5),
        closes_on=day(25),
        objection_workdays=5,
        actor=handler,
    )
    funds.programme_create(  # article 20: project support, applicants checked for public resource trading
        unit=unit,
        support="project",
        title="区级重点技术改造项目扶持",
        rules="列入区级重点技术改造项目库的项目，按设备投资额的百分之八给予扶持，单个项目不超过二百万元。",
        budget="5000000",
        opens_on=day(-3),
        closes_on=day(40),
        objection_workdays=5,
        actor=handler,
    )
    decided = funds.programme_create(  # a round decided and published: the enterprise's decision letter
        unit=unit,
        title="中小企业数字化改造补助",
        rules="完成数字化改造并通过验收的中小企业，按改造投入的百分之二十给予补助，单户不超过五十万元。",
        budget="3000000",
        opens_on=day(-30),
        closes_on=today,
        objection_workdays=5,
        actor=handler,
    )
    application = funds.apply(
        programme=decided,
        enterprise=firm,
        amount="400000",
        description="2026年完成生产线数字化改造，投入二百一十万元，已通过区经信局验收。",
        actor=users["enterprise"],
    )
    funds.review_score(application=application, score=88, comment="验收材料齐全，投入真实。", actor=handler)
    funds.decide(
        application=application,
        approve=True,
        amount="380000",
        reason="评审得分88分；按核定投入一百九十万元的百分之二十给予补助。",
        actor=users["admin"],
    )
    funds.results_publish(programme=decided, actor=handler)
    found = services.deadline_alerts()
    if say:
        say(f"commitments: {Commitment.objects.count()} registered; {found}")
    return {"commitments": Commitment.objects.count()}
