"""Handling-unit and track suggestions: learnt from past assignments, shown as a suggestion, never recorded by themselves."""  # noqa: E501

import datetime
import os
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory import services as directory_services
from qinqing.directory.models import UnitKind

from ..models import Appeal, Track
from ..routing import model as routing
from ..routing.samples import DEPARTMENTS, sample_appeals
from ..workflow import services
from . import factories

pytestmark = pytest.mark.django_db
D = datetime.date

# The demo district's codes and names for the sample departments.
DISTRICT_UNITS = {
    "税务局": ("ZF07", "区税务局"),
    "市场监督管理局": ("ZF03", "区市场监督管理局"),
    "住房和城乡建设局": ("ZF05", "区住房和城乡建设局"),
    "自然资源局": ("ZF08", "区自然资源局"),
    "发展和改革局": ("ZF02", "区发展和改革局"),
    "商务局": ("ZF06", "区商务局"),
    "行政审批局": ("ZF21", "区行政审批局"),
    "财政局": ("ZF04", "区财政局"),
    "人力资源和社会保障局": ("ZF10", "区人力资源和社会保障局"),
}
TAX_TEXT = (
    "我们是一家小微企业，今年三月提交了增值税留抵退税申请，到现在还没有退到账上，资金周转很困难，请问进度",
    "留抵退税一直没到账",
)


@pytest.fixture(scope="module")
def sample_bundle():
    """One model trained on the samples, shared by the tests of this module (training takes seconds)."""
    examples = [
        routing.Example(sample.text, DISTRICT_UNITS[sample.department][0], sample.track)
        for sample in sample_appeals()
    ]
    report, bundle = routing.train(examples, minimum=30)
    assert bundle is not None
    return report, bundle


@pytest.fixture
def model_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def district(db):
    factories.load_calendar()
    from qinqing.directory.models import OrganType

    return {
        department: directory_services.unit_create(
            code=code, name=name, kind=UnitKind.ORGAN, organ_type=OrganType.values[0], actor=factories.SYSTEM
        )
        for department, (code, name) in DISTRICT_UNITS.items()
    }


def _appeal(content, title):
    return factories.file_appeal(content=content, title=title, received_at=D(2025, 9, 1))


def test_the_samples_cover_every_department_and_all_three_tracks():
    samples = sample_appeals()
    assert {sample.department for sample in samples} == {department.key for department in DEPARTMENTS}
    assert {sample.track for sample in samples} == set(Track.values)


def test_model_trained_on_the_samples_suggests_the_tax_bureau_for_a_held_out_tax_question(
    sample_bundle, district, model_dir
):
    report, bundle = sample_bundle
    routing.save(bundle)
    appeal = _appeal(*TAX_TEXT)

    suggestion = routing.suggest(appeal)

    assert suggestion.unit == district["税务局"]
    assert 0.3 < suggestion.unit_probability <= 1
    assert suggestion.track == Track.RESOLVE and suggestion.track_probability > 0.5
    assert (
        suggestion.top3[0] == (district["税务局"], suggestion.unit_probability) and len(suggestion.top3) == 3
    )
    assert suggestion.model_trained_at == report.trained_at
    assert report.unit_accuracy > 0.8 and report.track_accuracy > 0.7


def test_an_appeal_needing_a_higher_level_is_suggested_the_escalate_track(sample_bundle, district, model_dir):
    routing.save(sample_bundle[1])
    appeal = _appeal(
        "我公司施工许可证的审批权限在省级，该事项需要国家部委层面调整规定，请帮忙向上反映",
        "施工许可审批权限在省级",
    )

    assert routing.suggest(appeal).track == Track.ESCALATE


def test_suggesting_writes_nothing(sample_bundle, district, model_dir):
    routing.save(sample_bundle[1])
    appeal = _appeal(*TAX_TEXT)
    events = AuditEvent.objects.count()

    routing.suggest(appeal)

    appeal.refresh_from_db()
    assert appeal.handling_unit is None and appeal.track == "" and AuditEvent.objects.count() == events


