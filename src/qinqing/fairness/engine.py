"""The fair-competition check: each clause against the rules (article 5).

A rule is data (``models.Rule``, seeded from ``seed/rules.json`` and maintained in the admin):
``pattern`` must match the clause, ``requires`` (when set) must match it too, ``excludes`` (when
set) must not. Patterns see the clause normalised: pinyin glosses of a scraped page removed
("企業(yè)"), NFKC (full-width （）：；，and digits read as ASCII), traditional characters as simplified
(OpenCC ``t2s``: a document copied through a traditional-script page, "投標人注冊資金", reads as the
rules are written), whitespace removed.
A match preceded in its own sentence by a negation (不得以, 不将, 不要求, 不限, 禁止 …) or followed
in its own phrase by one ("…不作为评审因素", "…不予认可") is a clause stating the rule, not breaking
it ("本项目不以注册资本作为资格条件"), and is not a finding; so is a clause saying a practice
"属于 … 差别待遇 / 歧视待遇 / 排除、限制竞争" (it states the law or reports a case), and a national
standard a tender reproduces in its forms (the SME size classification, the disabled-welfare-unit
conditions: ``REPRODUCED_STANDARD``). Both are checked once per clause, before any rule.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from qinqing.core.zh_text import strip_pinyin, to_simplified

from .clauses import Clause

NEGATION = re.compile(
    r"(不得|不以|不将|不把|不作为|不设置?|不要求|不限制?|不对|不因|不会|无需|无须|禁止|严禁|不应|不能以|不允许|取消|清理|废止|不再)"
)
_SENTENCE = re.compile(r"[。;!?,]")  # a negation counts within its own phrase
# A phrase that names a factor and then says it is not one also states the rule:
# "注册资金、资产总额、获奖情况、经营情况、信誉度不适合作为评审因素",
# "行业协会颁发的证书、国外的证书基本不认可" (tests/corpus/real_tenders_fourth.tsv). The phrase ends at a
# bracket too, and a negation of a copy ("（复印件不予认可）") is not one of the factor.
NEGATION_AFTER = re.compile(
    r"不(?:适合|适宜|宜|得|应|再)?作为[^。;!?,]{0,6}(?:评审|评分|评标|资格|加分|打分)|不(?:予)?(?:认可|采信)"
)
_PHRASE_END = re.compile(r"[。;!?,(]")
_COPY = re.compile(r"复印件|扫描件|影印件|原件")
# A clause that says a practice "is" discrimination states the law (or reports a case); it does not
# impose the practice: "以特定行政区域……的业绩作为加分条件……，属于以不合理的条件对供应商实行差别待遇".
LAW_STATEMENT = re.compile(
    r"(属于|构成|视为|系)[^。;]{0,16}(差别待遇|歧视待遇|排除、?限制竞争|妨碍(统一市场和)?公平竞争)"
)
# National standards a tender reproduces in its forms say who counts as what; they impose nothing: the SME
# size classification (工信部联企业〔2011〕300号) under the SME declaration, as sentences or as table rows
# (the statistical table's variables X, Y, Z and its ranges "300≤X<1000", written from the standard's text),
# and the disabled-welfare-unit conditions (财库〔2017〕141号). Every rule of size or headcount read them as
# thresholds in whole real tenders (tests/corpus/real_tenders*.tsv).
REPRODUCED_STANDARD = re.compile(
    r"的为(?:中小微型|中型|小型|微型)企业|(?:中型|小型|微型)企业(?:从业人员|营业收入|资产总额)\d|划型标准|工信部联企业"
    # the statistical table of 国统字〔2017〕213号 as printed:
    # "工业 从业人员(X) 人 X≥1000 300≤X<1000 20≤X<300 X<20"
    r"|(?:从业人员|营业收入|资产总额)\([XYZ]\)|\d≤[XYZ]<\d"
    r"|安置的残疾人"
)


def stated_not_imposed(text: str) -> bool:
    """``text`` (normalised) states the law or reproduces a national standard: no rule applies to it."""
    return bool(LAW_STATEMENT.search(text) or REPRODUCED_STANDARD.search(text))


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", strip_pinyin(text or ""))))


@dataclass(frozen=True)
class CompiledRule:
    code: str
    kind: str
    title: str
    severity: str
    basis: str
    explanation: str
    suggestion: str
    pattern: re.Pattern
    requires: re.Pattern | None
    excludes: re.Pattern | None
    rule_id: int | None = None
    # one of these strings is in every clause the rule flags (derived from the pattern or the requirement; for
    # speed: ``matches`` asks it first, ``check_clauses`` finds them for all rules in one pass over a clause);
    # None when none is derived
    literals: frozenset[str] | None = None
    literal_screen: re.Pattern | None = None  # the literals as one alternation, for one rule on one clause


_EXACT_LIMIT = 64  # the most strings an exact part may stand for (a cross product grows fast)


def _exact(op, value) -> set[str] | None:
    """Every string the parsed item can match, when they are few (a literal, a class of literals, a branch of
    such, an optional part: "" among them); None otherwise."""
    from re import _constants as c  # noqa: PLC2701 (the parser's opcodes, stable since 3.11)

    found: set[str] | None = None
    if op is c.LITERAL:
        found = {chr(value)}
    elif op is c.IN:
        if all(kind is c.LITERAL for kind, _v in value):
            found = {chr(v) for _k, v in value}
    elif op is c.BRANCH:
        sets = [_exact_sequence(branch) for branch in value[1]]
        if all(entry is not None for entry in sets):
            found = set().union(*sets)
    elif op is c.SUBPATTERN:
        if not value[1] and not value[2]:  # no flags of its own
            found = _exact_sequence(value[-1])
    elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and (value[0], value[1]) == (0, 1):
        inner = _exact_sequence(value[2])
        found = None if inner is None else inner | {""}
    return found if found is not None and len(found) <= _EXACT_LIMIT else None


def _exact_sequence(items) -> set[str] | None:
    strings = {""}
    for op, value in items:
        part = _exact(op, value)
        if part is None or len(strings) * len(part) > _EXACT_LIMIT:
            return None
        strings = {head + tail for head in strings for tail in part}
    return strings


def _required_literals(items) -> set[str] | None:
    """Strings of which every match of the parsed sequence ``items`` holds at least one (the most selective
    such set found: the longest shortest string, then the fewest strings), or None when none can be derived.
    Consecutive parts with few possible strings are joined (``(?:须|应)为(本市|本省)`` needs one of 须为本市,
    须为本省, 应为本市, 应为本省); a part with many gives what each of its branches needs. A group with
    its own flags (``(?i:…)``) gives nothing: its literals need not appear as written."""
    from re import _constants as c  # noqa: PLC2701 (the parser's opcodes, stable since 3.11)

    candidates: list[set[str]] = []
    run = {""}

    def end_run() -> None:
        if "" not in run:
            candidates.append(set(run))

    for op, value in items:
        part = _exact(op, value)
        if part is not None and len(run) * len(part) <= _EXACT_LIMIT:
            run = {head + tail for head in run for tail in part}
            continue
        end_run()
        run = set(part) if part is not None else {""}
        found: set[str] | None = None
        if op is c.BRANCH:
            sets = [_required_literals(branch) for branch in value[1]]
            if all(entry is not None for entry in sets):
                found = set().union(*sets)
        elif op is c.SUBPATTERN:
            if not value[1] and not value[2]:
                found = _required_literals(value[-1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and value[0] >= 1:
            found = _required_literals(value[2])
        if found:
            candidates.append(found)
    end_run()
    return _most_selective(candidates)


def _most_selective(candidates) -> set[str] | None:
    candidates = [found for found in candidates if found]
    if not candidates:
        return None
    return max(candidates, key=lambda found: (min(map(len, found)), -len(found)))


def _literals(*patterns: str) -> frozenset[str] | None:
    """``literals`` of a rule: the most selective required strings of any of its (all required) patterns."""
    from re import _parser

    sets = []
    for pattern in patterns:
        if not pattern:
            continue
        parsed = _parser.parse(pattern)
        if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
            continue  # literals not as written (case folded, or whitespace in the pattern ignored)
        sets.append(_required_literals(parsed))
    found = _most_selective(sets)
    return frozenset(found) if found else None


def _alternation(literals: frozenset[str] | None) -> re.Pattern | None:
    if not literals:
        return None
    return re.compile("|".join(re.escape(literal) for literal in sorted(literals, key=len, reverse=True)))


def compile_rule(rule) -> CompiledRule:
    """A ``Rule`` (or anything with its fields) compiled; ``re.error`` for a bad pattern."""
    return CompiledRule(
        code=rule.code,
        kind=rule.kind,
        title=rule.title,
        severity=rule.severity,
        basis=rule.basis,
        explanation=rule.explanation,
        suggestion=rule.suggestion,
        pattern=re.compile(rule.pattern),
        requires=re.compile(rule.requires) if rule.requires else None,
        excludes=re.compile(rule.excludes) if rule.excludes else None,
        rule_id=getattr(rule, "pk", None),
        literals=(literals := _literals(rule.pattern, rule.requires)),
        literal_screen=_alternation(literals),
    )


def _negated(text: str, match: re.Match) -> bool:
    """The match is negated within its own phrase: by a negation before it, or by one after it."""
    start, end = match.span()
    sentence_start = 0
    for boundary in _SENTENCE.finditer(text, 0, start):
        sentence_start = boundary.end()
    if NEGATION.search(text, sentence_start, start):
        return True
    boundary = _PHRASE_END.search(text, end)
    after = NEGATION_AFTER.search(text, end, boundary.start() if boundary else len(text))
    return after is not None and not _COPY.search(text, end, after.start())


def may_match(rule: CompiledRule, text: str) -> bool:
    """One of ``rule.literals`` occurs in ``text`` (normalised), or the rule has none: what ``check_clauses``
    asks before it tries the rule, and ``matches`` first (so a rule's own examples must pass it)."""
    return rule.literal_screen is None or rule.literal_screen.search(text) is not None


def matches(
    rule: CompiledRule, text: str, *, screened: bool = False, literals_found: bool = False
) -> re.Match | None:
    """The match that makes ``text`` (normalised) break ``rule``, or None. ``screened``: the caller has
    already found that ``stated_not_imposed(text)`` is false (once per clause, not once per rule);
    ``literals_found``: that one of the rule's literals occurs (``check_clauses``' one pass)."""
    if not literals_found and not may_match(rule, text):
        return None
    if not screened and stated_not_imposed(text):
        return None
    if rule.excludes is not None and rule.excludes.search(text):
        return None
    if rule.requires is not None and not rule.requires.search(text):
        return None
    for match in rule.pattern.finditer(text):
        if not _negated(text, match):
            return match
    return None


@dataclass
class Finding:
    clause: Clause
    rule: CompiledRule
    matched: str

    def as_dict(self) -> dict:
        return {
            "clause": self.clause.text,
            "location": self.clause.location,
            "rule": self.rule.code,
            "rule_title": self.rule.title,
            "kind": self.rule.kind,
            "basis": self.rule.basis,
            "severity": self.rule.severity,
            "suggestion": self.rule.suggestion,
            "matched": self.matched,
        }


@dataclass
class Result:
    clauses: list[Clause]
    findings: list[Finding] = field(default_factory=list)


CATCH_ALL_PREFIX = "concept-"


class _LiteralScreen:
    """Which rules can flag a clause, from one pass over it: an Aho–Corasick automaton (pyahocorasick) over
    every rule's ``literals`` finds all of them that occur, overlapping ones included; a rule none of whose
    strings occurs cannot match and is not tried. Without it every rule's regular expression ran on every
    clause (a rule's character screen let two clauses in five through). Rules without ``literals`` are always
    tried."""

    def __init__(self, literals: tuple[frozenset[str] | None, ...]) -> None:
        import ahocorasick

        self.always = [index for index, strings in enumerate(literals) if not strings]
        owners: dict[str, list[int]] = {}
        for index, strings in enumerate(literals):
            for literal in strings or ():
                owners.setdefault(literal, []).append(index)
        self.automaton = None
        if owners:
            self.automaton = ahocorasick.Automaton()
            for literal, indexes in owners.items():
                self.automaton.add_word(literal, tuple(indexes))
            self.automaton.make_automaton()

    def candidates(self, text: str) -> list[int]:
        """Indexes of the rules that may flag ``text``, in the rules' order."""
        found = set(self.always)
        if self.automaton is not None:
            for _end, indexes in self.automaton.iter(text):
                found.update(indexes)
        return sorted(found)


@functools.lru_cache(maxsize=8)
def _screen_for(literals: tuple[frozenset[str] | None, ...]) -> _LiteralScreen:
    """The screen of rules with these literals in this order, built once (about 4,000 strings: 8 ms), not
    on every check — a pasted clause through the API would otherwise pay it each time."""
    return _LiteralScreen(literals)


def check_clauses(clauses: list[Clause], rules: list[CompiledRule]) -> Result:
    """Every clause against every rule. A rule whose code starts with ``concept-`` is a catch-all for
    its kind (a restricted concept in a qualification or scoring context, migration 0007): it adds a
    finding only where no specific rule of the same kind flagged the clause, so the reviewer decides
    each problem once, with the specific rule's explanation where there is one."""
    ordered = sorted(rules, key=lambda rule: rule.code.startswith(CATCH_ALL_PREFIX))  # stable
    screen = _screen_for(tuple(rule.literals for rule in ordered))
    result = Result(clauses)
    for clause in clauses:
        text = normalise(clause.text)
        if len(text) < 4 or stated_not_imposed(text):
            continue
        kinds: set[str] = set()
        for index in screen.candidates(text):
            rule = ordered[index]
            if rule.code.startswith(CATCH_ALL_PREFIX) and rule.kind in kinds:
                continue
            match = matches(rule, text, screened=True, literals_found=True)
            if match is not None:
                kinds.add(rule.kind)
                result.findings.append(Finding(clause, rule, match.group(0)))
    return result


def check_text(text: str, rules: list[CompiledRule]) -> list[CompiledRule]:
    """The rules one piece of text breaks (the examples and the corpus use it)."""
    normal = normalise(text)
    if stated_not_imposed(normal):
        return []
    return [rule for rule in rules if matches(rule, normal, screened=True) is not None]
