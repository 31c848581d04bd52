"""The permission matrix, generated from the access declarations (core.access, each app's access.py).

* Every URL pattern and every API operation must be declared (a new URL without a declaration
  fails here), and every declaration must name a URL or operation that exists.
* Pages: every declared page x (anonymous + each role), GET; and POST for the anonymous visitor
  and one refused role (another for each page), checking that nothing changed (audit events and the
  app's tables). Allowed: the gate lets the request through (never a login redirect or the
  gate's 403) and the view answers below 500 (200/302/405 for pages without URL arguments).
  Refused: anonymous visitors go to the login page, signed-in users get 403 from the gate.
* API: every operation x (anonymous + each role's session + an API key of each scope):
  allowed callers get past the gate, refused ones get 401 (anonymous) or 403, and a refused
  write changes nothing.
* Object scope: each role that may open an object page (or call an object operation) but does
  not see every object asks for another party's object and gets 404; the roles declared to
  see every object get 200.

The data is built once per module (one transaction rolled back at the end); every case runs
in its own savepoint.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from qinqing.core import access
from qinqing.core.roles import Role
from qinqing.core.scopes import SCOPES

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
ROLES = [role.value for role in Role]
PRINCIPALS = [ANONYMOUS, *ROLES]
KEY_PRINCIPALS = [f"key:{scope}" for scope in sorted(SCOPES)]


# --- what exists --------------------------------------------------------------------------------------------
def _url_patterns(patterns=None, namespace: str = "", prefix: str = ""):
    """(view name, route, pattern, top namespace) of every URL pattern."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_patterns(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield name, prefix + str(pattern.pattern), pattern, namespace.split(":", 1)[0]


def _pages() -> dict[str, URLPattern]:
    found = {}
    for name, _route, pattern, top in _url_patterns():
        if top in access.SELF_GUARDED_NAMESPACES:
            continue
        found[name or f"<unnamed {pattern.pattern}>"] = pattern
    return found


def _operations() -> dict[str, tuple[str, bool]]:
    """``"METHOD /path"`` -> (the path as routed, whether the operation asks for authentication), from the OpenAPI schema."""  # noqa: E501
    from qinqing.api import api

    schema = api.get_openapi_schema(path_prefix="")
    found = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            key = f"{method.upper()} /{path.strip('/')}"
            found[key] = (path, bool(operation.get("security")))
    return found


PAGES = _pages()
OPERATIONS = _operations()


def test_every_url_pattern_is_declared():
    undeclared = sorted(name for name in PAGES if access.page(name) is None)
    assert not undeclared, f"declare these pages in their app's access.py (core.access.Page): {undeclared}"


def test_every_page_declaration_names_a_url():
    stale = sorted(name for name in access.pages() if name not in PAGES)
    assert not stale, f"declared pages with no URL pattern: {stale}"


def test_every_api_operation_is_declared():
    undeclared = sorted(key for key in OPERATIONS if access.operation(key) is None)
    assert not undeclared, (
        f"declare these operations in their app's access.py (core.access.Operation): {undeclared}"
    )


def test_every_operation_declaration_names_an_operation():
    stale = sorted(key for key in access.operations() if key not in OPERATIONS)
    assert not stale, f"declared operations the API does not have: {stale}"


@pytest.mark.parametrize("key", sorted(OPERATIONS))
def test_public_operations_are_exactly_those_without_authentication(key):
    declared = access.operation(key)
    assert declared is not None, key
    needs_auth = OPERATIONS[key][1]
    assert (declared.roles is access.PUBLIC) == (not needs_auth), (
        f"{key}: declared {declared.roles!r} but the API "
        f"{'asks' if needs_auth else 'does not ask'} for authentication"
    )


def test_menus_and_tiles_only_name_declared_pages_with_labels():
    for name, declared in access.pages().items():
        if declared.menu:
            assert declared.label, f"{name} is in menu {declared.menu} without a label"
            assert declared.menu in access.menu_groups(), (
                f"{name}: menu group {declared.menu} is not declared"
            )


