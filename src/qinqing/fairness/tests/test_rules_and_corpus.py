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
        # the 2025 implementing measures, where the article was verified (docs/PERFORMANCE.md)
        "《公平竞争审查条例实施办法》（国家市场监督管理总局令第99号）第十二条第（二）项",
        "《公平竞争审查条例实施办法》（国家市场监督管理总局令第99号）第十四条",
        "《公平竞争审查条例实施办法》（国家市场监督管理总局令第99号）第十九条第（一）项",
    ):
        assert citation in texts
    for rule in Rule.objects.all():  # the seed's own article once, first
        assert rule.basis.startswith("《关于构建亲清新型政商关系的实施办法》第五条"), rule.code
        assert rule.basis.count("《关于构建亲清新型政商关系的实施办法》第五条") == 1, rule.code


@pytest.mark.parametrize("clause", corpus.LAWFUL_STANDARD)
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


@pytest.mark.parametrize(
    "name, least", [("published.tsv", 30), ("published_held_out.tsv", 12), ("published_third.tsv", 15)]
)
def test_clauses_quoted_from_published_cases_carry_their_source_and_meet_the_bar(name, least):
    """Clauses quoted from the regulator's cases and real tender documents, each with its source."""
    rows = corpus.load(name)
    assert len(rows) >= least
    for _label, source, text in rows:
        where, title = source.split(" | ", 1)
        assert where.startswith("http") or where.startswith("address not returned"), text
        assert re.search(r"20\d\d|《", title), (title, text)  # a date or a named publication
    assert "lawful" in {label for label, _s, _t in rows}
    result = corpus.score(rows, _rules())
    assert result["overall"]["precision"] >= 0.9, result["mistakes"]
    assert result["overall"]["recall"] >= 0.9, result["mistakes"]
    lawful = [text for label, _s, text in rows if label == "lawful"]
    assert [text for text in lawful if engine.check_text(text, _rules())] == []


@pytest.mark.parametrize(
    "clause, code",
    [
        ("民营企业申请政策性担保的，担保费率上浮20%。", "ownership-differential"),
        ("区属国有企业办理项目审批享受绿色通道，容缺受理。", "ownership-differential"),
        (
            "骨干企业在工程项目承发包中享受免予招标资格预审、投标保证金减半收取等优惠。",
            "selected-operator-favours",
        ),
        ("确定XX网络科技有限公司为本区独家共享单车经营企业。", "exclusive-right"),
        ("获得补贴支持的企业，自补贴资金到账之日起5年内迁出本区的，须全额退还补贴资金。", "exit-restriction"),
    ],
)
def test_policy_document_clauses_breaking_the_four_guarantees_are_flagged(clause, code):
    assert code in [rule.code for rule in engine.check_text(clause, _rules())]


@pytest.mark.parametrize(
    "clause",
    [
        "政策性融资担保对各类所有制企业同等适用，担保费率不超过1%。",
        "对研发投入达到规定比例的企业，按公开的认定标准给予补贴，各类所有制企业均可申报。",
        "特许经营者通过公开招标方式确定，特许经营期限为十五年。",
        # the law stated, or a case reported, is not the practice imposed
        "采购人以特定行政区域或者特定行业的业绩、奖项作为加分条件，属于以不合理的条件对供应商实行差别待遇或者歧视待遇。",
    ],
)
def test_equal_treatment_and_statements_of_the_law_are_not_flagged(clause):
    assert engine.check_text(clause, _rules()) == []


def test_the_rules_migration_keeps_a_rule_a_reviewer_edited_and_revises_the_others():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("qinqing.fairness.migrations.0004_rules_from_published_cases")
    edited = Rule.objects.get(code="buy-local")
    edited.negative_examples += "\n鼓励使用节能环保产品，不限产地。"
    services.rule_save(actor=None, rule=edited)  # audited as fairness.rule.update
    untouched = Rule.objects.get(code="local-branch")
    Rule.objects.filter(pk=untouched.pk).update(pattern="分公司")  # an old seed's pattern
    Rule.objects.filter(pk=edited.pk).update(pattern="(本地企业)")
    Rule.objects.filter(code="exclusive-right").delete()
    migration.seed(apps, None)
    assert Rule.objects.get(code="buy-local").pattern == "(本地企业)"  # the reviewer's version stays
    assert Rule.objects.get(code="local-branch").pattern != "分公司"  # revised from the seed
    assert Rule.objects.filter(code="exclusive-right").exists()  # a new rule is created


