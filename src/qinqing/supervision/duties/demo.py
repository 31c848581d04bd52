"""Demo main-responsibility lists (article 16) for the ``handler``, ``leader`` and ``inspector``
accounts: this year's list of the leader's bureau filed and under way (one task past its date), last
year's reported and awaiting the discipline office's opinion; the handler's bureau with a reviewed list
for last year and this year's still a draft. Every write goes through the services (audited)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from qinqing.core import clock

from . import services
from .models import DutyList, TaskState

TASKS = [
    # (task, measures, month, day, state, performance)
    (
        "班子成员每季度走访联系的重点企业不少于一次",
        "局领导分片包联，走访情况录入政企联系台账",
        12,
        31,
        None,
        "",
    ),
    ("企业诉求限时办结率不低于95%", "每月通报超期件，超期未办结的约谈经办科室负责人", 12, 31, None, ""),
    (
        "开展亲清政商关系专题警示教育",
        "组织观看警示教育片，签订廉洁承诺书",
        6,
        30,
        TaskState.DONE,
        "6月18日组织全局干部观看警示教育片，签订廉洁承诺书56份",
    ),
    ("梳理涉企审批事项权力运行风险点", "形成风险点清单和防控措施", 9, 30, None, ""),
]


def _list(unit, year: int, actor, first_responsible, tasks, *, file: bool) -> DutyList:
    row = services.duty_create(unit=unit, year=year, actor=actor)
    for task, measures, month, day, _state, _performance in tasks:
        services.task_add(
            duty_list=row,
            task=task,
            measures=measures,
            owner=first_responsible,
            due_on=datetime.date(year, month, day),
            actor=actor,
        )
    if first_responsible is not None:
        services.duty_set_responsible(duty_list=row, first_responsible=first_responsible, actor=actor)
    if file:
        services.duty_file(duty_list=row, actor=actor)
    return row


def _perform(row, actor, *, everything: bool) -> None:
    today = clock.today()
    for task, (_text, _measures, _month, _day, state, performance) in zip(
        row.tasks.order_by("pk"), TASKS, strict=False
    ):
        if state is not None:
            services.task_progress(task=task, state=state, performance=performance, actor=actor)
        elif everything or task.due_on < today and task.due_on.month < 9:
            services.task_progress(
                task=task, state=TaskState.DONE, performance="已按计划完成，台账齐全", actor=actor
            )


def generate() -> dict:
    from qinqing.directory.selectors import official_for_user

    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["handler", "leader", "inspector"])
    }
    if len(users) < 3 or DutyList.objects.exists():
        return {"duty_lists": 0}
    year = clock.today().year
    made = 0
    leader, handler = official_for_user(users["leader"]), official_for_user(users["handler"])
    if leader is not None:
        principal = leader.supervising_leader or leader
        if principal.unit_id != leader.unit_id:
            principal = leader
        current = _list(leader.unit, year, users["leader"], principal, TASKS, file=True)
        _perform(current, users["leader"], everything=False)
        last = _list(leader.unit, year - 1, users["leader"], principal, TASKS, file=True)
        _perform(last, users["leader"], everything=True)
        services.duty_report(
            duty_list=last,
            report="全年落实主体责任情况：班子成员走访企业48家次，企业诉求限时办结率97.2%，"
            "开展警示教育2次，梳理审批风险点23个并制定防控措施。存在的问题：部分走访记录不完整，下一步将完善台账。",
            actor=users["leader"],
        )
        made += 2
    if handler is not None:
        last = _list(handler.unit, year - 1, users["handler"], handler, TASKS[:3], file=True)
        _perform(last, users["handler"], everything=True)
        services.duty_report(
            duty_list=last,
            report="全年各项主体责任任务均已完成，详见各项任务的履行情况。",
            actor=users["handler"],
        )
        services.duty_review(
            duty_list=last,
            rating="largely",
            opinion="主体责任基本落实到位。走访企业的问题台账需逐项销号，请在下一年度清单中体现。",
            actor=users["inspector"],
        )
        _list(handler.unit, year, users["handler"], None, TASKS[:1], file=False)
        made += 2
    return {"duty_lists": made}