def test_a_deactivated_unit_is_never_suggested(sample_bundle, district, model_dir):
    routing.save(sample_bundle[1])
    directory_services.unit_update(unit=district["税务局"], actor=factories.SYSTEM, is_active=False)

    suggestion = routing.suggest(_appeal(*TAX_TEXT))

    assert district["税务局"] not in [unit for unit, _probability in suggestion.top3]


def test_too_few_past_assignments_give_no_model_and_no_suggestion(district, model_dir):
    examples = [
        routing.Example(sample.text, DISTRICT_UNITS[sample.department][0], sample.track)
        for sample in sample_appeals()[:29]
    ]

    report, bundle = routing.train(examples, minimum=30)

    assert bundle is None and not report.trained
    assert report.reason == str(routing.NOT_ENOUGH_HISTORY)
    assert routing.suggest(_appeal(*TAX_TEXT)) is None


def test_a_single_unit_in_the_history_gives_no_model(district, model_dir):
    examples = [routing.Example(f"第{number}号诉求 留抵退税", "ZF07", Track.RESOLVE) for number in range(40)]

    report, bundle = routing.train(examples, minimum=30)

    assert bundle is None and report.sample_count == 40


def test_retrain_command_prints_accuracy_and_writes_the_model(district, model_dir):
    out = StringIO()

    call_command("appeals_train", "--with-samples", stdout=out)

    text = out.getvalue()
    assert "unit accuracy (cross-validated): " in text and "track accuracy (cross-validated): " in text
    assert "generated 216" in text
    assert (model_dir / "models" / "appeal_routing.joblib").exists()
    metadata = routing.model_metadata()
    assert (
        metadata["sample_count"] == 216
        and metadata["unit_counts"]["ZF07"] == 24
        and 0 < metadata["unit_accuracy"] <= 1
    )


def test_retrain_command_without_enough_history_writes_nothing_and_says_why(district, model_dir):
    with translation.override("en"), pytest.raises(CommandError, match="Not enough past assignments"):
        call_command("appeals_train", stdout=StringIO())

    assert not (model_dir / "models" / "appeal_routing.joblib").exists()


def test_training_learns_from_this_districts_past_assignments(district, model_dir, make_user):
    supervisor = make_user(Role.DISTRICT_LEADER)
    for sample in sample_appeals(per_department=4)[:32]:
        appeal = _appeal(sample.content, sample.title)
        services.appeal_triage(appeal=appeal, track=sample.track, actor=supervisor)
        services.appeal_assign(appeal=appeal, unit=district[sample.department], actor=supervisor)

    report = routing.train_and_save(minimum=30)

    assert report.trained and report.history_count == 32 and report.generated_count == 0
    assert sum(report.unit_counts.values()) == 32 and len(report.unit_counts) == 8
    assert routing.suggest(_appeal(*TAX_TEXT)) is not None


def test_the_model_is_reloaded_when_the_file_changes(sample_bundle, district, model_dir):
    routing.save(sample_bundle[1])
    first = routing.load_model()
    assert routing.load_model() is first  # cached
    other = dict(
        sample_bundle[1], metadata={**sample_bundle[1]["metadata"], "trained_at": "2020-01-01T00:00:00+00:00"}
    )
    path = routing.save(other)
    os.utime(path, ns=(1, 1))  # a different modification time, whatever the clock's resolution

    assert routing.load_model()["metadata"]["trained_at"] == "2020-01-01T00:00:00+00:00"