def test_a_real_policy_document_the_districts_own_measures_produces_no_finding():
    """The seed policy (a real published policy document, full of “不得……” and “平等……” sentences and
    of the support measures a district offers) read end to end as an upload: no false alarm."""
    from qinqing.fairness import clauses, extract

    path = Path(engine.__file__).parents[1] / "policy" / "seed" / "000_05657dc94ecfa202.txt"
    kind, blocks = extract.extract(path.read_bytes(), path.name)
    found = clauses.split(blocks)
    assert kind == "txt" and len(found) > 50
    result = engine.check_clauses(found, _rules())
    assert [(f.rule.code, f.clause.text) for f in result.findings] == []


def test_the_fourth_and_fifth_quoted_batches_tuned_on_meet_the_bar():
    """Real wording nobody here wrote (regulators' cases, real tender notices). The fourth batch was
    split by a fixed hash before any rule was revised on it; migration 0005 was tuned on one half
    (held-out half then measured: clause recall 0.50), migration 0006 on both halves. The fifth batch
    was held out from 0005 and 0006 (clause recall 0.21 at first sight) and then tuned on by the
    concept-level rules of migration 0007, so both batches must now meet the bar (docs/PERFORMANCE.md)."""
    rows = corpus.load("published_fourth.tsv")
    lawful = [r for r in rows if r[0] == "lawful"]
    assert len(rows) - len(lawful) >= 40 and len(lawful) >= 30
    fifth = corpus.load("published_fifth.tsv")
    for _label, source, text in rows + fifth:
        where, title = source.split(" | ", 1)
        assert where.startswith("http") or where.startswith("address not returned"), text
        assert re.search(r"20\d\d|《", title), (title, text)
    tuning, held_out = corpus.fourth_split(rows)
    assert len(tuning) + len(held_out) == len(rows) and min(len(tuning), len(held_out)) >= 30
    rules = _rules()
    for batch in (rows, fifth):
        tuned = corpus.score(batch, rules)
        assert tuned["overall"]["precision"] >= 0.9 and tuned["overall"]["recall"] >= 0.9, tuned["mistakes"]
        assert tuned["clauses"]["fp"] == 0, tuned["mistakes"]


def _assert_sourced(rows) -> None:
    """Every quoted clause names where it comes from: an address (or "address not returned") and a
    title with a year or a document name."""
    for _label, source, text in rows:
        where, title = source.split(" | ", 1)
        assert where.startswith("http") or where.startswith("address not returned"), text
        assert re.search(r"20\d\d|《", title), (title, text)


def test_the_sixth_quoted_batch_held_out_from_0007_then_tuned_on_by_0008():
    """82 real clauses (59 problematic, 23 lawful) collected before migration 0007 and scored once after
    its rules were frozen: clause precision 30/31, recall 30/59 = 0.51 at first sight
    (docs/PERFORMANCE.md, "Generalising the rules"). Migration 0008 was then written from its misses,
    so it is tuned on now: no lawful clause flagged and clause recall at the bar."""
    rows = corpus.load("published_sixth.tsv")
    problematic = [r for r in rows if r[0] != "lawful"]
    assert len(rows) >= 40 and len(problematic) >= 40 and len(rows) - len(problematic) >= 20
    _assert_sourced(rows)
    tuned = corpus.score(rows, _rules())
    assert tuned["clauses"]["fp"] == 0, tuned["mistakes"]
    assert tuned["clauses"]["recall"] >= 0.9, tuned["mistakes"]