# --- the world ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Users for each role, each with what the demo gives it (an official record, an enterprise), their
    own objects, and a foreign party's objects (another unit, official, leader and enterprise)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from qinqing.core.audit import _set_maintenance

            _set_maintenance(False)
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build_world():
    from qinqing.appeals.tests import factories as appeal_factories
    from qinqing.conduct import services as conduct
    from qinqing.core import clock
    from qinqing.core.testing import load_test_calendar, make_api_key, make_user
    from qinqing.directory.models import LinkKind
    from qinqing.directory.tests import factories

    load_test_calendar()
    users = {role: make_user(role) for role in ROLES}
    unit = factories.make_unit(name="区发改局")
    leader = factories.make_official(
        unit=unit, name="王领导", position="副局长", user=users[Role.SUPERVISING_LEADER]
    )
    official = factories.make_official(
        unit=unit, name="张三", user=users[Role.OFFICIAL], supervising_leader=leader
    )
    factories.make_official(unit=unit, name="杨帆", user=users[Role.DEPARTMENT_HANDLER])
    # an enforcement body's own account, of the same unit: it sees the unit's legal rows, not another's
    factories.make_official(unit=unit, name="马骏", user=users[Role.ENFORCEMENT_BODY])
    enterprise = factories.make_enterprise(name="清白实业有限公司")
    factories.make_membership(user=users[Role.ENTERPRISE_USER], enterprise=enterprise)
    from django.core.files.uploadedfile import SimpleUploadedFile

    def note():  # an appeal's file (stored like the commitments' documents below)
        return [SimpleUploadedFile("说明.txt", "诉求说明".encode(), content_type="text/plain")]

    appeal = appeal_factories.file_appeal(
        enterprise=enterprise, actor=users[Role.ENTERPRISE_USER], attachments=note()
    )

    # another party: its own unit, leader, official (with an account), enterprise and their objects
    other_unit = factories.make_unit(name="区审批局")
    other_leader_user = make_user(Role.SUPERVISING_LEADER)
    other_leader = factories.make_official(
        unit=other_unit, name="钱领导", position="局长", user=other_leader_user
    )
    other_user = make_user(Role.OFFICIAL)
    other = factories.make_official(
        unit=other_unit, name="孙七", user=other_user, supervising_leader=other_leader
    )
    other_enterprise = factories.make_enterprise(name="别家科技有限公司")
    other_enterprise_user = make_user(Role.ENTERPRISE_USER)
    factories.make_membership(user=other_enterprise_user, enterprise=other_enterprise)
    other_person = factories.make_person(name="周八")
    factories.make_link(
        person=other_person, enterprise=other_enterprise, kind=LinkKind.SHAREHOLDER, share_percent="30"
    )
    other_appeal = appeal_factories.file_appeal(
        enterprise=other_enterprise, actor=other_enterprise_user, attachments=note()
    )

    def activity_of(who, user, leader_user):
        day = clock.today() + datetime.timedelta(days=7)
        while day.weekday() != 5:
            day += datetime.timedelta(days=1)
        activity = conduct.activity_submit(
            official=who,
            situation="work_meal",
            enterprises=[other_enterprise],
            event_date=day,
            start_time=datetime.time(18, 0),
            end_time=datetime.time(20, 0),
            place="区商会会议室",
            purpose="商讨营商环境问题",
            participants="参会人员",
            cost_per_head=Decimal("80"),
            alcohol_served=False,
            no_lottery_confirmed=True,
            no_unrelated_activities_confirmed=True,
            actor=user,
        )
        if leader_user is not None:
            conduct.activity_decide(activity=activity, approve=True, reason="同意", actor=leader_user)
        return activity

    def gift_of(who, user):
        gift = conduct.gift_record(
            official=who,
            direction="received",
            kind="red_envelope",
            value=Decimal("500"),
            occurred_on=clock.today() - datetime.timedelta(days=3),
            disposition="pending",
            giver_enterprise=other_enterprise,
            actor=user,
        )
        return conduct.gift_hand_in(gift=gift, actor=users[Role.DISCIPLINE_INSPECTOR])

    def recusal_of(who, user):
        return conduct.recusal_report(
            official=who,
            matter_type="appeal",
            matter_id="X-1",
            enterprise=other_enterprise,
            description="配偶持股",
            apply=True,
            actor=user,
        )

    own = SimpleNamespace(
        appeal=appeal,
        activity=activity_of(official, users[Role.OFFICIAL], None),
        gift=gift_of(official, users[Role.OFFICIAL]),
        recusal=recusal_of(official, users[Role.OFFICIAL]),
        unit=unit,
        official=official,
        enterprise=enterprise,
    )
    from qinqing.supervision import services as supervision

    report, _code = supervision.report_submit(
        text="某局干部吃拿卡要", category="extortion", real_name=False, unit=other_unit, rate_limited=False
    )
    foreign = SimpleNamespace(
        report=report,
        appeal=other_appeal,
        activity=activity_of(other, other_user, other_leader_user),
        gift=gift_of(other, other_user),
        recusal=recusal_of(other, other_user),
        official=other,
        enterprise=other_enterprise,
        person=other_person,
    )
    from qinqing.integrity import services as integrity

    own.bribery = integrity.bribery_request(
        enterprise=enterprise, purpose="投标", actor=users[Role.ENTERPRISE_USER]
    )
    foreign.bribery = integrity.bribery_answer(
        query=integrity.bribery_request(
            enterprise=other_enterprise, purpose="投标", actor=other_enterprise_user
        ),
        result="no_record",
        actor=users[Role.CREDIT_ADMINISTRATOR],
    )
    from qinqing.integrity.tests.factories import make_listing

    def decided_objection(firm, firm_user):  # granted: the listing is revoked, nothing stays restricted
        listing = make_listing(enterprise=firm, actor=users[Role.CREDIT_ADMINISTRATOR])
        application = integrity.application_file(
            listing=listing, kind="objection", text="证据不实", actor=firm_user
        )
        return integrity.application_grant(
            application=application, reason="复核后证据不足", actor=users[Role.CREDIT_ADMINISTRATOR]
        )

    own.integrity_decision = decided_objection(enterprise, users[Role.ENTERPRISE_USER])
    foreign.integrity_decision = decided_objection(other_enterprise, other_enterprise_user)
    from qinqing.liaison import services as liaison

    handler = users[Role.DEPARTMENT_HANDLER]
    decision = liaison.decision_register(title="涉企决策", summary="调整收费", actor=handler)
    own.consultation = liaison.consultation_add(
        decision=decision, form="forum", held_on=clock.today(), enterprises=[enterprise], actor=handler
    )
    foreign.consultation = liaison.consultation_add(
        decision=decision,
        form="hearing",
        held_on=clock.today(),
        invite_federation=False,
        enterprises=[other_enterprise],
        actor=handler,
    )

    def answered(consultation, party):  # an answered opinion: its reply letter may be printed
        opinion = liaison.opinion_submit(consultation=consultation, text="建议延长过渡期", actor=party)
        return liaison.opinion_answer(opinion=opinion, outcome="adopted", response="", actor=handler)

    own.opinion = answered(own.consultation, users[Role.ENTERPRISE_USER])
    foreign.opinion = answered(foreign.consultation, other_enterprise_user)
    from qinqing.fairness import services as fairness

    own.review = fairness.review_create(
        actor=users[Role.DEPARTMENT_HANDLER], title="本局采购文件", document_kind="procurement",
        text="投标人注册资本不低于1000万元。",
    )
    other_handler = make_user(Role.DEPARTMENT_HANDLER)
    factories.make_official(unit=other_unit, name="郑审查", user=other_handler)
    foreign.review = fairness.review_create(
        actor=other_handler, title="他局采购文件", document_kind="procurement", text="投标人须在本市注册。"
    )
    foreign.finding = foreign.review.findings.get()
    from qinqing.supervision.duties import services as duties

    own.duty = duties.duty_create(unit=unit, year=clock.today().year, actor=users[Role.DEPARTMENT_HANDLER])
    own.duty_task = duties.task_add(
        duty_list=own.duty, task="走访企业", due_on=datetime.date(clock.today().year, 12, 31),
        actor=users[Role.DEPARTMENT_HANDLER],
    )
    foreign.duty = duties.duty_create(unit=other_unit, year=clock.today().year, actor=other_handler)
    foreign.duty_task = duties.task_add(
        duty_list=foreign.duty, task="走访企业", due_on=datetime.date(clock.today().year, 12, 31),
        actor=other_handler,
    )
    from qinqing.policy import services as policy

    def education_plan(enterprise_of, actor):
        return policy.activity_plan(
            kind="enterprise_culture", planned_on=clock.today(), title="廉洁文化月", audience="全体员工",
            enterprise=enterprise_of, actor=actor,
        )

    own.education_plan = education_plan(enterprise, users[Role.ENTERPRISE_USER])
    foreign.education_plan = education_plan(other_enterprise, users[Role.FEDERATION_STAFF])
    from qinqing.tolerance import services as tolerance

    def tolerance_of(who, user):
        return tolerance.request_submit(
            official=who, submitter="official", matter="先行先试", facts="事实", evidence="证据", actor=user
        )

    own.tolerance = tolerance_of(official, users[Role.OFFICIAL])
    foreign.tolerance = tolerance_of(other, other_user)
    # conclusions filed with the organisation department's account (and with another department)
    org_unit, other_org = factories.make_unit(name="区委组织部"), factories.make_unit(name="另一组织部")
    factories.make_official(unit=org_unit, name="黄志", user=users[Role.ORGANISATION_DEPARTMENT])

    def filed_of(who, user, department):
        row, office = tolerance_of(who, user), users[Role.DISCIPLINE_INSPECTOR]
        tolerance.request_accept(request=row, actor=office)
        answers = {name: True for name in ("trial", "exploration", "unintended", "lawful_process",
                                           "public_interest", "no_private_gain", "prompt_correction")}
        answers.update(trial_evidence="证据", exploration_evidence="证据", unintended_evidence="证据")
        tolerance.request_deliberate(request=row, answers=answers, actor=office)
        tolerance.request_determine(request=row, determination="lighter", reasons="理由", actor=office)
        return tolerance.request_file(request=row, organisation_department=department, actor=office)

    own.filing = filed_of(official, users[Role.OFFICIAL], org_unit)
    foreign.filing = filed_of(other, other_user, other_org)
    from qinqing.legal import services as legal

    def legal_of(firm, body, body_user, firm_user):
        action = legal.action_register(
            enterprise=firm, unit=body, kind="charge", subtype="fee", started_on=clock.today(),
            actor=body_user,
        )
        lawsuit = legal.case_register(
            enterprise=firm, unit=body, kind="administrative", court="示范区人民法院",
            case_number=f"（2026）行初{firm.pk}号", filed_on=clock.today(), actor=body_user,
        )
        protection = legal.protection_request(enterprise=firm, kind="extortion", description="强买强卖",
                                              actor=firm_user)
        protection = legal.protection_update(request=protection, step="accept", text="受理", actor=body_user)
        return action, lawsuit, protection

    own.action, own.lawsuit, own.protection = legal_of(enterprise, unit, handler, users[Role.ENTERPRISE_USER])
    foreign.action, foreign.lawsuit, foreign.protection = legal_of(
        other_enterprise, other_unit, other_handler, other_enterprise_user
    )

    def answered_of(action, body_user, firm_user):  # an answered objection: its letter exists
        objection = legal.objection_raise(action=action, text="收费无依据", actor=firm_user)
        return legal.objection_answer(objection=objection, answer="已退还", actor=body_user)

    own.objection = answered_of(own.action, handler, users[Role.ENTERPRISE_USER])
    foreign.objection = answered_of(foreign.action, other_handler, other_enterprise_user)
    # the procuratorate's recommendations: one to this unit, one to the other
    from qinqing.directory.models import OrganType

    procuratorate = factories.make_unit(name="示范区人民检察院", organ_type=OrganType.PROCURATORATE)
    prosecutor = make_user(Role.ENFORCEMENT_BODY)
    factories.make_official(unit=procuratorate, name="检察官", user=prosecutor)
    own.recommendation, foreign.recommendation = (
        legal.recommendation_issue(unit=body, number=f"示检行建〔2026〕{body.pk}号", content="建议规范检查",
                                   actor=prosecutor)
        for body in (unit, other_unit)
    )
    from qinqing.commitments import services as commitments

    def commitment_of(firm, body, body_user):
        return commitments.commitment_register(
            enterprise=firm, unit=body, kind="investment", title="落实用地", content="供地",
            made_on=clock.today(), deadline=clock.today(), actor=body_user,
        )

    own.commitment = commitment_of(enterprise, unit, handler)
    foreign.commitment = commitment_of(other_enterprise, other_unit, other_handler)
    from qinqing.commitments import documents as commitment_documents

    def document_of(commitment, body_user):
        return commitment_documents.commitment_attach(
            commitment=commitment, uploads=[("协议.txt", "text/plain", "投资协议".encode())], actor=body_user
        )[0]

    own.commitment_document = document_of(own.commitment, handler)
    foreign.commitment_document = document_of(foreign.commitment, other_handler)
    from qinqing.commitments import funds

    def application_of(firm, body, body_user, firm_user):
        programme = funds.programme_create(
            unit=body, title="专项资金", rules="规则", budget="100000", opens_on=clock.today(),
            closes_on=clock.today(), actor=body_user,
        )
        return funds.apply(
            programme=programme, enterprise=firm, amount="1000", description="申请", actor=firm_user
        )

    own.fund_application = application_of(enterprise, unit, handler, users[Role.ENTERPRISE_USER])
    foreign.fund_application = application_of(
        other_enterprise, other_unit, other_handler, other_enterprise_user
    )
    from qinqing.core.models import ImportRun

    def import_run_of(user):  # a large import the worker ran (core.imports), with a rejected row
        report = {"dry_run": False, "imported": 1, "updated": 0, "unchanged": 0, "rejected_rows": 1,
                  "rows": 2, "warnings": [], "inferred": {},
                  "rejected": [{"row": 3, "column": "名称", "error": "必填。", "values": {"名称": ""}}]}
        return ImportRun.objects.create(
            owner=user, state=ImportRun.State.DONE, runner="qinqing.commitments.importing.import_file",
            filename="台账.xlsx", created_at=clock.now(), finished_at=clock.now(), report=json.dumps(report),
        )

    # the administrator's own; another unit's department handler's (the same role as a caller's: still 404)
    own.import_run = import_run_of(users[Role.ADMINISTRATOR])
    foreign.import_run = import_run_of(other_handler)

    def decided_of(firm, body, body_user, firm_user):  # a decision exists: its letter may be printed
        application = application_of(firm, body, body_user, firm_user)
        return funds.decide(
            application=application, approve=False, reason="不符合申报条件", actor=users[Role.ADMINISTRATOR]
        )

    own.fund_decision = decided_of(enterprise, unit, handler, users[Role.ENTERPRISE_USER])
    foreign.fund_decision = decided_of(other_enterprise, other_unit, other_handler, other_enterprise_user)

    def breached(commitment, body_user):  # a breach determined: its letter to the enterprise may be printed
        commitments.commitment_start(commitment=commitment, actor=body_user)
        commitments.commitment_close(
            commitment=commitment, fulfilled=False, outcome="未供地", actor=body_user
        )
        return commitment.decisions.get()

    own.commitment_decision = breached(commitment_of(enterprise, unit, handler), handler)
    foreign.commitment_decision = breached(commitment_of(other_enterprise, other_unit, other_handler),
                                           other_handler)
    keys = {f"key:{scope}": make_api_key(scope)[1] for scope in SCOPES}
    return SimpleNamespace(users=users, own=own, foreign=foreign, keys=keys, sessions=_sessions(users))


