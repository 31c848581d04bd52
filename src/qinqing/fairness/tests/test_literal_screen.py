"""The literal screen of ``engine.check_clauses``: a rule is tried on a clause only when one of the strings
every match of it holds occurs there (pyahocorasick finds them for all rules in one pass). It must never drop
a finding."""

import pytest

from qinqing.fairness import clauses, engine, services
from qinqing.fairness.tests import corpus

pytestmark = pytest.mark.django_db


def _rule(pattern: str, requires: str = ""):
    from types import SimpleNamespace

    return engine.compile_rule(SimpleNamespace(
        code="t", kind="scale", title="t", severity="high", basis="", explanation="", suggestion="",
        pattern=pattern, requires=requires, excludes="",
    ))


def test_the_literals_a_rule_needs_are_derived_from_its_pattern():
    # a run of literal characters is one string, the longest kept; parts with few possible strings are joined
    assert _rule(r"注册资本.{0,6}不低于").literals == {"注册资本"}
    assert _rule(r"(本市|本省)企业").literals == {"本市企业", "本省企业"}
    assert _rule(r"(?:须|应)为(本市|本省)").literals == {"须为本市", "须为本省", "应为本市", "应为本省"}
    # a part with many possible strings gives what each of its branches needs
    assert _rule(r"(注册资本.{0,3}万|营业收入\d+)").literals == {"注册资本", "营业收入"}
    # the requirement is also required: the more selective of the two sets is kept
    assert _rule(r"(奖励|补贴)", requires="地方留成").literals == {"地方留成"}
    # nothing can be derived from a pattern without a required literal, nor from case-folded ones
    assert _rule(r"\d+[年月]?").literals is None
    assert _rule(r"(?i)iso9001").literals is None
    assert _rule(r"(?i:iso)认证").literals == {"认证"}
    # an optional part is joined as "" or itself
    assert _rule(r"(?:增值税)?一般纳税人").literals == {"一般纳税人", "增值税一般纳税人"}


def test_a_rule_is_not_tried_where_none_of_its_literals_occurs():
    rule = _rule(r"注册资本.{0,6}不低于")
    assert engine.may_match(rule, "注册资本不低于500万元")
    assert not engine.may_match(rule, "注册资金不低于500万元")


def _brute_force(found_clauses, rules):
    """``check_clauses`` as it was before the screen: every rule on every clause."""
    ordered = sorted(rules, key=lambda rule: rule.code.startswith(engine.CATCH_ALL_PREFIX))
    findings = []
    for clause in found_clauses:
        text = engine.normalise(clause.text)
        if len(text) < 4 or engine.stated_not_imposed(text):
            continue
        kinds = set()
        for rule in ordered:
            if rule.code.startswith(engine.CATCH_ALL_PREFIX) and rule.kind in kinds:
                continue
            match = engine.matches(rule, text, screened=True)
            if match is not None:
                kinds.add(rule.kind)
                findings.append((clause.number, rule.code, match.group(0)))
    return findings


def test_the_screen_finds_what_every_rule_on_every_clause_finds():
    # every composed and quoted clause of the corpus, and a whole real tender document's 5,000 clauses
    labeled = sorted(path.name for path in corpus.HERE.glob("*.tsv") if not path.name.startswith("real_"))
    texts = [text for name in labeled for _label, _source, text in corpus.load(name)]
    texts += [text for _label, _source, text in corpus.load("real_tenders_seventh.tsv")]
    found_clauses = [clauses.Clause(number=i, text=text, location="") for i, text in enumerate(texts, 1)]
    rules = services.active_rules()
    result = engine.check_clauses(found_clauses, rules)
    screened = [(finding.clause.number, finding.rule.code, finding.matched) for finding in result.findings]
    assert len(found_clauses) > 5000 and len(screened) > 300
    assert screened == _brute_force(found_clauses, rules)


def test_a_rule_whose_example_would_be_screened_out_is_refused(monkeypatch):
    # the screen's strings come from the pattern, so a rule's example that matches holds one; should a
    # derivation ever go wrong, the rule editor refuses the rule rather than let the review skip it
    from qinqing.fairness.models import Rule

    rule = Rule.objects.get(code="registered-capital")
    assert services.rule_problems(rule) == []
    monkeypatch.setattr(engine, "_literals", lambda *patterns: frozenset({"不会出现的字符串"}))
    problems = services.rule_problems(rule)
    assert problems and {field for field, _message in problems} == {"positive_examples"}