def test_the_seventh_quoted_batch_held_out_from_0008_then_tuned_on_by_0009():
    """26 real clauses (21 problematic, mostly policy measures; 5 lawful) collected before migration 0008
    and scored once after it was frozen: clause precision 6/6, recall 6/21 = 0.29 at first sight. Migration
    0009 was written from its misses (and the sixth's and eighth's), so it is tuned on now: no lawful
    clause flagged and clause recall at the bar (docs/PERFORMANCE.md, "Generalising the rules")."""
    rows = corpus.load("published_seventh.tsv")
    assert len(rows) >= 25 and {label for label, _s, _t in rows} >= {"lawful", "policy", "location"}
    _assert_sourced(rows)
    tuned = corpus.score(rows, _rules())
    assert tuned["clauses"]["fp"] == 0, tuned["mistakes"]
    assert tuned["clauses"]["recall"] >= 0.9, tuned["mistakes"]


def test_the_eighth_quoted_batch_held_out_from_0008_then_tuned_on_by_0009():
    """71 real clauses (50 problematic: 28 tender or procurement items, 10 licensing conditions, 12 policy
    measures; 21 lawful sentences of real procurement notices) collected after the seventh batch was scored
    and before any change after migration 0008, scored once with 0008's rules: clause precision 19/19,
    recall 19/50 = 0.38 at first sight (tender items 9/28). Migration 0009 was written from its misses, so
    it is tuned on now: no lawful clause flagged and clause recall at the bar."""
    rows = corpus.load("published_eighth.tsv")
    problematic = [r for r in rows if r[0] != "lawful"]
    assert len(problematic) >= 50 and len(rows) - len(problematic) >= 15
    _assert_sourced(rows)
    tuned = corpus.score(rows, _rules())
    assert tuned["clauses"]["fp"] == 0, tuned["mistakes"]
    assert tuned["clauses"]["recall"] >= 0.9, tuned["mistakes"]


def test_the_ninth_quoted_batch_held_out_from_0009():
    """32 real clauses (23 problematic; 9 lawful sentences of real procurement notices) collected and
    committed before migration 0009 was written, scored once with its final rules: clause precision 8/8,
    recall 8/23 = 0.35 at first sight (0007 and 0008 find the same 8). Never used to write a rule. Floors
    against regressions — the measured first sight — not the target."""
    rows = corpus.load("published_ninth.tsv")
    problematic = [r for r in rows if r[0] != "lawful"]
    assert len(rows) >= 25 and len(problematic) >= 20 and len(rows) - len(problematic) >= 5
    _assert_sourced(rows)
    held = corpus.score(rows, _rules())
    assert held["clauses"]["fp"] == 0, held["mistakes"]
    assert held["clauses"]["tp"] >= 8, held["mistakes"]


@pytest.mark.parametrize("name", ["0005_rules_generalised_on_real_wording", "0006_rules_second_revision"])
def test_migrations_0005_0006_revise_unedited_rules_create_the_new_ones_and_keep_a_reviewers_edit(name):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(f"qinqing.fairness.migrations.{name}")
    first = importlib.import_module("qinqing.fairness.migrations.0005_rules_generalised_on_real_wording")
    new_codes = first.NEW
    edited = Rule.objects.get(code="named-brand")
    edited.negative_examples += "\n投标人自主选择品牌。"
    services.rule_save(actor=None, rule=edited)  # audited as fairness.rule.update
    Rule.objects.filter(pk=edited.pk).update(pattern="(指定品牌)")
    Rule.objects.filter(code="organisation-form").update(pattern="(仅限企业法人)")  # the 0004 seed's scope
    Rule.objects.filter(code__in=new_codes).delete()
    migration.seed(apps, None)
    assert Rule.objects.get(code="named-brand").pattern == "(指定品牌)"
    assert "独立" in Rule.objects.get(code="organisation-form").pattern
    created = Rule.objects.filter(code__in=new_codes).values_list("code", flat=True)
    assert set(created) == set(new_codes)


