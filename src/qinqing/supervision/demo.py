"""Demo reports for the inspector account (``./qinqing supervision_demo``, a step of serve's demo load).

Every write goes through the services (sealed, audited). The receipt codes of the demo's anonymous
reports are printed once, like a real filing, so the status page can be tried.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model

from qinqing.core.audit import SystemActor

from . import services
from .models import Report

ACTOR = SystemActor("supervision demo")

REPORTS = [
    # (category, real name, text, disposal path)
    (
        "collusion",
        True,
        "区自然资源局某副局长的亲属入股参与竞买的房地产公司，该公司多次在土地出让中低价中标。",
        "case",
    ),
    ("inaction", True, "我公司申请的技改补贴材料齐全，区经信局经办人三个月不受理也不说明理由。", "verifying"),
    ("extortion", False, "办理施工许可时，窗口工作人员暗示要请吃饭才能加快审批。", "received"),
    ("obstruction", False, "消防验收反复要求补充与规定无关的材料，明显故意刁难。", "accepted"),
    ("indifference", True, "向街道反映园区道路积水问题半年，无人回应。", "concluded"),
    ("other", False, "希望了解企业如何参加区里的政企座谈会。", "declined"),
]


def generate(*, seed: int = 17, say=None) -> dict:
    rng = random.Random(seed)  # noqa: S311 (demo data)
    users = get_user_model().objects
    inspector = users.filter(username="inspector").first()
    if inspector is None:
        raise services.ServiceError("The demo accounts are missing: run ./qinqing demo first.")
    from .duties import demo as duties_demo

    duties = duties_demo.generate()["duty_lists"]  # article 16: the organs' main-responsibility lists
    if Report.objects.filter(channel__in=["web", "letter"]).exists():
        return {"reports": 0, "duty_lists": duties}
    from qinqing.directory.models import Official, Unit

    units = list(Unit.objects.order_by("pk")[:20])
    officials = list(Official.objects.exclude(user=inspector).filter(is_active=True).order_by("pk")[:50])
    codes = []
    for category, real_name, text, path in REPORTS:
        report, code = services.report_submit(
            text=text,
            category=category,
            real_name=real_name,
            reporter_name="陈先生" if real_name else "",
            reporter_contact="13800000000" if real_name else "",
            unit=rng.choice(units) if units else None,
            channel="web" if not real_name else rng.choice(["web", "letter", "phone"]),
            rate_limited=False,
            actor=ACTOR,
        )
        codes.append((report.number, code))
        if path == "received":
            continue
        services.assign(report=report, inspector=inspector, actor=inspector)
        if path == "declined":
            services.report_decline(
                report=report,
                reason="不属于纪检监察机关受理范围，已告知向区政务服务热线反映",
                actor=inspector,
            )
            continue
        services.report_accept(report=report, actor=inspector)
        if path == "accepted":
            services.message_send(
                report=report, kind="question", body="请补充验收申请的日期和窗口编号。", actor=inspector
            )
            continue
        services.report_dispose(report=report, disposal="preliminary", actor=inspector)
        if path == "verifying":
            continue
        services.report_conclude(
            report=report,
            finding="substantiated",
            conclusion="经初步核实，反映问题基本属实。",
            actor=inspector,
        )
        if path == "concluded":
            continue
        for official in rng.sample(officials, min(5, len(officials))):
            try:
                services.link_subject(report=report, official=official, actor=inspector)
                break
            except services.ServiceError:  # the conflict gate refused this one for the inspector
                continue
        services.report_open_case(report=report, actor=inspector)
        services.outcome_record(
            report=report, form="2", measure="党内警告处分", behaviours=["18.4"], actor=inspector
        )
        services.report_close_case(report=report, actor=inspector)
        services.report_send_result(
            report=report, text="经查属实，已依规依纪处理。感谢您的监督。", actor=inspector
        )
    if officials:
        services.reminder_create(
            official=officials[0], concern="与管理服务对象企业负责人多次非工作场合接触", actor=inspector
        )
    services.leads_take_over()
    if say:
        for number, code in codes:
            say(f"{number}: receipt code {code}")
    return {"reports": len(codes), "duty_lists": duties}