def _sessions(users) -> dict[str, str]:
    """One logged-in session per role, made once; each case sends its cookie (instead of logging in again)."""
    from django.test import Client

    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture(scope="module")
def _shared_client(world):
    from django.test import Client

    return Client()


@pytest.fixture
def web(_shared_client):
    """One test client for the module (building a client's middleware stack costs more than a case), with
    no cookies left from the previous case."""
    _shared_client.cookies.clear()
    return _shared_client


def _sign_in(client, world, principal: str) -> None:
    if principal in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[principal]


# --- URL arguments ------------------------------------------------------------------------------------------
def _page_kwargs(name: str, world) -> dict:
    """Arguments for a page's URL: the caller's own objects where the page has one, otherwise a value
    of the converter's type (the gate decides before any object is looked up)."""
    own = world.own
    known = {
        "appeals:detail": {"pk": own.appeal.pk},
        "appeals:act": {"pk": own.appeal.pk, "action": "reply"},
        "appeals:attachment": {"pk": own.appeal.attachments.get().pk},
        "appeals_channels:operator_acknowledgement": {"tracking_number": own.appeal.tracking_number},
        "conduct:activity_detail": {"pk": own.activity.pk},
        "conduct:activity_decide": {"pk": own.activity.pk},
        "conduct:activity_report": {"pk": own.activity.pk},
        "conduct:letter_pdf": {"pk": own.activity.pk},
        "conduct:recusal_decide": {"pk": own.recusal.pk},
        "conduct:recusal_oversee": {"pk": own.recusal.pk},
        "conduct:gift_receipt": {"pk": own.gift.pk},
        "conduct:gift_receipt_pdf": {"pk": own.gift.pk},
        "conduct:gift_hand_in": {"pk": own.gift.pk},
        "directory:unit_detail": {"pk": own.unit.pk},
        "directory:unit_edit": {"pk": own.unit.pk},
        "directory:official_detail": {"pk": own.official.pk},
        "directory:official_edit": {"pk": own.official.pk},
        "directory:related_person_create": {"pk": own.official.pk},
        "directory:enterprise_detail": {"pk": own.enterprise.pk},
        "directory:enterprise_edit": {"pk": own.enterprise.pk},
        "directory:enterprise_link_create": {"pk": own.enterprise.pk},
        "directory:person_detail": {"pk": own.official.person_id},
        "directory:person_reveal_id": {"pk": own.official.person_id},
        "liaison:invitation": {"pk": own.consultation.pk},
        "core:calendar_year": {"year": 2026},
        "core:calendar_edit": {"year": 2026},
        "fairness:review_detail": {"pk": own.review.pk},
        "fairness:review_pdf": {"pk": own.review.pk},
        "fairness:review_docx": {"pk": own.review.pk},
        "tolerance:request_detail": {"pk": own.tolerance.pk},
        "tolerance:request_act": {"pk": own.tolerance.pk},
        "tolerance:request_letter": {"pk": own.filing.pk},  # decided: a letter exists
        "tolerance:filing_detail": {"pk": own.filing.pk},
        "legal:action_detail": {"pk": own.action.pk},
        "legal:action_act": {"pk": own.action.pk},
        "legal:case_detail": {"pk": own.lawsuit.pk},
        "legal:case_act": {"pk": own.lawsuit.pk},
        "legal:protection_act": {"pk": own.protection.pk},
        "legal:protection_letter": {"pk": own.protection.pk},  # taken on: a letter exists
        "legal:objection_letter": {"pk": own.objection.pk},  # answered: a letter exists
        "legal:recommendation_answer": {"pk": own.recommendation.pk},
        "supervision:duty_detail": {"pk": own.duty.pk},
        "supervision:duty_responsible": {"pk": own.duty.pk},
        "supervision:duty_task_add": {"pk": own.duty.pk},
        "supervision:duty_task_import": {"pk": own.duty.pk},
        "supervision:duty_task_progress": {"pk": own.duty_task.pk},
        "supervision:duty_act": {"pk": own.duty.pk, "action": "file"},
        "commitments:detail": {"pk": own.commitment.pk},
        "commitments:act": {"pk": own.commitment.pk},
        "commitments:fund_application": {"pk": own.fund_application.pk},
        "commitments:fund_application_act": {"pk": own.fund_application.pk},
        "commitments:fund_letter": {"pk": own.fund_decision.pk},
        "commitments:decision_letter": {"pk": own.commitment_decision.pk},
        "liaison:opinion_letter": {"pk": own.opinion.pk},  # answered: a reply letter exists
        "integrity:application_letter": {"pk": own.integrity_decision.pk},
        "policy:education_plan_cancel": {"pk": own.education_plan.pk},
        "core:import_run": {"pk": own.import_run.pk},
        "core:import_run_rejections": {"pk": own.import_run.pk},
    }
    if name in known:
        return known[name]
    pattern = PAGES[name]
    kwargs = {}
    for argument, converter in pattern.pattern.converters.items():
        kwargs[argument] = 999999 if type(converter).__name__ == "IntConverter" else "x"
    return kwargs