@pytest.mark.parametrize(
    "name",
    [
        "0007_concept_level_rules",
        "0008_concept_rules_second_revision",
        "0009_concept_rules_third_revision",
        "0010_rules_from_whole_tender_documents",
        "0011_rules_second_tender_revision",
        "0012_rules_third_tender_revision",
    ],
)
def test_migrations_0007_to_0012_create_the_concept_rules_and_keep_a_reviewers_edit(name):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(f"qinqing.fairness.migrations.{name}")
    assert set(migration.NEW) <= set(SEED_CODES)
    edited = Rule.objects.get(code="awards-score")
    edited.negative_examples += "\n技术方案优秀的得10分。"
    services.rule_save(actor=None, rule=edited)  # audited as fairness.rule.update
    Rule.objects.filter(pk=edited.pk).update(excludes="(信用)")
    Rule.objects.filter(code__in=migration.NEW).delete()
    migration.seed(apps, None)
    assert Rule.objects.get(code="awards-score").excludes == "(信用)"  # the reviewer's version stays
    created = Rule.objects.filter(code__in=migration.NEW).values_list("code", flat=True)
    assert set(created) == set(migration.NEW)


@pytest.mark.parametrize(
    "clause, kind",
    [
        ("注册资本5000万元以上得3分。", "scale"),
        ("公司成立时间满5年的得2分。", "scale"),
        ("在本县设有分公司的得2分，未设立的不得分。", "location"),
        ("企业需将注册地迁入本县才能享受相关补贴。", "location"),
        ("只接受国有企业报名。", "ownership"),
        ("推荐品牌：甲牌、乙牌、丙牌。", "brand"),
        ("投标人承担过某市范围内类似项目的，每个得1分。", "performance"),
        ("具有市公共资源交易中心会员资格的方可报名。", "credential"),
        ("与企业签订排他协议，约定只由该企业提供服务。", "policy"),
        ("采用本县企业生产的预制构件的，给予建设单位每平方米30元补贴。", "location"),
        ("提供设备厂家出具的区域代理证或战略合作伙伴证书的，每个得1分。", "brand"),
        # migration 0009
        ("采购文件发售方式：现场购买。", "location"),
        ("省外施工企业须在本省建筑市场监管平台办理信息登记后方可投标。", "location"),
        ("全区学生体检实行定点体检，由区卫健局指定2家医院承担。", "brand"),
        ("非入围机构出具的检测报告不予认可。", "credential"),
        ("合同期满考核合格的，服务商享有优先续签权。", "policy"),
        ("奖励金额按企业当年地方综合贡献的50%给予。", "policy"),
        ("享受奖励的企业须承诺10年内不迁出本区。", "policy"),
        ("业绩须为在本省范围内完成的项目，省外完成的不予认可。", "performance"),
        # migration 0010
        ("具有有效的ISO14001环境管理体系认证得0.5分。", "credential"),
    ],
)
def test_a_restricted_concept_in_a_qualification_or_scoring_context_is_flagged(clause, kind):
    assert kind in {rule.kind for rule in engine.check_text(clause, _rules())}


@pytest.mark.parametrize(
    "clause",
    [
        "中标人须在合同签订后15日内在项目所在地设立服务机构。",
        "投标人须在中华人民共和国境内依法注册。",
        "从业人员300人以下，营业收入2000万元以下的为中小企业。",
        "投标人的成立时间少于三年的，提供成立以来的财务报表。",
        "近三年类似项目业绩（不限地域），每个得1分，最高3分。",
        "符合条件的企业依法享受国家规定的税收优惠。",
        "不限品牌，满足本章技术参数即可。",
        "本项目不限制供应商所在地。",
        "拟派项目负责人须在本单位注册，不得同时在两个单位执业。",
        "不再强制要求民营企业与国有企业共同投资。",
        # migration 0009
        "采购文件在政府采购云平台在线免费获取，不要求现场购买。",
        "中标后，服务单位由采购人按合同约定进行考核。",
        "体检机构由采购人通过公开招标确定。",
        "提供上一年度经审计的财务报告或银行资信证明。",
        "被列入失信被执行人名单的供应商不得参加本项目。",
    ],
)
def test_the_lawful_exceptions_of_the_concept_rules_are_not_flagged(clause):
    assert engine.check_text(clause, _rules()) == []


