"""The learned clause classifier measured by bench/fairness_learned.py (article 5, issue 16) — NOT wired
into the review: on a real lawful policy document it flags a fifth to nearly half of the clauses
(docs/PERFORMANCE.md, "A learned component").

It reads a clause (normalised as the engine normalises it) as TF-IDF of character 1–3-grams plus jieba
words (the pattern of ``qinqing.appeals.routing.model``) and fits two logistic regressions: problematic or
lawful, and (over the problematic clauses) the kind(s), one-vs-rest. It learns from labelled corpus rows
(``tests/corpus/*.tsv``; a "K+L" label is two kinds) and from the rules' own positive examples (their
kind) and negative examples (lawful). Deterministic (lbfgs, no shuffling); nothing touches the database.

Round 2 adds ``features="char"``: hashed character 1–3-grams (no jieba, no vocabulary) plus marker words
(``markers``), fitted with liblinear — about 1.5 s to fit on ~2,000 clauses, 0.3 s to predict 5,300.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from qinqing.fairness.engine import normalise

MODEL_FORMAT = 1
_MEANINGFUL = re.compile(r"[\w\u4e00-\u9fff]")


def words(text: str) -> list[str]:
    """jieba words of the normalised clause, punctuation and bare numbers left out. Unlike the appeals
    tokenizer no stop words: 不, 本, 企业 carry meaning in a clause (module level: the model pickles it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return [
        word
        for word in (w.strip().lower() for w in jieba.lcut(text or ""))
        if word and _MEANINGFUL.search(word) and not word.isdigit()
    ]


@dataclass(frozen=True)
class Example:
    text: str
    kinds: frozenset[str]  # empty: lawful

    @property
    def problematic(self) -> bool:
        return bool(self.kinds)


def example(label: str, text: str) -> Example:
    return Example(normalise(text), frozenset(label.split("+")) - {"lawful"})


def rule_examples(rule_rows) -> list[Example]:
    """Each rule's positive examples (of its kind) and negative examples (lawful), from rows of
    ``seed/rules.json`` or ``Rule`` objects."""
    out = []
    for row in rule_rows:
        get = row.get if isinstance(row, dict) else lambda name, row=row: getattr(row, name)
        for line in (get("positive_examples") or "").splitlines():
            if line.strip():
                out.append(Example(normalise(line), frozenset({get("kind")})))
        for line in (get("negative_examples") or "").splitlines():
            if line.strip():
                out.append(Example(normalise(line), frozenset()))
    return out


# Marker words (round 2): what kind of sentence a clause is, beside its n-grams. A prohibition addressed to
# an authority ("各地区不得…", "采购人不得…") or a clean-up states the law; a qualification, a score item or a
# policy measure is where the practice lives; "依法 / 按国家规定" grounds a requirement in law.
_MARKERS = {
    "m_authority_prohibits": re.compile(
        r"(各地|各级|地方|政府|部门|机关|采购人|招标人|主管|任何单位)[^。;]{0,12}(不得|禁止|严禁|不准|不应|杜绝)"
    ),
    "m_prohibits": re.compile(r"(不得|禁止|严禁|不准|杜绝|不再)"),
    "m_cleanup": re.compile(r"(清理|废止|纠正|整改|取消|修订|违反|属于|构成)"),
    "m_qualification": re.compile(r"(资格|投标人|供应商|申请人|响应人|磋商|竞标|报名|入围|准入)"),
    "m_score": re.compile(r"(得\d|加\d|\d分|分值|评分|得分|加分|扣\d)"),
    "m_measure": re.compile(r"(奖励|奖补|补贴|补助|扶持|优先|给予|享受|资金|贴息|减免)"),
    "m_law": re.compile(r"(依法|依照|按照国家|法律|法规|按规定|有关规定|现行规定|国家规定)"),
    "m_local": re.compile(r"(本地|本市|本县|本区|本省|本辖区|当地|外地|域外|市外|县外|省外)"),
    "m_ownership": re.compile(r"(国有|国企|央企|民营|民企|外资|非公)"),
    "m_ruletext": re.compile(r"(应当|要求|须|必须|应)"),
}


def markers(text: str) -> str:
    """The clause's marker words, space-separated (module level: the model pickles it)."""
    return " ".join(name for name, pattern in _MARKERS.items() if pattern.search(text or "")) or "m_none"


def _marker_tokens(text: str) -> list[str]:
    return markers(text).split()


def _features(tokenizer=words, kind: str = "words"):
    """``words``: TF-IDF char 1–3-grams + jieba words (round 1). ``char``: hashed char 1–3-grams (no jieba,
    no vocabulary to look up: the fast one) + marker words. ``char-tfidf``: TF-IDF char 1–3-grams + marker
    words (no jieba). ``words+markers``: round 1 + marker words."""
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union

    marker = TfidfVectorizer(tokenizer=_marker_tokens, token_pattern=None, lowercase=False, use_idf=False)
    if kind == "char-tfidf":  # char 1-3-grams with a fitted vocabulary and IDF (round 1), no jieba
        return make_union(
            TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1), marker
        )
    if kind == "char":
        return make_union(
            make_pipeline(
                HashingVectorizer(
                    analyzer="char", ngram_range=(1, 3), n_features=2**18, alternate_sign=False, norm=None
                ),
                TfidfTransformer(sublinear_tf=True),
            ),
            marker,
        )
    parts = [
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
        TfidfVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False, sublinear_tf=True),
    ]
    if kind == "words+markers":
        parts.append(marker)
    return make_union(*parts)


