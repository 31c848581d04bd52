"""Demo reviews in the demo district: a tender with findings being decided; a policy draft signed off
"passed after changes" over a clause the rules did not flag, which the reviewer recorded."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from qinqing.core.errors import ServiceError

from . import services
from .models import Decision, Review

TENDER = """第一章 招标公告
一、项目名称：示范区政务服务中心物业管理服务采购项目
第二章 投标人须知
一、投标人资格要求
1.具有独立承担民事责任的能力；
2.具有良好的商业信誉和健全的财务会计制度；
3.有依法缴纳税收和社会保障资金的良好记录；
4.参加政府采购活动前三年内，在经营活动中没有重大违法记录；
5.投标人注册资本不低于1000万元；
6.投标人须在本区设有分公司或办事处；
7.投标人须为已纳入本区物业服务企业备选库的企业。
第三章 评分标准
（一）商务部分
1.投标人具有本市范围内同类项目业绩的，每个得2分，最高6分；
2.投标人具有AAA级信用等级证书的得2分；
3.投标人近三年具有类似项目业绩的，每个得1分，最高3分。
（二）技术部分
1.物业服务方案完整、合理、可行的得10分。"""

POLICY = """第一条 为促进示范区中小企业发展，制定本办法。
第二条 本办法适用于在本区依法登记的各类所有制企业，符合条件的均可申报。
第三条 对符合条件的中小企业，按规定给予贷款贴息，不限所有制。
第四条 扶持资金的申报条件、标准和程序向社会公开。
第五条 入驻示范区创业孵化基地的企业可直接申报；其他企业须经区政府认定后方可申报。"""
MISSED = "第五条 入驻示范区创业孵化基地的企业可直接申报；其他企业须经区政府认定后方可申报。"


def generate() -> list[str]:
    if Review.objects.exists():
        raise ServiceError("The fairness demo is already loaded (reviews exist).", code="demo_loaded")
    handler = get_user_model().objects.filter(username="handler").first()
    if handler is None:
        raise ServiceError("Create the demo accounts first (./qinqing serve).", code="no_accounts")
    tender = services.review_create(
        actor=handler,
        title="示范区政务服务中心物业管理服务采购项目招标文件",
        document_kind="procurement",
        text=TENDER,
    )
    findings = list(tender.findings.order_by("position"))
    if findings:
        services.finding_decide(actor=handler, finding=findings[0], decision=Decision.CONFIRMED)
    policy = services.review_create(
        actor=handler,
        title="示范区促进中小企业发展扶持办法（征求意见稿）",
        document_kind="policy",
        text=POLICY,
    )
    for finding in policy.findings.filter(decision=Decision.PENDING):
        services.finding_decide(actor=handler, finding=finding, decision=Decision.CONFIRMED)
    services.finding_add(
        actor=handler,
        review=policy,
        clause=MISSED,
        kind="location",
        severity="high",
        note="以入驻本区孵化基地区分申报条件，区外企业须另经认定，构成对外地经营者的差别待遇",
        suggestion="删除入驻孵化基地的条件，各类经营者按同一条件申报",
    )
    services.review_conclude(
        actor=handler,
        review=policy,
        conclusion="pass_after_changes",
        note="第五条以入驻本区孵化基地区分申报条件，删除后可以出台。",
    )
    return [
        f"fairness: {tender.number} with {len(findings)} findings (one confirmed), "
        f"{policy.number} signed off as passed after changes (one clause added by the reviewer)"
    ]