def _page_url(name: str, world) -> str:
    return reverse(name, kwargs=_page_kwargs(name, world))


def _operation_url(key: str, world, foreign: bool = False) -> str:
    objects = world.foreign if foreign else world.own
    path = OPERATIONS[key][0]
    values = {"tracking_number": objects.appeal.tracking_number, "uscc": objects.enterprise.uscc,
              "official_id": objects.official.pk, "key": "1", "code": "NOSUCHCODE", "year": 2026,
              "pk": objects.commitment.pk, "application_id": objects.fund_application.pk}
    return "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "1")), path)


# --- who is allowed -----------------------------------------------------------------------------------------
def _allowed(declared, principal: str) -> bool:
    if declared is None:
        return False
    if declared.roles is access.PUBLIC:
        return True
    if principal == ANONYMOUS:
        return False
    if principal.startswith("key:"):
        return declared.scope is access.ANY_SCOPE or declared.scope == principal[4:]
    return declared.roles is access.SIGNED_IN or principal in declared.roles


def _app_of_page(name: str) -> str:
    namespace = name.split(":", 1)[0] if ":" in name else "core"
    return {"appeals_channels": "appeals"}.get(namespace, namespace)


def _snapshot(app_label: str) -> dict:
    """Audit events and the row count of every table of the app (what a write would change)."""
    from django.db import connection

    from qinqing.core.models import AuditEvent

    tables = [AuditEvent._meta.db_table] + [
        model._meta.db_table
        for model in apps.get_app_config(app_label).get_models()
        if model._meta.managed and not model._meta.proxy
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables))
        return dict(zip(tables, cursor.fetchone(), strict=True))


# A write a refused caller sends: plausible fields of the app's forms, so that a view that forgot
# to check would have something to act on.
WRITE = {
    "decision": "approve",
    "reason": "x",
    "text": "x",
    "name": "probe",
    "scopes": ["audit:read"],
    "confirm": "1",
    "refuse": "1",
    "signatory_name": "x",
    "accepted": "on",
    "content": "x",
    "title": "x",
    "question": "x",
    "answer": "x",
    "code": "X9",
    "uscc": "91330106MA2B000000",
    "kind": "shareholder",
    "official": "1",
    "matter_type": "appeal",
    "matter_id": "1",
    "apply": "on",
    "description": "x",
}

# Pages that answer a request the gate let through with a status of their own (they check a signature
# or an API key themselves, report a health state, or need state the case does not have): the status
# each may answer besides 200.
OWN_STATUS = {
    "appeals_channels:wechat_webhook": {403},  # checks the WeChat signature
    "healthz_jobs": {401, 403, 503},  # asks for an API key with jobs:read; 503 while the jobs have not run
    "healthz": {503},  # the database is unreachable
    "transparency_proof": {400},  # asks for ?content_hash= (issue 19; core/tests/test_transparency.py)
    "transparency_consistency": {400},  # asks for ?first= (a tree size)
    "directory:import_errors": {404},  # only after an import left an error workbook in the session
    "commitments:fund_application": {409},  # a reviewer with a conflict of interest is stopped (article 15.7)
    "commitments:fund_letter": {409},  # as for the file: the decision's letter behind the same gate
}


