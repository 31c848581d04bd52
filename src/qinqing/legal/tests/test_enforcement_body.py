"""An enforcement or judicial body's own account (Role.ENFORCEMENT_BODY): its own body's measures,
inspections, charges, objections and flags; the lawsuits where it is the party or the court; another
body's rows 404; the pages of other apps and the discipline office's settings 403.
The department-handler path keeps working."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from qinqing.core import audit
from qinqing.core.errors import PermissionDeniedError, ServiceError
from qinqing.core.roles import Role
from qinqing.directory.models import OrganType
from qinqing.directory.tests import factories as directory
from qinqing.legal import selectors, services
from qinqing.legal.models import ObjectionStatus

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 20)


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    police = directory.make_unit(name="区公安分局")
    court = directory.make_unit(name="示范区人民法院", organ_type=OrganType.COURT)
    bureau = directory.make_unit(name="区市场监管局")
    police_user = make_user(Role.ENFORCEMENT_BODY)
    directory.make_official(unit=police, name="马骏", user=police_user)
    court_user = make_user(Role.ENFORCEMENT_BODY)
    directory.make_official(unit=court, name="方法官", user=court_user)
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler)
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司")
    enterprise_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=enterprise_user, enterprise=enterprise)
    return {
        "police": police,
        "court": court,
        "bureau": bureau,
        "police_user": police_user,
        "court_user": court_user,
        "handler": handler,
        "enterprise": enterprise,
        "enterprise_user": enterprise_user,
    }


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _measure(w, unit, actor, **extra):
    return services.action_register(
        enterprise=w["enterprise"], unit=unit, kind="measure", subtype="freeze", started_on=DAY, actor=actor,
        **extra,
    )


def test_the_body_registers_for_its_own_body_only_and_another_bodys_rows_answer_404(world):
    w = world
    client = _client(w["police_user"])
    response = client.post(
        reverse("legal:register"),
        {
            "enterprise": w["enterprise"].uscc,
            "kind": "measure",
            "subtype": "seize",
            "started_on": "2026-11-25",
            "legal_basis": "《刑事诉讼法》第一百四十一条",
            "harm_limitation": "只扣押涉案车辆",
        },
    )
    assert response.status_code == 302
    own = selectors.actions(w["police_user"]).get()
    assert own.unit == w["police"] and own.registered_by == w["police_user"]
    # the service refuses another body's unit for it; the handler path keeps working for the bureau
    with pytest.raises(PermissionDeniedError):
        _measure(w, w["bureau"], w["police_user"], legal_basis="x")
    theirs = _measure(w, w["bureau"], w["handler"])  # no basis: flagged
    assert client.get(reverse("legal:action_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("legal:action_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("legal:action_act", args=[theirs.pk]), {"step": "lift"}).status_code == 404
    assert theirs.pk not in [row.pk for row in selectors.actions(w["police_user"])]
    # its flags are its own body's: the bureau's measure without a basis is not among them
    assert [f.action.pk for f in selectors.flags(w["police_user"])] == []
    own_unbased = _measure(w, w["police"], w["police_user"])
    flagged = [(f.code, f.action.pk) for f in selectors.flags(w["police_user"])]
    assert flagged == [("no_basis", own_unbased.pk)]
    page = client.get(reverse("legal:flags")).content.decode()
    assert "区公安分局" in page and "区市场监管局" not in page
    # lifting its own measure works
    assert client.post(reverse("legal:action_act", args=[own.pk]), {"step": "lift"}).status_code == 302
    own.refresh_from_db()
    assert own.lifted_on == datetime.date(2026, 11, 30)
    assert audit.verify_chain().ok


def test_the_body_answers_objections_to_its_own_records_only(world):
    w = world
    own = _measure(w, w["police"], w["police_user"], legal_basis="依据")
    theirs = _measure(w, w["bureau"], w["handler"], legal_basis="依据")
    mine = services.objection_raise(action=own, text="冻结金额超出涉案金额", actor=w["enterprise_user"])
    other = services.objection_raise(action=theirs, text="无依据", actor=w["enterprise_user"])
    client = _client(w["police_user"])
    response = client.post(
        reverse("legal:action_act", args=[own.pk]),
        {"step": "answer", "objection": mine.pk, "answer": "已解除超额部分"},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.status == ObjectionStatus.ANSWERED
    response = client.post(
        reverse("legal:action_act", args=[theirs.pk]),
        {"step": "answer", "objection": other.pk, "answer": "x"},
    )
    assert response.status_code == 404
    with pytest.raises(PermissionDeniedError):
        services.objection_answer(objection=other, answer="x", actor=w["police_user"])


def test_the_court_follows_the_cases_it_tries_and_the_party_records_its_cooperation(world):
    w = world
    case = services.case_register(
        enterprise=w["enterprise"], unit=w["bureau"], kind="administrative", court="", court_unit=w["court"],
        case_number="（2026）示0101行初7号", filed_on=DAY, actor=w["handler"],
    )
    assert case.court == "示范区人民法院"
    elsewhere = services.case_register(
        enterprise=w["enterprise"], unit=w["bureau"], kind="civil", court="外区人民法院",
        case_number="（2026）外0101民初8号", filed_on=DAY, actor=w["handler"],
    )
    court = _client(w["court_user"])
    police = _client(w["police_user"])
    assert court.get(reverse("legal:case_detail", args=[case.pk])).status_code == 200
    assert court.get(reverse("legal:case_detail", args=[elsewhere.pk])).status_code == 404
    # neither the party nor the court
    assert police.get(reverse("legal:case_detail", args=[case.pk])).status_code == 404
    # the court records its evidence requests and the judgment; not the party's own cooperation
    response = court.post(
        reverse("legal:case_act", args=[case.pk]),
        {"step": "court", "court_record": "调取执法案卷，被告按期提交"},
    )
    assert response.status_code == 302
    response = court.post(
        reverse("legal:case_act", args=[case.pk]),
        {"step": "outcome", "outcome": "judgment", "outcome_on": "2026-11-25", "cooperation": "篡改"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.court_record == "调取执法案卷，被告按期提交" and case.outcome == "judgment"
    assert case.cooperation == ""  # the court's form has no cooperation field
    with pytest.raises(PermissionDeniedError):
        services.case_update(case=case, cooperation="篡改", actor=w["court_user"])
    response = court.post(
        reverse("legal:case_act", args=[case.pk]),
        {"step": "obligation", "text": "撤销处罚决定", "due_on": "2026-12-20"},
    )
    assert response.status_code == 302
    obligation = case.obligations.get()
    # performing the judgment is the party's: the court cannot, the party's handler can
    with pytest.raises(PermissionDeniedError):
        services.obligation_perform(obligation=obligation, performance="x", actor=w["court_user"])
    services.obligation_perform(obligation=obligation, performance="已撤销", actor=w["handler"])
    handler = _client(w["handler"])
    assert handler.get(reverse("legal:case_detail", args=[case.pk])).status_code == 200
    # the court's record is the court's: the party's handler and another body cannot write it
    with pytest.raises(PermissionDeniedError):
        services.case_court_record(case=case, text="x", actor=w["handler"])
    assert police.post(
        reverse("legal:case_act", args=[case.pk]), {"step": "court", "court_record": "x"}
    ).status_code == 404
    page = court.get(reverse("legal:case_detail", args=[case.pk])).content.decode()
    assert "调取执法案卷" in page and 'data-testid="court-form"' in page and 'name="performance"' not in page


def test_a_body_that_is_the_party_records_its_cooperation(world):
    w = world
    case = services.case_register(
        enterprise=w["enterprise"], unit=w["police"], kind="administrative", court="示范区人民法院",
        court_unit=w["court"], case_number="（2026）示0101行初9号", filed_on=DAY, actor=w["police_user"],
    )
    client = _client(w["police_user"])
    response = client.post(
        reverse("legal:case_act", args=[case.pk]),
        {"step": "outcome", "cooperation": "按期提交证据材料，负责人出庭应诉", "outcome": ""},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.cooperation == "按期提交证据材料，负责人出庭应诉"
    # the party may not write the court's record
    assert client.post(
        reverse("legal:case_act", args=[case.pk]), {"step": "court", "court_record": "x"}
    ).status_code == 403


def test_a_court_unit_must_be_a_court(world):
    w = world
    with pytest.raises(ServiceError) as error:
        services.case_register(
            enterprise=w["enterprise"], unit=w["bureau"], kind="civil", court="x", court_unit=w["police"],
            case_number="（2026）1号", filed_on=DAY, actor=w["handler"],
        )
    assert error.value.field == "court_unit"


def test_the_body_opens_nothing_else(world):
    client = _client(world["police_user"])
    for name in ("legal:settings", "legal:mine", "tolerance:requests", "appeals:dashboard"):
        assert client.get(reverse(name)).status_code == 403, name
    for name in ("legal:register", "legal:flags", "legal:cases", "legal:protections"):
        assert client.get(reverse(name)).status_code == 200, name


def test_a_courts_own_measure_after_the_lawsuit_is_not_flagged_as_retaliation(world):
    """Article 13 (3): retaliation is an administrative organ's abuse of its power against the party that
    sued; a court's preservation freeze in the proceedings is not, another body's measure still is."""
    w = world
    services.case_register(
        enterprise=w["enterprise"], unit=w["bureau"], kind="administrative", court="", court_unit=w["court"],
        case_number="（2026）示0101行初10号", filed_on=datetime.date(2026, 11, 10), actor=w["handler"],
    )
    freeze = _measure(w, w["court"], w["court_user"], legal_basis="《民事诉讼法》第一百零三条")
    seizure = _measure(w, w["police"], w["police_user"], legal_basis="《刑事诉讼法》第一百四十一条")
    codes = {(f.code, f.action.pk) for f in selectors.flags_of([freeze, seizure])}
    assert codes == {("retaliation", seizure.pk)}