def test_the_real_documents_are_split_by_document_and_the_rules_false_alarms_on_them_do_not_grow():
    """real_documents.tsv: whole real documents (a 2024 tender document, 59 State Council documents), split
    by document before any model was trained on it — the held-out part holds the tender document. Measured
    on 2026-11-30 with the 68 rules of migration 0009 (never tuned on this file): on the held-out part the
    rules find 2 of the 3 problematic clauses and flag 24 lawful ones (~20 per 100 pages of 1,500
    characters; docs/PERFORMANCE.md, "A learned component, round 2"). Ceiling and floor against
    regressions — the measured state, not the target."""
    documents = corpus.real_documents()  # raises if a document's split disagrees with its address hash
    held = [doc for doc in documents if doc["held_out"]]
    assert len(documents) == 60 and len(held) == 24
    assert any("Graph_RAG" in doc["address"] for doc in held)  # the tender document is held out
    rows = [row for doc in held for row in doc["rows"]]
    assert len(rows) == 3566
    assert {label for doc in documents for label, _i, _t in doc["rows"]} <= set(Kind.values) | {"lawful"}
    result = corpus.score(rows, _rules())
    assert result["clauses"]["tp"] >= 2, result["mistakes"]
    assert result["clauses"]["fp"] <= 24, result["mistakes"]


def _tender_scores(name: str, *, held_out: list[str], clauses: int, problematic: int) -> tuple[dict, dict]:
    """The clause-level scores of a whole-document file's held-out part and of its other part, after checking
    which documents are held out (``corpus.real_documents`` raises if a split disagrees with its address)
    and how many clauses and problematic clauses the file holds."""
    documents = corpus.real_documents(name)
    assert [doc["id"] for doc in documents if doc["held_out"]] == held_out
    rows = [row for doc in documents for row in doc["rows"]]
    assert len(rows) == clauses and sum(label != "lawful" for label, _d, _t in rows) == problematic
    return tuple(
        corpus.score([row for doc in documents if doc["held_out"] == part for row in doc["rows"]], _rules())[
            "clauses"
        ]
        for part in (True, False)
    )