def _to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def _page_cases():
    """Every page x every principal, GET; a POST from the principals the page refuses, but only two of them
    per page: the anonymous visitor and one signed-in role, a different one from page to page. The gate
    (``AccessMiddleware.process_view``) decides by the page's declaration and the caller's roles, not by
    the method, and every principal's refusal of every page is proven by the GETs; the POSTs prove per
    page that the refusal comes before anything is written (2,400 POSTs cost 60 s of the suite for the
    same proof, on every role again)."""
    for index, name in enumerate(sorted(PAGES)):
        declared = access.page(name)
        refused = [principal for principal in ROLES if not _allowed(declared, principal)]
        posted = {refused[index % len(refused)]} if refused else set()
        if not _allowed(declared, ANONYMOUS):
            posted.add(ANONYMOUS)
        for principal in PRINCIPALS:
            yield pytest.param(name, principal, "GET", id=f"{name}-{principal}-GET")
            if principal in posted:
                yield pytest.param(name, principal, "POST", id=f"{name}-{principal}-POST")


@pytest.mark.parametrize(("name", "principal", "method"), list(_page_cases()))
def test_page_matrix(world, web, name, principal, method):
    client = web
    declared = access.page(name)
    url = _page_url(name, world)
    _sign_in(client, world, principal)
    allowed = _allowed(declared, principal)
    if method == "POST":
        before = _snapshot(_app_of_page(name))
        response = client.post(url, WRITE)
        assert _snapshot(_app_of_page(name)) == before, f"a refused POST to {url} changed something"
    else:
        with _writes_without_audit() as unaudited:
            response = client.get(url)
        assert not unaudited, f"GET {name} wrote without an audit event: {unaudited}"
    denied_by = getattr(response.wsgi_request, "access_denied", None)
    if allowed:
        assert denied_by is None and not _to_login(response), f"{principal} may open {name} but was refused"
        expected = {200, 302, 405} | OWN_STATUS.get(name, set())
        if _page_kwargs(name, world):
            expected |= {400, 404}  # an object the caller may not see, or a value the view refuses
        assert response.status_code in expected, f"{name} for {principal}: {response.status_code}"
    elif principal == ANONYMOUS:
        assert _to_login(response), f"{name} let an anonymous visitor through ({response.status_code})"
    else:
        assert response.status_code == 403 and denied_by, (
            f"{name} let {principal} through ({response.status_code})"
        )


# A refused form answers 4xx (the product's promise: bad input gets a clear 4xx naming the field). Every
# declared page gets a POST with none of its fields (one unknown field, so that ``Form(request.POST or
# None)`` is bound) from every principal it admits (anonymous too for public pages): a page that
# re-renders its form with an error must not answer 200. A POST the page accepts (a button with no
# fields) may act: the case runs in its own savepoint.
_ERROR_MARK = re.compile(rb'class="(?:errors?|errorlist)[" ]')


_NOT_RECORDS = re.compile(r"django_session|qinqing_cache|axes_")  # sessions, the shared cache, login attempts


@contextlib.contextmanager
def _writes_without_audit():
    """Collects the statements run inside that write a table (not a session, the cache or a login
    attempt), when none of them adds an audit event: every write goes through a service that records
    one. Statement-level, so an UPDATE is seen as well as an INSERT or DELETE."""
    from django.db import connection

    statements, unaudited = [], []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    from qinqing.core.models import AuditEvent

    events_before = AuditEvent.objects.count()
    with connection.execute_wrapper(record):
        yield unaudited
    writes = [sql for sql in statements if re.match(r"\s*(INSERT|UPDATE|DELETE)\b", sql, re.I)]
    writes = [" ".join(sql.split())[:100] for sql in writes if not _NOT_RECORDS.search(sql)]
    seen = any(sql.upper().startswith("INSERT") and "core_auditevent" in sql for sql in writes)
    # on PostgreSQL events are appended by core.db.execute's prepared statements, on psycopg's own
    # cursor, which Django's wrapper does not see: the events themselves are counted then
    if writes and not seen and AuditEvent.objects.count() == events_before:
        unaudited.extend(writes)


def _audited_post(client, name: str, url: str, data: dict):
    with _writes_without_audit() as unaudited:
        response = client.post(url, data)
    assert not unaudited, f"{name} wrote without an audit event: {unaudited}"
    return response


def _refusal_cases():
    for name in sorted(PAGES):
        declared = access.page(name)
        for principal in PRINCIPALS:
            if _allowed(declared, principal):
                yield pytest.param(name, principal, id=f"{name}-{principal}")


@pytest.mark.parametrize(("name", "principal"), list(_refusal_cases()))
def test_a_refused_form_is_not_answered_200(world, web, name, principal):
    _sign_in(web, world, principal)
    url = _page_url(name, world)
    empty = _audited_post(web, name, url, {})
    assert empty.status_code < 500, f"{name}: an empty POST answered {empty.status_code}"
    response = _audited_post(web, name, url, {"probe": "1"})
    assert response.status_code < 500, f"{name}: a POST without its fields answered {response.status_code}"
    if response.status_code == 200 and not response.streaming:
        assert not _ERROR_MARK.search(response.content), (
            f"{name} refused a POST without its fields from {principal} but answered 200 "
            "(should be 400 with the field named)"
        )


# Query strings people and crawlers send: a page number that is not one, dates that are not dates,
# values no filter knows, a search as long as a pasted document. Every page, as the first principal it
# admits, answers below 500 (a 400 naming the field, or the list unfiltered).
JUNK_QUERY = {
    "page": "-1", "q": "测" * 5000, "since": "2026-13-45", "until": "yesterday", "status": "\x00",
    "kind": "nonsense", "state": "nonsense", "sort": "-nonsense", "year": "99999999999999999999",
    "month": "0", "unit": "abc", "official": "abc", "enterprise": "abc", "format": "exe", "notices": "x",
}


def _first_principal_cases():
    for name in sorted(PAGES):
        declared = access.page(name)
        principal = next((p for p in PRINCIPALS if _allowed(declared, p)), None)
        if principal is not None:
            yield pytest.param(name, principal, id=f"{name}-{principal}")


@pytest.mark.parametrize(("name", "principal"), list(_first_principal_cases()))
def test_junk_query_strings_are_not_a_500(world, web, name, principal):
    _sign_in(web, world, principal)
    url = _page_url(name, world)
    for query in (JUNK_QUERY, {"page": "99999999999999999999999"}):
        response = web.get(url, query)
        assert response.status_code < 500, f"{name} for {principal}, ?{sorted(query)}: {response.status_code}"


