"""The rules are data with their own examples; the labeled corpus measures them (article 5)."""

import json
import re
from pathlib import Path

import pytest

from qinqing.fairness import engine, services
from qinqing.fairness.models import Kind, Rule
from qinqing.fairness.tests import corpus

pytestmark = pytest.mark.django_db


def _rules():
    return services.active_rules()


def test_every_kind_the_issue_names_has_a_seeded_rule_with_basis_fix_and_examples():
    rules = list(Rule.objects.all())
    assert {rule.kind for rule in rules} == set(Kind.values)
    for rule in rules:
        assert "第五条" in rule.basis and rule.suggestion and rule.explanation, rule.code
        assert rule.positive_examples.strip() and rule.negative_examples.strip(), rule.code


SEED_CODES = [
    row["code"]
    for row in json.loads((Path(engine.__file__).parent / "seed" / "rules.json").read_text("utf-8"))
]


@pytest.mark.parametrize("code", SEED_CODES)
def test_each_rule_flags_its_positive_examples_and_no_rule_flags_its_negative_ones(code):
    rules = _rules()
    rule = Rule.objects.get(code=code)
    mine = next(compiled for compiled in rules if compiled.code == code)
    for example in services._lines(rule.positive_examples):
        assert engine.matches(mine, engine.normalise(example)), (code, example)
    for example in services._lines(rule.negative_examples):
        assert engine.check_text(example, rules) == [], (code, example)


def test_the_basis_cites_the_national_rules_by_article():
    texts = " ".join(Rule.objects.values_list("basis", flat=True))
    for citation in (
        "第二十条",
        "第三十二条",
        "财库〔2020〕46号",
        "《公平竞争审查条例》第八条",
        "第九条",
        "第十条",
        "第十一条",
    ):
        assert citation in texts


@pytest.mark.parametrize(
    "clause",
    [
        "具有独立承担民事责任的能力；",
        "具有良好的商业信誉和健全的财务会计制度；",
        "有依法缴纳税收和社会保障资金的良好记录；",
        "参加政府采购活动前三年内，在经营活动中没有重大违法记录；",
        "投标人须具有建设行政主管部门颁发的建筑工程施工总承包三级及以上资质。",
        "法律、行政法规规定的其他条件。",
    ],
)
def test_lawful_standard_clauses_produce_no_finding(clause):
    assert engine.check_text(clause, _rules()) == []


def test_a_clause_stating_the_prohibition_is_not_flagged_but_the_same_words_as_a_requirement_are():
    rules = _rules()
    assert engine.check_text("本项目不以注册资本、营业收入作为资格要求或者评审因素。", rules) == []
    assert [r.code for r in engine.check_text("投标人注册资本、营业收入均不低于1000万元。", rules)]


def test_corpus_precision_and_recall_meet_the_bar_overall_and_per_kind():
    rows = corpus.load()
    assert len(rows) >= 150
    assert {label for label, _s, _t in rows} >= set(Kind.values) | {"lawful"}
    sources = (corpus.HERE / "SOURCES.md").read_text("utf-8")
    assert all(re.search(rf"^\| {source} \|", sources, re.M) for _l, source, _t in rows)
    result = corpus.score(rows, _rules())
    assert result["overall"]["precision"] >= 0.9, result["mistakes"]
    assert result["overall"]["recall"] >= 0.9, result["mistakes"]
    for kind, figures in result["kinds"].items():
        assert figures["precision"] >= 0.8 and figures["recall"] >= 0.8, (kind, figures, result["mistakes"])


def test_held_out_clauses_written_after_the_rules_were_frozen_are_scored_too():
    """Clauses the rules were never tuned on; the bar applies to them as well."""
    result = corpus.score(corpus.load("held_out.tsv"), _rules())
    assert result["overall"]["precision"] >= 0.9, result["mistakes"]
    assert result["overall"]["recall"] >= 0.9, result["mistakes"]


def test_a_rule_edit_that_breaks_its_own_examples_is_refused_and_a_good_one_is_audited():
    from qinqing.core.errors import ServiceError
    from qinqing.core.models import AuditEvent

    rule = Rule.objects.get(code="registered-capital")
    rule.pattern = "注册地"  # no longer flags "注册资本不低于1000万元"
    with pytest.raises(ServiceError) as refused:
        services.rule_save(actor=None, rule=rule)
    assert refused.value.field == "positive_examples"
    rule.pattern = "注册(资本"
    with pytest.raises(ServiceError) as refused:
        services.rule_save(actor=None, rule=rule)
    assert refused.value.field == "pattern"
    rule = Rule.objects.get(code="registered-capital")
    rule.negative_examples += "\n注册资本以营业执照记载为准。"
    services.rule_save(actor=None, rule=rule)
    event = AuditEvent.objects.filter(action="fairness.rule.update").latest("seq")
    assert "negative_examples" in event.changes


def test_the_rules_come_back_after_a_flush_emptied_the_table():
    from qinqing.fairness.apps import seed_rules_if_empty

    Rule.objects.all().delete()
    seed_rules_if_empty()
    assert Rule.objects.count() == len(SEED_CODES)
    seed_rules_if_empty()  # a database with rules is left alone
    assert Rule.objects.count() == len(SEED_CODES)
