"""The learned clause classifier measured by bench/fairness_learned.py (article 5, issue 16) — NOT wired
into the review: on a real lawful policy document it flags a fifth to nearly half of the clauses
(docs/PERFORMANCE.md, "A learned component").

It reads a clause (normalised as the engine normalises it) as TF-IDF of character 1–3-grams plus jieba
words (the pattern of ``qinqing.appeals.routing.model``) and fits two logistic regressions: problematic or
lawful, and (over the problematic clauses) the kind(s), one-vs-rest. It learns from labelled corpus rows
(``tests/corpus/*.tsv``; a "K+L" label is two kinds) and from the rules' own positive examples (their
kind) and negative examples (lawful). Deterministic (lbfgs, no shuffling); nothing touches the database.
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


def _features(tokenizer=words):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1),
        TfidfVectorizer(tokenizer=tokenizer, token_pattern=None, lowercase=False, sublinear_tf=True),
    )


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


def fit(examples: list[Example], *, threshold: float = 0.5, tokenizer=None, C: float = 10.0) -> ClauseModel:
    """Both regressions on ``examples``."""
    import sklearn.linear_model  # noqa: F401 (load BLAS before limiting its threads)
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.preprocessing import MultiLabelBinarizer
    from threadpoolctl import threadpool_limits

    texts = [e.text for e in examples]
    tokenizer = tokenizer or cached_words(texts)
    with threadpool_limits(limits=1):
        features = _features(tokenizer)
        matrix = features.fit_transform(texts)
        problematic = LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(
            matrix, [int(e.problematic) for e in examples]
        )
        bad = [i for i, e in enumerate(examples) if e.problematic]
        binarizer = MultiLabelBinarizer()
        labels = binarizer.fit_transform([sorted(examples[i].kinds) for i in bad])
        kinds = OneVsRestClassifier(LogisticRegression(C=C, max_iter=3000, class_weight="balanced")).fit(
            matrix[bad], labels
        )
    return ClauseModel(features, problematic, kinds, list(binarizer.classes_), threshold)
