"""``./qinqing policy_demo``: supporting measures of the district's measures, publicity and education
activities held and planned (article 19's plan: one within the reminder's three working days) over the
demo district (run ``policy import --seed`` and ``demo`` first). Writes go through the
services (audited); a second run adds nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from qinqing.core import clock
from qinqing.core.errors import ServiceError
from qinqing.directory.models import Enterprise, Unit
from qinqing.policy import selectors, services
from qinqing.policy.models import ActivityKind, EducationActivity, SupportingMeasure

MEASURES = [
    ("4", "ZF02", "制定本区支持民营经济发展的配套实施细则", 30, "done"),
    ("8", "ZF21", "建立涉企诉求限时办结和回访制度", 60, "in_progress"),
    ("9", "ZF01", "出台涉企重大决策征求企业意见工作规程", 90, "planned"),
]
ACTIVITIES = [
    (
        ActivityKind.EDUCATION,
        "亲清政商关系廉洁教育专题会",
        "区直部门领导干部",
        "观看警示教育片，学习本办法第十四条至第十六条。",
        86,
        "JW",
    ),
    (
        ActivityKind.PUBLICITY,
        "民营经济政策宣讲进园区",
        "园区企业负责人",
        "解读本区支持民营经济发展政策和诉求渠道。",
        140,
        "ZF02",
    ),
]
PLANS = [  # (kind, title, audience, days ahead, unit code)
    (ActivityKind.PUBLICITY, "民营经济促进法宣讲会", "园区民营企业负责人", 2, "ZF02"),
    (ActivityKind.EDUCATION, "新任科级干部政商交往廉洁教育", "新任科级干部", 30, "JW"),
]


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        actor = get_user_model().objects.filter(username="handler").first()
        document = selectors.current_policy()
        if actor is None or document is None:
            raise CommandError("run ./qinqing policy import --seed and the demo first")
        if SupportingMeasure.objects.exists() or EducationActivity.objects.exists():
            return
        today = clock.today()
        units = {
            u.code: u
            for u in Unit.objects.filter(
                code__in=[m[1] for m in MEASURES] + [a[5] for a in ACTIVITIES] + [p[4] for p in PLANS]
            )
        }
        try:
            for key, code, title, days, state in MEASURES:
                measure = services.measure_create(
                    document=document,
                    article_keys=key,
                    title=title,
                    unit=units.get(code),
                    due_on=today + datetime.timedelta(days=days),
                    actor=actor,
                )
                if state != "planned":
                    measure = services.measure_start(measure=measure, actor=actor)
                if state == "done":
                    services.measure_complete(
                        measure=measure, result="细则已印发并在政策库公开。", actor=actor
                    )
            for index, (kind, title, audience, content, attendance, code) in enumerate(ACTIVITIES):
                services.activity_record(
                    kind=kind,
                    held_on=today - datetime.timedelta(days=10 * (index + 1)),
                    title=title,
                    audience=audience,
                    content=content,
                    attendance=attendance,
                    unit=units.get(code),
                    actor=actor,
                )
            enterprise = Enterprise.objects.filter(is_active=True).order_by("pk").first()
            if enterprise is not None:
                services.activity_record(
                    kind=ActivityKind.ENTERPRISE_CULTURE,
                    held_on=today - datetime.timedelta(days=5),
                    title="企业廉洁文化月",
                    audience="全体员工",
                    content="签订廉洁承诺书，开展合规培训。",
                    attendance=60,
                    enterprise=enterprise,
                    actor=actor,
                )
            for kind, title, audience, days, code in PLANS:
                services.activity_plan(
                    kind=kind,
                    planned_on=today + datetime.timedelta(days=days),
                    title=title,
                    audience=audience,
                    unit=units.get(code),
                    actor=actor,
                )
        except ServiceError as error:
            raise CommandError(error.text()) from error