# A list's filter that is not a date, a month or a number, or none of its select's choices, is refused
# (400, the field named), never read as "no filter": the figures shown would look like the ones asked
# for. Every page's GET forms are read from the page itself, so a new filter is tried without being
# listed here.
_GET_FORM = re.compile(rb'<form(?![^>]*method="post")[^>]*>(.*?)</form>', re.S | re.I)
_TYPED_INPUT = re.compile(rb'<input[^>]*type="(date|number|month)"[^>]*>', re.I)
_INPUT_NAME = re.compile(rb'name="([^"]+)"')
_SELECT = re.compile(rb'<select[^>]*name="([^"]+)"', re.I)
_NOT_A = {b"date": "2026-13-45", b"month": "2026-13", b"number": "abc", b"select": "no-such-choice"}


@pytest.mark.parametrize(("name", "principal"), list(_first_principal_cases()))
def test_a_filter_that_is_not_its_type_is_refused_naming_the_field(world, web, name, principal):
    _sign_in(web, world, principal)
    url = _page_url(name, world)
    page = web.get(url)
    if page.status_code != 200 or page.streaming or not page["Content-Type"].startswith("text/html"):
        return
    for form in _GET_FORM.findall(page.content):
        fields = [(_INPUT_NAME.search(tag[0]), tag[1].lower()) for tag in _TYPED_INPUT.finditer(form)]
        fields += [(tag, b"select") for tag in _SELECT.finditer(form)]
        for found, kind in fields:
            if found is None:
                continue
            field = found.group(1).decode()
            response = web.get(url, {field: _NOT_A[kind]})
            status = response.status_code
            assert status == 400, f"{name}: ?{field}= not a {kind.decode()} answered {status}"
            named = f'data-field="{field}"'.encode() in response.content
            assert named, f"{name}: the refusal names no {field}"


def _operation_cases():
    for key in sorted(OPERATIONS):
        for principal in [*PRINCIPALS, *KEY_PRINCIPALS]:
            yield pytest.param(key, principal, id=f"{key}-{principal}")


