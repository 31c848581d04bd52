"""Suggest the handling unit (承办单位) and the track of an appeal from its text (article 8).

A suggestion only: the supervision office decides, and nothing is recorded unless a
person triages or assigns through the ordinary services. The model learns from this
district's own past assignments (appeals with a handling unit and a track): jieba words,
TF-IDF, one logistic regression for the unit and one for the track. It is written to
``VAR_DIR/models/appeal_routing.joblib`` by ``./qinqing appeals_train`` and loaded once
per process (again when the file changes). With too few past assignments there is no
model and the page says so — never a made-up suggestion.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qinqing.core import clock

from ..models import Appeal, Status, Track

MODEL_FORMAT = 1
# Below this many past assignments a model would mostly echo the largest unit; a setting
# lets a district with a small but clean history lower it.
DEFAULT_MINIMUM_SAMPLES = 30
# Most recent assignments used for training, so that retraining stays a matter of seconds.
MAXIMUM_TRAINING_SAMPLES = 50_000

NOT_ENOUGH_HISTORY = _("Not enough past assignments to suggest a handling unit and track.")

# Words that say nothing about who should handle an appeal (jieba keeps them as tokens).
_STOP_WORDS_TEXT = (
    "的 了 和 与 及 或 是 在 有 我 我们 我司 我公司 本 本企业 公司 企业 请 请问 希望 恳请 能否 "
    "是否 一下 一直 已经 还 也 都 就 "
    "对 把 被 给 让 向 从 为 为了 因为 所以 但是 如果 这个 那个 这 那 什么 怎么 如何 哪些 多少 "
    "问题 情况 相关 部门 领导 "
    "尽快 帮助 协调 解决 处理 答复 关注 一家 目前 现在 需要 没有 不 很 太 多次 吗 呢 吧 啊"
)
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_MEANINGFUL = re.compile(r"[\w\u4e00-\u9fff]")


def tokenize(text: str) -> list[str]:
    """jieba words without stop words, punctuation and bare numbers (module level: the model pickles it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is DEBUG noise in every log
    words = []
    for word in jieba.lcut(text or ""):
        word = word.strip().lower()
        if not word or word in STOP_WORDS or not _MEANINGFUL.search(word) or word.isdigit():
            continue
        words.append(word)
    return words


def appeal_text(appeal) -> str:
    return f"{appeal.title or ''}\n{appeal.content or ''}"


def model_path() -> Path:
    return Path(settings.VAR_DIR) / "models" / "appeal_routing.joblib"


def minimum_samples() -> int:
    return int(getattr(settings, "APPEAL_ROUTING_MINIMUM_SAMPLES", DEFAULT_MINIMUM_SAMPLES))


# --- training -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Example:
    text: str
    unit_code: str
    track: str


def history_examples(limit: int = MAXIMUM_TRAINING_SAMPLES) -> list[Example]:
    """This district's past assignments: appeals with a handling unit and a track (merged duplicates left out)."""  # noqa: E501
    rows = (
        Appeal.objects.filter(handling_unit__isnull=False)
        .exclude(track="")
        .exclude(status=Status.MERGED)
        .order_by("-received_at", "-pk")
        .values_list("title", "content", "handling_unit__code", "track")[:limit]
    )
    return [Example(f"{title}\n{content}", unit_code, track) for title, content, unit_code, track in rows]


def sample_examples(*, per_department: int = 24) -> list[Example]:
    """The generated samples, labelled with this district's matching units (departments without one are left out)."""  # noqa: E501
    from qinqing.directory.models import Unit

    from .samples import department_units, sample_appeals

    units = department_units(Unit.objects.filter(is_active=True))
    return [
        Example(sample.text, units[sample.department].code, sample.track)
        for sample in sample_appeals(per_department=per_department)
        if sample.department in units
    ]


@dataclass
class TrainingReport:
    trained: bool
    sample_count: int
    history_count: int = 0
    generated_count: int = 0
    unit_counts: dict[str, int] = field(default_factory=dict)
    track_counts: dict[str, int] = field(default_factory=dict)
    unit_accuracy: float | None = None
    track_accuracy: float | None = None
    trained_at: datetime.datetime | None = None
    path: Path | None = None
    reason: str = ""


def _classifier(tokenizer=tokenize):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    vectorizer = TfidfVectorizer(
        tokenizer=tokenizer,
        token_pattern=None,
        lowercase=False,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=1,
    )
    return make_pipeline(vectorizer, LogisticRegression(C=10.0, max_iter=2000))


def _pretokenized(texts: list[str]):
    """A tokenizer that looks the training texts up instead of cutting them again in every fold."""
    words = {text: tokenize(text) for text in set(texts)}
    return lambda text: words[text] if text in words else tokenize(text)


def _cross_validated_accuracy(texts: list[str], labels: list[str], tokenizer=tokenize) -> float | None:
    """Mean accuracy over up to five stratified folds; None when a class is too small to fold."""
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    smallest = min(Counter(labels).values())
    folds = min(5, smallest)
    if folds < 2:
        return None
    scores = cross_val_score(
        _classifier(tokenizer),
        texts,
        labels,
        cv=StratifiedKFold(n_splits=folds, shuffle=True, random_state=0),
    )
    return float(scores.mean())


def _fit(texts: list[str], labels: list[str], tokenizer=tokenize):
    """A fitted model, or None when the labels hold fewer than two classes (nothing to choose between)."""
    if len(set(labels)) < 2:
        return None
    model = _classifier(tokenizer).fit(texts, labels)
    # The saved model cuts new texts itself (the module-level function pickles by name).
    model.set_params(tfidfvectorizer__tokenizer=tokenize)
    return model


def train(
    examples: list[Example], *, minimum: int | None = None, history_count: int | None = None
) -> tuple[TrainingReport, dict | None]:
    """Fit both models; (report, bundle) — bundle is None when there is not enough history."""
    minimum = minimum_samples() if minimum is None else minimum
    unit_counts = dict(Counter(example.unit_code for example in examples).most_common())
    track_counts = dict(Counter(example.track for example in examples).most_common())
    history_count = len(examples) if history_count is None else history_count
    report = TrainingReport(
        trained=False,
        sample_count=len(examples),
        history_count=history_count,
        generated_count=len(examples) - history_count,
        unit_counts=unit_counts,
        track_counts=track_counts,
    )
    if len(examples) < minimum or len(unit_counts) < 2:
        report.reason = str(NOT_ENOUGH_HISTORY)
        return report, None
    import sklearn.linear_model  # noqa: F401 (load numpy's and scipy's BLAS before limiting their threads)
    from threadpoolctl import threadpool_limits

    texts = [example.text for example in examples]
    units = [example.unit_code for example in examples]
    tracks = [example.track for example in examples]
    # One BLAS thread: these matrices are small, and on a busy server many BLAS threads
    # fighting over the cores made training fifty times slower.
    tokenizer = _pretokenized(texts)
    with threadpool_limits(limits=1):
        report.unit_accuracy = _cross_validated_accuracy(texts, units, tokenizer)
        report.track_accuracy = (
            _cross_validated_accuracy(texts, tracks, tokenizer) if len(track_counts) >= 2 else None
        )
        unit_model, track_model = _fit(texts, units, tokenizer), _fit(texts, tracks, tokenizer)
    report.trained_at = clock.now()
    report.trained = True
    bundle = {
        "format": MODEL_FORMAT,
        "unit_model": unit_model,
        "track_model": track_model,
        "metadata": {
            "trained_at": report.trained_at.isoformat(),
            "sample_count": report.sample_count,
            "history_count": report.history_count,
            "generated_count": report.generated_count,
            "unit_counts": unit_counts,
            "track_counts": track_counts,
            "unit_accuracy": report.unit_accuracy,
            "track_accuracy": report.track_accuracy,
        },
    }
    return report, bundle


def save(bundle: dict, path: Path | None = None) -> Path:
    """Write atomically (temporary file, then rename) so a running process never loads half a file."""
    import joblib

    path = path or model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".appeal_routing.", suffix=".tmp")
    os.close(handle)
    try:
        joblib.dump(bundle, temporary, compress=3)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def train_and_save(
    *, with_samples: bool = False, minimum: int | None = None, path: Path | None = None
) -> TrainingReport:
    """Retrain from this district's history (plus the generated samples when asked); write only a real model."""  # noqa: E501
    examples = history_examples()
    history_count = len(examples)
    if with_samples:
        examples += sample_examples()
    report, bundle = train(examples, minimum=minimum, history_count=history_count)
    if bundle is not None:
        report.path = save(bundle, path)
    return report