# The whole real documents, set by set — tenders (docs/PERFORMANCE.md, "Whole real tender documents"), then
# local policy documents ("Whole real local policy documents" and after): each
# file was scored once at first sight with the rules of its time, then split by document
# (corpus.real_documents); the next revision was written from its tuning part only. Floors and ceilings
# against regressions — the measured state, not the target: (file, held-out documents, clauses, problematic,
# held out: found at least / false at most, tuned on: found at least / false at most).
WHOLE_DOCUMENT_SETS = [
    # 8 documents; first sight with 0009: precision 0.25, recall 0.59, 47 false in 335 pages; 0010 written
    # from T02, T03, T04, T07, T08. Held out, 0009 → 0016: 2 → 6 of 6 found, 13 → 1 false in 90 pages. T03's
    # recommended circuit-breaker makers, read as lawful by mistake, were relabeled brand before 0015.
    pytest.param("real_tenders.tsv", ["T01", "T05", "T06"], 11111, 28, (6, 1), (22, 0), id="first"),
    # 6 documents; first sight with 0010: 0.21 / 0.40, 15 false in 149 pages; 0011 written from U01, U02,
    # U04, U07. Held out: 3 of 9 found, 5 false in 66 pages.
    pytest.param("real_tenders_second.tsv", ["U03", "U06"], 4663, 10, (3, 5), (1, 0), id="second"),
    # 7 documents; first sight with 0011: 0.70 / 0.65, 11 false in 155 pages; 0012 written from V02, V03,
    # V06. Held out: 16 of 19 found, 4 false in 97 pages.
    pytest.param(
        "real_tenders_third.tsv", ["V01", "V04", "V05", "V07"], 5090, 40, (16, 4), (21, 0), id="third"
    ),
    # 8 documents; first sight with 0012: 0.16 / 0.11, 52 false in 309 pages; 0013 written from W02, W05,
    # W07. Held out: 9 → 65 of 91 found and 40 → 12 false in 215 pages, after the SME statistical table
    # (0014's engine check) and the manufacturer's seal and named makers (0015) — kinds known from its
    # labeling report, so not blind (docs/PERFORMANCE.md).
    pytest.param(
        "real_tenders_fourth.tsv",
        ["W01", "W03", "W04", "W06", "W08"],
        10074,
        93,
        (65, 12),
        (2, 0),
        id="fourth",
    ),
    # 6 documents; first sight with 0013: 0.17 / 0.41, 33 false in 138 pages (29 of them X03's SME
    # statistical table); 0014 written from X02, X06. Held out: 7 of 15 found, 32 → 4 false in 94 pages.
    pytest.param(
        "real_tenders_fifth.tsv", ["X01", "X03", "X04", "X05"], 4713, 17, (7, 4), (2, 0), id="fifth"
    ),
    # 5 documents from Zhejiang; first sight with 0014: 0.33 / 0.04, 6 false in 119 pages (named makers and
    # the manufacturer's seal missed); 0015 written from Y01, Y02, Y05. Held out, blind: 1 → 6 of 40, 1 → 2
    # false.
    pytest.param("real_tenders_sixth.tsv", ["Y03", "Y04"], 4263, 69, (6, 2), (26, 0), id="sixth"),
    # 3 documents; first sight with 0015, blind: 0.83 / 0.83, 7 false in 143 pages (0015's two new rules
    # made no finding); 0016 written from Z03 (its one false alarm, a software copyright to be provided).
    pytest.param("real_tenders_seventh.tsv", ["Z01", "Z02"], 5226, 42, (27, 6), (8, 0), id="seventh"),
    # Not tenders: 10 whole local policy documents of Dalian and 甘井子区 (real_policies.tsv); first
    # sight with 0030: 20 of 51 found, 15 of 367 lawful flagged (the tender rules on policy text); 0031
    # written from the eight tuning documents. Held out (P07, P09): 0 of 1 found, 0 false; tuned on:
    # 45 of 50, 0 false.
    pytest.param("real_policies.tsv", ["P07", "P09"], 418, 51, (0, 0), (45, 0), id="policies"),
    # 18 more (real_policies_second.tsv), collected right after 0031 and scored once with it: 12 of 35 found,
    # 17 of 807 lawful flagged; 0032 written from the ten tuning documents. Held out: 5 of 18 found and 11
    # false, before and after 0032 (nothing it added reached them); tuned on: 7 → 15 of 17, 6 → 0 false.
    pytest.param(
        "real_policies_second.tsv",
        ["Q01", "Q05", "Q06", "Q07", "Q11", "Q16", "Q17", "Q18"],
        842,
        35,
        (5, 11),
        (15, 0),
        id="policies-second",
    ),
    # 4 more (real_policies_third.tsv), collected after 0032 and scored once with it: 7 of 13 found, 5 of
    # 174 lawful flagged. 0033's concept rule (local registration as a beneficiary's condition), written
    # after these misses were read: held out 6 → 10 of 12 found, still 5 false.
    pytest.param(
        "real_policies_third.tsv", ["R01", "R02", "R03"], 187, 13, (10, 5), (1, 0), id="policies-third"
    ),
]


@pytest.mark.parametrize("name, held_out, clauses, problematic, held_bar, tuned_bar", WHOLE_DOCUMENT_SETS)
def test_whole_real_documents_are_split_by_document_and_scored(
    name, held_out, clauses, problematic, held_bar, tuned_bar
):
    held, tuning = _tender_scores(name, held_out=held_out, clauses=clauses, problematic=problematic)
    assert held["tp"] >= held_bar[0] and held["fp"] <= held_bar[1], held
    assert tuning["tp"] >= tuned_bar[0] and tuning["fp"] <= tuned_bar[1], tuning