# --- the detail page ---------------------------------------------------------------------
def test_supervisor_sees_the_suggestion_labelled_as_such_and_can_prefill_the_forms(
    sample_bundle, district, model_dir, client, make_user
):
    routing.save(sample_bundle[1])
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = _appeal(*TAX_TEXT)
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    client.force_login(supervisor)

    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "建议，由人工决定" in page and 'data-testid="suggested-unit">区税务局<' in page
    assert page.count("由人工决定") == 1  # said once (it was also written in Chinese beside the translation)
    assert 'href="?prefill=routing#routing-suggestion"' in page
    client.cookies["django_language"] = "en"
    english = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "a suggestion; a person decides" in english and "由人工决定" not in english
    client.cookies["django_language"] = "zh-hans"

    prefilled = client.get(
        reverse("appeals:detail", args=[appeal.pk]), {"prefill": "routing"}
    ).content.decode()
    assert 'data-testid="prefilled-assign"' in prefilled
    assert f'<option value="{district["税务局"].pk}" selected>区税务局</option>' in prefilled
    appeal.refresh_from_db()
    assert appeal.handling_unit is None  # a person still has to press Assign


def test_without_a_model_the_page_says_there_is_not_enough_history(district, model_dir, client, make_user):
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = _appeal(*TAX_TEXT)
    client.force_login(supervisor)

    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()

    with translation.override("zh-hans"):
        message = str(routing.NOT_ENOUGH_HISTORY)
    assert 'data-testid="no-suggestion"' in page and message in page
    assert 'data-testid="suggested-unit"' not in page


def test_the_enterprise_does_not_see_routing_suggestions(sample_bundle, district, model_dir, client):
    routing.save(sample_bundle[1])
    user, enterprise = factories.make_enterprise_user()
    appeal = factories.file_appeal(enterprise=enterprise, content=TAX_TEXT[0], title=TAX_TEXT[1], actor=user)
    client.force_login(user)

    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()

    assert 'data-testid="routing-suggestion"' not in page
    assert Appeal.objects.get(pk=appeal.pk).handling_unit is None


def test_the_assign_form_itself_starts_on_the_suggested_unit_and_the_handler_on_the_current_one(
        sample_bundle, district, model_dir, client, make_user):
    """Issue 20: the 交办 dropdown started on the first unit of the list (示范区), not the suggestion;
    the 研判 selects had no visible label; the 经办人 select did not show the current handler."""
    import re

    routing.save(sample_bundle[1])
    supervisor = make_user(Role.DISTRICT_LEADER)
    appeal = _appeal(*TAX_TEXT)
    client.force_login(supervisor)
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    for name in ("track", "complexity", "category"):
        assert re.search(
            rf'<label for="triage-{name}">[^<]+</label><select name="{name}" id="triage-{name}"', page
        )
    services.appeal_triage(appeal=appeal, track=Track.RESOLVE, actor=supervisor)
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    form = page[page.index('data-testid="form-assign"'):]
    form = form[:form.index("</form>")]
    assert re.search(rf'<option value="{district["税务局"].pk}" selected>区税务局（建议）</option>', form), (
        form
    )
    assert form.count(" selected") == 1
    # Assigned: the handler select starts on the current handler.
    tax = district["税务局"]
    services.appeal_assign(appeal=appeal, unit=tax, actor=supervisor)
    _first_user, first = factories.make_handler(tax)
    _second_user, second = factories.make_handler(tax)
    services.appeal_assign_handler(appeal=appeal, official=second, actor=supervisor)
    page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    handler_form = page[page.index('data-testid="form-handler"'):]
    handler_form = handler_form[:handler_form.index("</form>")]
    assert '<label for="handler-official">' in handler_form
    assert (
        f'<option value="{second.pk}" selected>' in handler_form
        and f'<option value="{first.pk}" selected>' not in handler_form
    )


def test_a_model_pickled_before_routing_became_a_package_still_loads():
    """Its pickle names the tokenizer qinqing.appeals.routing.tokenize (the module before the move)."""
    import pickle

    moved_from = routing.tokenize.__module__
    routing.tokenize.__module__ = "qinqing.appeals.routing"
    try:
        old_pickle = pickle.dumps({"tokenizer": routing.tokenize})
    finally:
        routing.tokenize.__module__ = moved_from
    assert b"qinqing.appeals.routing\n" in old_pickle or b"qinqing.appeals.routing\x94" in old_pickle
    assert pickle.loads(old_pickle)["tokenizer"] is routing.tokenize  # noqa: S301 (our own bytes)