def _call(client, world, key: str, principal: str, *, foreign: bool = False, body: dict | None = None):
    method = key.split(" ", 1)[0]
    url = _operation_url(key, world, foreign=foreign)
    headers = {"X-API-Key": world.keys[principal]} if principal.startswith("key:") else {}
    _sign_in(client, world, principal)
    if method == "GET":
        return client.get(url, headers=headers)
    return client.generic(
        method, url, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


@pytest.mark.parametrize(("key", "principal"), list(_operation_cases()))
def test_api_matrix(world, web, key, principal):
    client = web
    declared = access.operation(key)
    allowed = _allowed(declared, principal)
    app_label = _app_of_operation(key)
    write = not key.startswith("GET ")
    before = _snapshot(app_label) if write and not allowed else None
    with _writes_without_audit() as unaudited:
        response = _call(client, world, key, principal)
    assert not unaudited, f"{key} wrote without an audit event: {unaudited}"
    denied_by = getattr(response.wsgi_request, "access_denied", None)
    if allowed:
        assert response.status_code not in (401, 403) and denied_by is None, (
            f"{principal} may call {key} but got {response.status_code}: {response.content[:200]!r}")
        assert response.status_code < 500
    elif principal == ANONYMOUS:
        assert response.status_code == 401, f"{key} answered {response.status_code} to an anonymous caller"
    else:
        assert response.status_code == 403 and denied_by, (
            f"{key} let {principal} through ({response.status_code})"
        )
    if before is not None:
        assert _snapshot(app_label) == before, f"a refused {key} changed something"


def _app_of_operation(key: str) -> str:
    first = key.split(" ", 1)[1].strip("/").split("/", 1)[0]
    return {"appeals-stats": "appeals", "whoami": "core", "audit": "core", "calendar": "core"}.get(
        first, first
    )


# --- object scope -------------------------------------------------------------------------------------------
# Pages and operations with an object in their URL: another party's object, and how to ask for it.
# A POST is only sent by the roles that must get 404 (the others would act on it).
FOREIGN_PAGES = {
    "appeals:detail": ("GET", lambda f: {"pk": f.appeal.pk}),
    "appeals:act": ("POST", lambda f: {"pk": f.appeal.pk, "action": "reply"}),
    # an appeal's file: another enterprise's (or unit's) answers 404, like its appeal
    "appeals:attachment": ("GET", lambda f: {"pk": f.appeal.attachments.get().pk}),
    "appeals_channels:operator_acknowledgement": (
        "GET",
        lambda f: {"tracking_number": f.appeal.tracking_number},
    ),
    "conduct:activity_detail": ("GET", lambda f: {"pk": f.activity.pk}),
    "conduct:activity_decide": ("POST", lambda f: {"pk": f.activity.pk}),
    "conduct:activity_report": ("POST", lambda f: {"pk": f.activity.pk}),
    "conduct:letter_pdf": ("GET", lambda f: {"pk": f.activity.pk}),
    "conduct:recusal_decide": ("POST", lambda f: {"pk": f.recusal.pk}),
    "conduct:gift_receipt": ("GET", lambda f: {"pk": f.gift.pk}),
    "conduct:gift_receipt_pdf": ("GET", lambda f: {"pk": f.gift.pk}),
    "directory:official_detail": ("GET", lambda f: {"pk": f.official.pk}),
    "directory:enterprise_detail": ("GET", lambda f: {"pk": f.enterprise.pk}),
    "directory:person_detail": ("GET", lambda f: {"pk": f.person.pk}),
    # supervision: a report the inspector is not assigned to answers 404 (the content is sealed to its
    # assignees)
    "supervision:report_detail": ("GET", lambda f: {"pk": f.report.pk}),
    "supervision:report_act": ("POST", lambda f: {"pk": f.report.pk, "action": "accept"}),
    "supervision:report_message": ("POST", lambda f: {"pk": f.report.pk}),
    "supervision:report_subject": ("POST", lambda f: {"pk": f.report.pk}),
    "supervision:report_outcome": ("POST", lambda f: {"pk": f.report.pk}),
    "supervision:report_handover": ("POST", lambda f: {"pk": f.report.pk}),
    "supervision:report_to_appeals": ("POST", lambda f: {"pk": f.report.pk}),
    "supervision:report_category": ("POST", lambda f: {"pk": f.report.pk}),
    "supervision:attachment": ("GET", lambda f: {"pk": f.report.pk, "attachment_id": 1}),
    # supervision: another organ's main-responsibility list (article 16)
    "supervision:duty_detail": ("GET", lambda f: {"pk": f.duty.pk}),
    "supervision:duty_responsible": ("POST", lambda f: {"pk": f.duty.pk}),
    "supervision:duty_task_add": ("POST", lambda f: {"pk": f.duty.pk}),
    "supervision:duty_task_import": ("POST", lambda f: {"pk": f.duty.pk}),
    "supervision:duty_task_progress": ("POST", lambda f: {"pk": f.duty_task.pk}),
    "supervision:duty_act": ("POST", lambda f: {"pk": f.duty.pk, "action": "file"}),
    "integrity:bribery_letter": ("GET", lambda f: {"pk": f.bribery.pk}),
    "integrity:application_letter": ("GET", lambda f: {"pk": f.integrity_decision.pk}),  # another party's
    # fairness: a review of another unit's reviewing office answers 404; administrators see every review
    "fairness:review_detail": ("GET", lambda f: {"pk": f.review.pk}),
    "fairness:review_pdf": ("GET", lambda f: {"pk": f.review.pk}),
    "fairness:review_docx": ("GET", lambda f: {"pk": f.review.pk}),
    "fairness:finding_decide": ("POST", lambda f: {"pk": f.finding.pk}),
    "fairness:finding_add": ("POST", lambda f: {"pk": f.review.pk}),
    "fairness:review_conclude": ("POST", lambda f: {"pk": f.review.pk}),
    "liaison:invitation": ("GET", lambda f: {"pk": f.consultation.pk}),
    # tolerance: another official's request answers 404; the discipline office sees every request
    "tolerance:request_detail": ("GET", lambda f: {"pk": f.tolerance.pk}),
    "tolerance:request_letter": ("GET", lambda f: {"pk": f.filing.pk}),  # another official's decision letter
    # the organisation department: a conclusion filed with another department answers 404
    "tolerance:filing_detail": ("GET", lambda f: {"pk": f.filing.pk}),
    # legal: another unit's (or enterprise's) registrations, cases and protection requests answer 404;
    # the discipline office, district leaders and administrators see every unit's
    "legal:action_detail": ("GET", lambda f: {"pk": f.action.pk}),
    "legal:action_act": ("POST", lambda f: {"pk": f.action.pk}),
    "legal:case_detail": ("GET", lambda f: {"pk": f.lawsuit.pk}),
    "legal:case_act": ("POST", lambda f: {"pk": f.lawsuit.pk}),
    "legal:protection_act": ("POST", lambda f: {"pk": f.protection.pk}),
    "legal:protection_letter": ("GET", lambda f: {"pk": f.protection.pk}),  # another enterprise's decision
    "legal:objection_letter": ("GET", lambda f: {"pk": f.objection.pk}),  # another enterprise's answer
    "legal:recommendation_answer": ("POST", lambda f: {"pk": f.recommendation.pk}),
    # commitments: another unit's (or enterprise's) commitment answers 404; the discipline office, district
    # leaders and administrators see every unit's
    "policy:education_plan_cancel": ("POST", lambda f: {"pk": f.education_plan.pk}),
    "commitments:detail": ("GET", lambda f: {"pk": f.commitment.pk}),
    "commitments:act": ("POST", lambda f: {"pk": f.commitment.pk}),
    "commitments:fund_application": ("GET", lambda f: {"pk": f.fund_application.pk}),
    "commitments:fund_application_act": ("POST", lambda f: {"pk": f.fund_application.pk}),
    "commitments:fund_letter": ("GET", lambda f: {"pk": f.fund_decision.pk}),  # another enterprise's decision
    # another enterprise's commitment decision
    "commitments:decision_letter": ("GET", lambda f: {"pk": f.commitment_decision.pk}),
    "liaison:opinion_letter": ("GET", lambda f: {"pk": f.opinion.pk}),  # another party's answered opinion
    "commitments:attachment": ("GET", lambda f: {"pk": f.commitment_document.pk}),
    # a large import's state and report (core.imports): only the user who started it, whatever the role
    "core:import_run": ("GET", lambda f: {"pk": f.import_run.pk}),
    "core:import_run_rejections": ("GET", lambda f: {"pk": f.import_run.pk}),
}
FOREIGN_OPERATIONS = {
    "GET /appeals/{tracking_number}": None,
    "POST /appeals/{tracking_number}/transitions": {"action": "reply", "data": {"text": "x"}},
    "GET /appeals/{tracking_number}/timeline": None,
    "POST /appeals/{tracking_number}/rating": {"satisfaction": "satisfied", "comment": ""},
    "GET /appeals/{tracking_number}/routing-suggestion": None,
    "GET /appeals/{tracking_number}/answer-suggestions": None,
    "POST /commitments/{pk}/breach": {"text": "x"},
    "POST /commitments/{pk}/progress": {"text": "x", "progress": 10},
    "POST /commitments/funds/applications/{application_id}/attachments": None,
}
# Object URLs with no narrower scope: everyone the declaration admits may see every such object.
NOT_SCOPED = {
    "transparency_receipt": "public: a filing receipt shows only its code and hashes, never the filing "
    "(core/tests/test_receipts.py)",
    "transparency_receipt_json": "public: a filing receipt's inclusion proof, hashes only",
    "receipt_short": "public: the receipt's short link redirects to its page",
    "appeals_channels:sms_tencent_callback": "the URL's token is the SMS provider's shared secret, not an "
    "object",
    "appeals:knowledge_edit": "editors work on the whole library",
    "appeals:knowledge_publish": "editors work on the whole library",
    "core:api_key_revoke": "administrators only",
    "core:calendar_year": "a public calendar year; administrators only",
    "core:portal_feed": "the public portal: a section's items published to the public, the same for "
    "everyone; unpublished ones are never listed (tests/test_portal.py)",
    "core:portal_xlsx": "the public portal: a section's items published to the public, the same for everyone "
    "(tests/test_portal.py)",
    "core:portal_item": "the public portal: an item published to the public; unpublished ones answer 404 to "
    "everyone (tests/test_portal.py)",
    "core:calendar_edit": "administrators only",
    "core:calendar_notice": "administrators only",
    "conduct:gift_hand_in": "the discipline office takes in any official's gift",
    "conduct:recusal_oversee": "district leaders and administrators decide any official's recusal but "
    "their own "
    "(conduct/tests/test_recusal_oversight.py)",
    "directory:unit_detail": "units are public bodies (article 2)",
    "directory:unit_edit": "administrators only",
    "directory:official_edit": "administrators only",
    "directory:related_person_create": "administrators only",
    "directory:related_person_end": "administrators only",
    "directory:enterprise_edit": "administrators only",
    "directory:enterprise_link_create": "administrators only",
    "directory:enterprise_link_end": "administrators only",
    "directory:person_reveal_id": "administrators and the discipline office see every person",
    "directory:import_template": "not an object: a template kind",
    "integrity:import_template": "not an object: a template kind",
    "policy:article": "the policy is public",
    "policy:document": "every library document and version is public (article 4)",
    "policy:measure_act": "the policy office tracks every supporting measure",
    "liaison:leader_detail": "the liaison office works on every leader",
    "liaison:link_add": "the liaison office works on every leader",
    "liaison:link_end": "the liaison office works on every leader",
    "liaison:list_create": "the liaison office works on every leader",
    "liaison:list_act": "the liaison office works on every responsibility list",
    "liaison:meeting_detail": "the liaison office works on every meeting",
    "liaison:meeting_act": "the liaison office works on every meeting",
    "liaison:problem_raise": "the liaison office works on every meeting",
    "liaison:follow_up_add": "the liaison office works on every meeting",
    "liaison:follow_up_done": "the liaison office works on every meeting",
    "liaison:decision_detail": "the liaison office works on every decision",
    "liaison:decision_act": "the liaison office works on every decision",
    "liaison:opinion_answer": "the liaison office works on every decision",
    "liaison:list_public": "published lists are public in their scope; drafts answer 404 to everyone "
                           "(liaison/tests/test_liaison.py)",
    "tolerance:request_act": "the discipline office acts on every fault-tolerance request",
    "commitments:public_detail": "published commitments are public in their scope; internal ones answer 404 "
                                 "to everyone (commitments/tests/test_commitments.py)",
    "commitments:public_attachment": "documents marked public of commitments published in the reader's "
    "scope, the same for everyone; others answer 404 to everyone "
    "(commitments/tests/test_documents_notices.py)",
    "tolerance:clearing_public": "published clearing notices are public; others answer 404 to everyone "
                                 "(tolerance/tests/test_tolerance.py)",
    "GET /policy/articles/{key}": "the policy is public",
    "GET /directory/enterprises/{uscc}": "every role admitted sees every enterprise",
    "GET /conduct/letters/{code}": "public verification by code",
    "GET /conduct/officials/{official_id}/conflicts": "the discipline office sees every official",
    "GET /calendar/years/{year}": "a calendar year is public information",
    "integrity:listing_detail": "the credit administrator, the discipline office and administrators see "
    "every listing",
    "integrity:application_decide": "the credit administrator decides every objection and application",
    "integrity:notice_delivered": "the credit administrator records the delivery of every notice",
    "integrity:notice_letter": "the credit administrator prints the written notice of every listing",
    "integrity:listing_publication": "the credit administrator and administrators set every listing's "
    "publication",
    "integrity:enterprise": "the credit administrator, the discipline office and administrators see every "
    "enterprise's "
    "record",
    "integrity:bribery_answer": "the credit administrator answers every bribery-record query",
    "integrity:comprehensive_detail": "the federation, the discipline office and the credit administrator "
    "work on every evaluation",
    "GET /integrity/checks/{check_id}": "check ids are unguessable (128 random bits); every caller "
    "admitted may verify a check",
    "supervision:report_assign": "the supervision office assigns any report from the queue (no content "
    "shown); one about the "
    "inspector themselves answers 404 (supervision/tests/test_reports.py)",
    "supervision:reminder_follow_up": "the discipline office follows up every early reminder (article 16)",
    "supervision:inspection_findings": "the discipline office records the findings of every inspection "
    "(article 18)",
    "supervision:case_publish": "any inspector but the drafter approves a typical case (article 18)",
    "fairness:rule_edit": "the reviewing offices keep the one rule set together (article 5)",
}


def test_every_object_url_has_an_object_scope_row():
    missing = sorted(name for name, pattern in PAGES.items()
                     if pattern.pattern.converters and name not in FOREIGN_PAGES and name not in NOT_SCOPED)
    missing += sorted(
        key for key in OPERATIONS if "{" in key and key not in FOREIGN_OPERATIONS and key not in NOT_SCOPED
    )
    assert not missing, (
        f"add another party's object to FOREIGN_PAGES / FOREIGN_OPERATIONS (or a reason to "
        f"NOT_SCOPED): {missing}"
    )


def _scope_cases():
    for name, (method, _kwargs) in sorted(FOREIGN_PAGES.items()):
        declared = access.page(name)
        for role in ROLES:
            if declared is None or not _allowed(declared, role):
                continue
            sees_all = role in declared.sees_all
            if method == "POST" and sees_all:
                continue
            yield pytest.param("page", name, role, sees_all, id=f"{name}-{role}")
    for key in sorted(FOREIGN_OPERATIONS):
        declared = access.operation(key)
        for role in ROLES:
            if declared is None or not _allowed(declared, role):
                continue
            sees_all = role in declared.sees_all
            if not key.startswith("GET ") and sees_all:
                continue
            yield pytest.param("operation", key, role, sees_all, id=f"{key}-{role}")


@pytest.mark.parametrize(("kind", "name", "role", "sees_all"), list(_scope_cases()))
def test_object_scope(world, web, kind, name, role, sees_all):
    client = web
    _sign_in(client, world, role)
    if kind == "page":
        method, kwargs = FOREIGN_PAGES[name]
        url = reverse(name, kwargs=kwargs(world.foreign))
        before = _snapshot(_app_of_page(name))
        response = client.get(url) if method == "GET" else client.post(url, WRITE)
        app_label = _app_of_page(name)
    else:
        before = _snapshot(_app_of_operation(name))
        response = _call(client, world, name, role, foreign=True, body=FOREIGN_OPERATIONS[name])
        app_label = _app_of_operation(name)
    if sees_all:
        assert response.status_code == 200, (
            f"{role} sees every object behind {name} but got {response.status_code}"
        )
    else:
        assert response.status_code == 404, (
            f"{role} asked {name} for another party's object: {response.status_code}"
        )
        assert _snapshot(app_label) == before


# --- workflow actions ---------------------------------------------------------------------------------------
def _action_cases():
    from qinqing.core import workflow

    for row in workflow.declared():
        action = f"{row['workflow']}.{row['action']}"
        for role in row["roles"] or ["(owner)"]:
            yield pytest.param(action, role, row["api_key"], id=f"{action}-{role}")


# Transitions the workflow admits a role to that no page or operation offers that role yet: (action, role) ->
# why.
# Each is an xfail(strict): once a page serves it, the case passes and the entry must go.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(("action", "role", "api_key"), list(_action_cases()))
def test_every_workflow_action_is_offered_to_the_roles_it_admits(action, role, api_key):
    """Each transition (core.workflow) is taken on a page or operation that declares it (``actions=``),
    and every role the transition admits may open one of them; an action open to API keys has an
    operation a key may call."""
    gap = KNOWN_GAPS.get((action, role))
    if gap:
        try:
            _assert_offered(action, role)
        except AssertionError:
            pytest.xfail(gap)
        pytest.fail(f"{action} is now offered to {role}: remove it from KNOWN_GAPS")
    _assert_offered(action, role)
    if api_key:
        assert any(
            isinstance(entry, access.Operation) and entry.scope for entry in access.where_taken(action)
        ), f"API keys may {action} but no operation that takes it admits a key"


def _assert_offered(action: str, role: str) -> None:
    where = access.where_taken(action)
    assert where, f"no page or operation declares actions=({action!r},) in its app's access.py"
    if role != "(owner)":
        assert any(_allowed(entry, role) for entry in where), (
            f"{role} may {action} but may open none of "
            f"{[getattr(e, 'name', getattr(e, 'key', '')) for e in where]}"
        )