@pytest.mark.parametrize(
    "clause",
    [
        "（三）建筑业。营业收入 80000 万元以下或资产总额 80000 万元以下的为中小微型企业。"
        "其中，营业收入 6000 万元及以上，且资产总额 5000 万元及以上的为中型企业；"
        "营业收入300 万元及以上，且资产总额300 万元及以上的为小型企业。",
        "中型企业 从业人员 300 人及以上且营业收入 2 千万元及以上的",
        "财务要求：近三年每年净资产大于 0（联合体各成员均需满足）。",
        "6、隔离开关型号：GN27-40.5",
        "型号：SZ18－75000/110kV 额定容量：75000kVA",
        "提供食堂服务，对购进食品物品进行监秤、检查质量及验收，并履行签收和入库手续。",
        # the SME size classification as the statistical table prints it (国统字〔2017〕213号)
        "工业* 从业人员(X) 人 X≥1000 300≤X＜1000 20≤X＜300 X＜20",
        "营业收入(Y) 万元 Y≥40000 2000≤Y＜40000 300≤Y＜2000 Y＜300",
        # a negation after the match, in its own phrase (0013)
        "（注册资金、资产总额、获奖情况、经营情况、信誉度不适合作为评审因素。）",
        "须提供社保证明（需提供有效证明文件，行业协会颁发的证书、国外的证书基本不认可）。",
    ],
)
def test_lawful_text_of_whole_tenders_is_not_flagged(clause):
    assert engine.check_text(clause, _rules()) == []


@pytest.mark.parametrize(
    "clause",
    [
        "投标单位具有有效质量管理体系认证证书的，凭证书复印件，得1分；",  # held out (T06): found by 0010
        "信息安全管理体系认证的得 1 分；",  # held out (T05)
        "投标人须为中型企业（从业人员300人以上）。",  # a size restriction is still one
        "主变压器型号：HP-1020，须与现有设备型号一致。",  # a product's model is still one
        # the negation is in another phrase, or of a copy
        "投标人获得行业协会颁发的AAA信用证书的得2分，复印件不予认可。",
        "投标人须具有AAA信用等级证书（复印件不予认可）的得2分。",
        "投标人获得行业协会颁发的AAA信用证书的得2分（复印件不予认可）。",
    ],
)
def test_certificates_as_score_items_and_size_or_model_restrictions_are_flagged(clause):
    assert engine.check_text(clause, _rules()), clause


def test_a_clause_in_the_traditional_script_is_read_as_the_rules_are_written():
    """A tender copied through a traditional-script page (a mirror site, a converted file) is checked like its
    simplified original: ``engine.normalise`` makes the characters simplified (OpenCC t2s), so the same rules
    fire, and a lawful clause stays lawful."""
    rules = _rules()
    pairs = [
        ("投標人註冊資金應當不少於2000萬元人民幣。", "投标人注册资金应当不少于2000万元人民币。"),
        ("年納稅總額100萬元以上的企業，按其對本級財政貢獻額的90%獎勵給企業。",
         "年纳税总额100万元以上的企业，按其对本级财政贡献额的90%奖励给企业。"),
    ]
    for traditional, simplified in pairs:
        assert engine.normalise(traditional) == engine.normalise(simplified)
        found = {rule.code for rule in engine.check_text(traditional, rules)}
        assert found and found == {rule.code for rule in engine.check_text(simplified, rules)}, traditional
    assert engine.check_text("投標人應具有獨立承擔民事責任的能力。", rules) == []
    # a scraped page's pinyin glosses ("企業(yè)") are not part of the wording; "(PPP)" and "(1)" are
    glossed = "年納稅總額100萬元以上的企業(yè)，按其對本級財政貢獻(xiàn)額的90%獎勵(lì)給企業(yè)。"
    assert engine.normalise(glossed) == engine.normalise(pairs[1][1])
    assert engine.normalise("(PPP)項目(1)") == "(PPP)项目(1)"