def cached_words(texts):
    """A tokenizer that cuts each training text once (folds refit on the same texts many times)."""
    seen = {text: words(text) for text in set(texts)}
    return lambda text: seen[text] if text in seen else words(text)


@dataclass
class ClauseModel:
    features: object
    problematic: object  # LogisticRegression: lawful (0) / problematic (1)
    kinds: object  # OneVsRestClassifier over the kinds
    kind_names: list[str]
    threshold: float = 0.5

    def probabilities(self, texts: list[str]):
        """P(problematic) for each normalised text."""
        return self.problematic.predict_proba(self.features.transform(texts))[:, 1]

    def predict(self, texts: list[str], threshold: float | None = None) -> list[tuple[float, list[str]]]:
        """(P(problematic), kinds) per normalised text; kinds empty below the threshold. The kinds are the
        likeliest one and any other at 0.5 or above."""
        threshold = self.threshold if threshold is None else threshold
        if not texts:
            return []
        matrix = self.features.transform(texts)
        p_bad = self.problematic.predict_proba(matrix)[:, 1]
        flagged = [i for i, p in enumerate(p_bad) if p >= threshold]
        out: list[tuple[float, list[str]]] = [(float(p), []) for p in p_bad]
        if flagged:
            p_kind = self.kinds.predict_proba(matrix[flagged])
            for row, i in zip(p_kind, flagged, strict=True):
                order = sorted(range(len(row)), key=lambda k: -row[k])
                kinds = [self.kind_names[order[0]]] + [self.kind_names[k] for k in order[1:] if row[k] >= 0.5]
                out[i] = (float(p_bad[i]), kinds)
        return out


def fit(
    examples: list[Example],
    *,
    threshold: float = 0.5,
    tokenizer=None,
    C: float = 10.0,
    features: str = "words",
    weights: list[float] | None = None,
    with_kinds: bool = True,
) -> ClauseModel:
    """Both regressions on ``examples``."""
    import sklearn.linear_model  # noqa: F401 (load BLAS before limiting its threads)
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from threadpoolctl import threadpool_limits

    texts = [e.text for e in examples]
    if features not in ("char", "char-tfidf"):
        tokenizer = tokenizer or cached_words(texts)
    with threadpool_limits(limits=1):
        vectoriser = _features(tokenizer, features)
        matrix = vectoriser.fit_transform(texts)
        # liblinear: the same regularised logistic loss, far faster on wide sparse matrices (deterministic)
        solver = {"solver": "liblinear"} if features in ("char", "char-tfidf") else {}
        problematic = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", **solver).fit(
            matrix, [int(e.problematic) for e in examples], sample_weight=weights
        )
        if not with_kinds:  # threshold search needs only P(problematic)
            return ClauseModel(vectoriser, problematic, None, [], threshold)
        bad = [i for i, e in enumerate(examples) if e.problematic]
        binarizer = MultiLabelBinarizer()
        labels = binarizer.fit_transform([sorted(examples[i].kinds) for i in bad])
        kinds = OneVsRestClassifier(
            LogisticRegression(C=C, max_iter=3000, class_weight="balanced", **solver)
        ).fit(matrix[bad], labels)
    return ClauseModel(vectoriser, problematic, kinds, list(binarizer.classes_), threshold)
