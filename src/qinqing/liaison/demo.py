"""The liaison demo over the demo district (run ``demo`` first): district leaders on the roster linked to
key enterprises (one leader and one key enterprise left uncovered, so the coverage view has gaps to show),
responsibility lists (one published to the public, one draft), a roundtable held whose problem became an
appeal, a visit scheduled, a communication meeting with follow-ups, and two decisions in consultation (the
``federation`` account's opinion on one of them; the other adopted with its feedback published). Every
write goes through the services (audited)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q

from qinqing.core import clock
from qinqing.directory.models import Enterprise, EnterpriseMembership, Rank

from . import selectors, services
from .models import Leader, MeetingKind, Outcome, Scope, VisitPeriod


def generate(*, say=None) -> dict:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["district", "federation"])}
    actor = users.get("district")
    if actor is None:
        raise RuntimeError("the demo accounts are missing: run ./qinqing serve (or create them) first")
    if Leader.objects.exists():
        return {"leaders": Leader.objects.count(), "skipped": True}
    today = clock.today()
    candidates = [
        o
        for o in selectors.candidate_officials().filter(rank__in=[Rank.DIVISION, Rank.DEPUTY_DIVISION])
        if o.unit.code != "JW"
    ][:6]
    leaders = [services.leader_add(official=official, actor=actor) for official in candidates]
    key = list(Enterprise.objects.filter(is_key_enterprise=True, is_active=True).order_by("pk"))
    if len(key) < 3:  # a tiny demo district: make a few of its enterprises key enterprises
        from qinqing.directory import services as directory

        for enterprise in Enterprise.objects.filter(is_key_enterprise=False, is_active=True).order_by("pk")[
            : 3 - len(key)
        ]:
            directory.enterprise_update(enterprise=enterprise, is_key_enterprise=True, actor=actor)
        key = list(Enterprise.objects.filter(is_key_enterprise=True, is_active=True).order_by("pk"))
    covering = leaders[:-1] if len(leaders) > 1 else leaders
    for index, enterprise in enumerate(key[:-1]):  # the last key enterprise has no leader yet
        services.link_add(
            leader=covering[index % len(covering)],
            enterprise=enterprise,
            started_on=today - datetime.timedelta(days=120),
            actor=actor,
        )
    first = leaders[0]
    published = services.list_create(
        leader=first,
        year=today.year,
        title=f"{today.year}年{first.official.person.name}同志帮扶责任清单",
        content="每季度至少走访联系企业一次，当面听取意见。\n牵头协调联系企业反映的用地、融资和审批问题。\n"
        "每半年主持一次企业恳谈会，会上问题转诉求办理并跟踪到办结。",
        visits_per_period=1,
        visit_period=VisitPeriod.QUARTER,
        actor=actor,
    )
    services.list_publish(responsibility_list=published, scope=Scope.PUBLIC, actor=actor)
    if len(leaders) > 1:
        services.list_create(
            leader=leaders[1],
            year=today.year,
            title=f"{today.year}年帮扶责任清单（草稿）",
            content="走访联系企业，协调解决实际困难。",
            actor=actor,
        )

    # the federation and two chambers as directory records; the demo ``federation`` account acts for the
    # federation
    from qinqing.directory import services as directory_services
    from qinqing.directory.models import Association, AssociationKind

    def association(name, kind):
        found = Association.objects.filter(name=name).first()
        return found or directory_services.association_create(name=name, kind=kind, actor=actor)

    federation_record = association("区工商业联合会", AssociationKind.FEDERATION)
    chamber = association("区总商会", AssociationKind.CHAMBER)
    association("区青年企业家商会", AssociationKind.CHAMBER)
    if users.get("federation") is not None and not federation_record.memberships.exists():
        directory_services.association_member_add(
            user=users["federation"], association=federation_record, actor=actor
        )

    # the demo enterprise account's enterprise takes part in the roundtable and the consultation
    membership = (
        EnterpriseMembership.objects.filter(user__username="enterprise").select_related("enterprise").first()
    )
    invited = list(dict.fromkeys([*key[:2], *([membership.enterprise] if membership else [])]))
    roundtable = services.meeting_schedule(
        kind=MeetingKind.ROUNDTABLE,
        title="重点企业恳谈会",
        scheduled_on=today - datetime.timedelta(days=7),
        place="区行政中心会议室",
        leader=first,
        participants="区发展和改革局、区行政审批局",
        enterprises=invited,
        actor=actor,
    )
    services.meeting_hold(
        meeting=roundtable,
        held_on=today - datetime.timedelta(days=7),
        minutes="区领导听取企业意见，企业反映用地审批和融资问题，相关部门当场回应。",
        actor=actor,
    )
    services.problem_raise(
        meeting=roundtable,
        enterprise=invited[0],
        title="厂房扩建用地审批慢",
        text="扩建厂房的用地审批已超过半年，希望明确办理时限。",
        actor=actor,
    )
    services.meeting_schedule(
        kind=MeetingKind.VISIT,
        title="走访联系企业",
        scheduled_on=today + datetime.timedelta(days=5),
        leader=first,
        enterprises=invited[:1],
        actor=actor,
    )
    communication = services.meeting_schedule(
        kind=MeetingKind.COMMUNICATION,
        title="政企定期沟通会",
        scheduled_on=today - datetime.timedelta(days=3),
        participants="区发展和改革局、区市场监督管理局",
        enterprises=invited[-1:],
        associations=[federation_record, chamber],
        actor=actor,
    )
    services.meeting_hold(
        meeting=communication,
        minutes="通报涉企政策落实情况，商定两项跟进事项。",
        held_on=today - datetime.timedelta(days=3),
        actor=actor,
    )
    services.follow_up_add(
        meeting=communication,
        task="梳理涉企收费清单",
        due_on=today + datetime.timedelta(days=20),
        actor=actor,
    )
    done = services.follow_up_add(meeting=communication, task="召开商会会员座谈", due_on=today, actor=actor)
    services.follow_up_done(follow_up=done, result="已召开，收集意见十二条。", actor=actor)

    open_decision = services.decision_register(
        title="示范区涉企收费清单调整方案", summary="取消三项涉企收费，调整两项收费标准。", actor=actor
    )
    forum = services.consultation_add(
        decision=open_decision,
        form="forum",
        held_on=today + datetime.timedelta(days=3),
        place="区工商联会议室",
        invite_federation=True,
        associations=[federation_record, chamber],
        enterprises=invited,
        actor=actor,
    )
    federation = users.get("federation")
    if federation is not None:
        services.opinion_submit(
            consultation=forum, text="建议同步公开保留收费项目的依据和标准。", actor=federation
        )
    adopted = services.decision_register(
        title="示范区工业用地弹性出让实施办法", summary="工业用地可按弹性年期出让，先租后让。", actor=actor
    )
    hearing = services.consultation_add(
        decision=adopted,
        form="hearing",
        held_on=today - datetime.timedelta(days=30),
        invite_federation=True,
        enterprises=key[:2],
        actor=actor,
    )
    if federation is not None:
        opinion = services.opinion_submit(
            consultation=hearing, text="建议出让年期下限放宽到十年。", actor=federation
        )
        services.opinion_answer(
            opinion=opinion,
            outcome=Outcome.NOT_ADOPTED,
            response="上级规定下限为二十年，本区无权调整。",
            actor=actor,
        )
    services.consultation_complete(
        consultation=hearing, conclusion="与会企业普遍赞成，建议增加先租后让方式。", actor=actor
    )
    services.feedback_publish(
        decision=adopted, feedback="采纳“先租后让”的建议；放宽年期下限的建议因上级规定未采纳。", actor=actor
    )
    services.decision_adopt(decision=adopted, adopted_on=today, actor=actor)
    # today's reminders (on a working day), so the reminders page has something to show; when the calendar
    # does not cover today the worker's job says so
    import contextlib

    from qinqing.core.errors import ServiceError

    from .jobs import reminders

    with contextlib.suppress(ServiceError):
        reminders(today)
    uncovered = Enterprise.objects.filter(Q(is_key_enterprise=True)).count()
    if say:
        say(f"liaison demo: {len(leaders)} leaders, {uncovered} key enterprises, 3 meetings, 2 decisions")
    return {"leaders": len(leaders), "key_enterprises": uncovered}