# --- prediction -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    unit: Any  # directory.Unit, or None when the unit model could not choose
    unit_probability: float | None
    track: str | None
    track_probability: float | None
    top3: list[tuple[Any, float]]  # (Unit, probability), best first
    model_trained_at: datetime.datetime | None

    @property
    def track_label(self) -> str:
        return str(Track(self.track).label) if self.track in Track.values else ""


_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "bundle": None}


def load_model(path: Path | None = None) -> dict | None:
    """The bundle, cached per process and reloaded when the file changes; None without a model.

    joblib files are pickles: only ever load the file this module wrote under VAR_DIR."""
    import joblib

    path = path or model_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        if _cache["key"] != key:
            bundle = joblib.load(path)
            _cache["bundle"] = (
                bundle if isinstance(bundle, dict) and bundle.get("format") == MODEL_FORMAT else None
            )
            _cache["key"] = key
        return _cache["bundle"]


def model_metadata() -> dict | None:
    bundle = load_model()
    return None if bundle is None else bundle["metadata"]


def _ranked(model, text: str) -> list[tuple[str, float]]:
    probabilities = model.predict_proba([text])[0]
    return sorted(
        zip((str(c) for c in model.classes_), (float(p) for p in probabilities), strict=True),
        key=lambda pair: -pair[1],
    )


def suggest(appeal) -> Suggestion | None:
    """The suggested unit and track with their probabilities; None when there is no model. Reads only."""
    from qinqing.directory.models import Unit

    bundle = load_model()
    if bundle is None:
        return None
    text = appeal_text(appeal)
    unit_ranking: list[tuple[Any, float]] = []
    if bundle["unit_model"] is not None:
        ranked = _ranked(bundle["unit_model"], text)
        units = Unit.objects.filter(
            code__in=[code for code, _probability in ranked[:10]], is_active=True
        ).in_bulk(field_name="code")
        # A unit merged away or deactivated since training is skipped rather than suggested.
        unit_ranking = [(units[code], probability) for code, probability in ranked if code in units][:3]
    track, track_probability = None, None
    if bundle["track_model"] is not None:
        track, track_probability = _ranked(bundle["track_model"], text)[0]
    if not unit_ranking and track is None:
        return None
    trained_at = bundle["metadata"].get("trained_at")
    return Suggestion(
        unit=unit_ranking[0][0] if unit_ranking else None,
        unit_probability=unit_ranking[0][1] if unit_ranking else None,
        track=str(track) if track is not None else None,
        track_probability=track_probability,
        top3=unit_ranking,
        model_trained_at=datetime.datetime.fromisoformat(trained_at) if trained_at else None,
    )
