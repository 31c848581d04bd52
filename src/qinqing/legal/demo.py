"""The legal-environment demo over the demo district (run ``demo`` first). The ``handler`` account's unit
registers, about the ``enterprise`` account's enterprise: a fine without a legal basis, three inspections
within the default period (the third flagged), a sealing past its term; the enterprise objects to the fine;
a lawsuit it brought with a judgment obligation past its deadline (the daily job records it) and a charge
after it sued (flagged as possible retaliation); a protection request waiting to be taken on. The district's
court (示范区人民法院, a directory unit of organ type court, added here under the district's root unit so the
generated district keeps its random stream) gets the ``judicial`` account (Role.ENFORCEMENT_BODY): it tries
the lawsuit (its record of the evidence requests) and registered a preservation freeze of its own. Every
write goes through the services (audited)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from qinqing.core import clock
from qinqing.directory.models import EnterpriseMembership, Official, OrganType, Rank, Unit

from . import services
from .models import Action

COURT_CODE = "FY"
COURT_NAME = "示范区人民法院"


def _court(judicial) -> Unit | None:
    """The demo court and its account's official (created once, through the directory's services)."""
    from qinqing.core import audit
    from qinqing.directory import services as directory

    if judicial is None:
        return None
    actor = audit.SystemActor("demo-loader")
    court = Unit.objects.filter(code=COURT_CODE).first()
    if court is None:
        court = directory.unit_create(
            code=COURT_CODE,
            name=COURT_NAME,
            organ_type=OrganType.COURT,
            parent=Unit.objects.filter(parent__isnull=True).order_by("pk").first(),
            actor=actor,
        )
    if not Official.objects.filter(user=judicial).exists():
        person = directory.person_create(name=judicial.first_name or "马骏", actor=actor)
        directory.official_create(
            person=person, unit=court, position="执行局法官", rank=Rank.SECTION, user=judicial, actor=actor
        )
    return court


PROCURATORATE_CODE = "JCY"
PROCURATOR_USERNAME = "procurator"  # a demo login (core.demo.DEMO_ACCOUNTS); made here if missing


def _recommendations(unit, sealing, ago) -> None:
    """The district's procuratorate (a directory unit of organ type procuratorate; the demo login
    ``procurator`` is its prosecutor) recommends the handler's unit lift the sealing past its term
    (urgent: an answer within fifteen days, not given, so flagged) and standardise its inspections
    (answered)."""
    from qinqing.core import audit
    from qinqing.core.roles import Role
    from qinqing.core.services import user_create
    from qinqing.directory import services as directory

    actor = audit.SystemActor("demo-loader")
    procuratorate = Unit.objects.filter(code=PROCURATORATE_CODE).first() or directory.unit_create(
        code=PROCURATORATE_CODE, name="示范区人民检察院", organ_type=OrganType.PROCURATORATE,
        parent=Unit.objects.filter(parent__isnull=True).order_by("pk").first(), actor=actor,
    )
    procurator = get_user_model().objects.filter(username=PROCURATOR_USERNAME).first()
    if procurator is None:
        procurator = user_create(username=PROCURATOR_USERNAME, password=None, roles=[Role.ENFORCEMENT_BODY],
                                 actor=actor, full_name="周检察官")
    if not Official.objects.filter(user=procurator).exists():
        directory.official_create(person=directory.person_create(name=procurator.first_name or "周检察官",
                                                                 actor=actor),
                                  unit=procuratorate, position="检察官", rank=Rank.SECTION, user=procurator,
                                  actor=actor)
    services.recommendation_issue(
        unit=unit, number="示检行建〔2026〕3号", action=sealing, issued_on=ago(25), reply_due=ago(10),
        actor=procurator,
        content="你局对企业仓库的查封已超过期限未解除，建议依照《中华人民共和国行政强制法》第二十七条及时解除查封，并书面回复。",
    )
    answered = services.recommendation_issue(
        unit=unit, number="示检行建〔2026〕5号", issued_on=ago(40), actor=procurator,
        content="你局对同一企业短期内多次检查，建议落实“双随机、一公开”要求，合理确定检查频次。",
    )
    services.recommendation_answer(
        recommendation=answered, reply="已修订年度检查计划，同一企业年度内同类检查不超过两次。",
        actor=get_user_model().objects.get(username="handler"),
    )


def generate(*, say=None) -> dict:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["handler", "enterprise", "judicial"])
    }
    if len(users) < 2:
        raise RuntimeError("the demo accounts are missing: run ./qinqing serve (or create them) first")
    if Action.objects.exists():
        return {"actions": Action.objects.count(), "skipped": True}
    handler, firm_user, judicial = users["handler"], users["enterprise"], users.get("judicial")
    official = Official.objects.filter(user=handler, is_active=True).select_related("unit").first()
    membership = EnterpriseMembership.objects.filter(user=firm_user).select_related("enterprise").first()
    if official is None or membership is None:
        raise RuntimeError("the handler or enterprise account is not linked: run ./qinqing demo first")
    unit, firm = official.unit, membership.enterprise
    today = clock.today()

    def ago(days):
        return today - datetime.timedelta(days=days)

    def register(**values):
        return services.action_register(enterprise=firm, unit=unit, actor=handler, **values)

    fine = register(
        kind="charge",
        subtype="fine",
        started_on=ago(40),
        amount="8000",
        details="现场检查发现消防通道堆放杂物",
    )
    for days in (70, 35, 10):
        register(
            kind="inspection",
            subtype="inspection",
            started_on=ago(days),
            legal_basis="年度双随机抽查计划",
            details="检查生产安全台账",
        )
    sealing = register(
        kind="measure",
        subtype="seal",
        started_on=ago(60),
        ends_on=ago(30),
        legal_basis="《中华人民共和国行政强制法》第二十二条、第二十五条",
        approval="局长审批",
        harm_limitation="仅查封涉案仓库一间，其他生产线照常运行",
    )
    services.objection_raise(action=fine, text="罚款决定书未写明法律依据，请说明。", actor=firm_user)
    court = _court(judicial)
    case = services.case_register(
        enterprise=firm,
        unit=unit,
        kind="administrative",
        court=COURT_NAME,
        court_unit=court,
        case_number=f"（{ago(120).year}）示0101行初{firm.pk}号",
        filed_on=ago(120),
        actor=handler,
    )
    services.case_update(
        case=case,
        cooperation="按法院要求提交了全部执法案卷",
        outcome="judgment",
        outcome_on=ago(50),
        actor=handler,
    )
    services.obligation_add(case=case, text="撤销原处罚决定并退还罚款", due_on=ago(20), actor=handler)
    if court is not None:
        services.case_court_record(
            case=case,
            text="向被告调取执法案卷和现场检查记录，被告在期限内提交，并派员出庭应诉",
            actor=judicial,
        )
        services.action_register(  # the court's own compulsory measure, in a civil case against the firm
            enterprise=firm,
            unit=court,
            kind="measure",
            subtype="freeze",
            started_on=ago(15),
            ends_on=today + datetime.timedelta(days=350),
            legal_basis="《中华人民共和国民事诉讼法》第一百零三条（财产保全）",
            approval="合议庭裁定",
            amount="300000",
            details="依申请冻结企业基本账户存款三十万元",
            harm_limitation="只冻结诉请金额，保留工资和日常经营资金账户",
            actor=judicial,
        )
    register(
        kind="charge",
        subtype="fee",
        started_on=ago(5),
        legal_basis="区行政事业性收费目录第12项",
        amount="1200",
    )
    services.protection_request(
        enterprise=firm,
        kind="obstruction",
        description="厂区扩建工地连续多日被不明人员阻拦施工，要求支付“协调费”。",
        actor=firm_user,
    )
    services.obligation_alerts(today)
    _recommendations(unit, sealing, ago)
    if say:
        say("legal demo: flagged actions, an objection, an overdue judgment obligation, a protection request")
    return {"actions": Action.objects.count(), "skipped": False}
