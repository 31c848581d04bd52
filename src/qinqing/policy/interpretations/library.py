"""Policy-interpretation library (政策解读库), articles 4 and 19 (publicising and interpreting the
policy) and article 8: "宣传和解读扶持企业的政策，解答企业疑问".

Administrators and department handlers write interpretations, each linked to the
articles or items it explains; published ones are public and are offered to the handler
of a consultation appeal as a ready answer (the handler still writes and sends the reply).
Services (every write, audited) first, then selectors (reads) and the matching.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, limits
from qinqing.core.audit import SystemActor
from qinqing.core.errors import NotFound, PermissionDeniedError, ServiceError
from qinqing.core.roles import Role, has_role

from ..models import PolicyInterpretation

EDITOR_ROLES = (Role.ADMINISTRATOR, Role.DEPARTMENT_HANDLER)
QUESTION_MAX = 300
KEYWORDS_MAX = 300


def is_editor(actor) -> bool:
    if isinstance(actor, SystemActor):
        return True
    return bool(
        getattr(actor, "is_authenticated", False) and (actor.is_superuser or has_role(actor, *EDITOR_ROLES))
    )


def _require_editor(actor) -> None:
    if not is_editor(actor):
        raise PermissionDeniedError()


def _author(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def clean_article_keys(value) -> str:
    """Space-separated citation keys that exist in the current policy ("8 14.2"); a clear error otherwise."""
    from qinqing.policy import selectors as policy_selectors
    from qinqing.policy.citations import parse_key

    raw = (
        value
        if isinstance(value, list | tuple)
        else str(value or "").replace(",", " ").replace("，", " ").replace("、", " ").split()
    )
    keys = list(dict.fromkeys(str(key).strip() for key in raw if str(key).strip()))
    if not keys:
        raise ServiceError(
            _("Link at least one policy article or item, e.g. 8 or 14.2."),
            code="required",
            field="article_keys",
        )
    for key in keys:
        parsed = parse_key(key)
        if parsed is None:
            raise ServiceError(
                _("%(key)s is not an article or item key (write 8, 14.2 or 15.b1)."),
                code="invalid_article_key",
                field="article_keys",
                params={"key": key},
            )
        try:
            if parsed[2] is None:
                policy_selectors.article(key)
            else:
                policy_selectors.item(key)
        except NotFound as error:
            raise ServiceError(_("%(key)s does not exist in the current policy."), code="unknown_article_key",
                               field="article_keys", params={"key": key}) from error
    joined = " ".join(keys)
    if len(joined) > PolicyInterpretation._meta.get_field("article_keys").max_length:
        raise ServiceError(_("Too many linked articles."), code="too_long", field="article_keys")
    return joined


# Keywords are typed separated by 、 (as a Chinese list is written), commas or spaces, and kept separated
# by spaces; the form and the audit trail show them separated by 、 (``models.words_shown``).
KEYWORD_SEPARATORS = re.compile(r"[、，,；;]")


def _clean(*, question: str, answer: str, article_keys, keywords: str) -> dict:
    question, answer, keywords = (
        (question or "").strip(),
        (answer or "").strip(),
        " ".join(KEYWORD_SEPARATORS.sub(" ", keywords or "").split()),
    )
    if not question:
        raise ServiceError(_("The question is required."), code="required", field="question")
    if len(question) > QUESTION_MAX:
        raise ServiceError(
            _("The question may be at most %(limit)s characters."),
            code="too_long",
            field="question",
            params={"limit": QUESTION_MAX},
        )
    if not answer:
        raise ServiceError(_("The answer is required."), code="required", field="answer")
    answer = limits.check_text(answer, field="answer", label=_("Answer"), limit=limits.REPORT)
    if len(keywords) > KEYWORDS_MAX:
        raise ServiceError(
            _("The keywords may be at most %(limit)s characters."),
            code="too_long",
            field="keywords",
            params={"limit": KEYWORDS_MAX},
        )
    return {
        "question": question,
        "answer": answer,
        "article_keys": clean_article_keys(article_keys),
        "keywords": keywords,
    }


def interpretation_create(
    *, question: str, answer: str, article_keys, actor, keywords: str = ""
) -> PolicyInterpretation:
    """A new interpretation, unpublished until someone publishes it."""
    _require_editor(actor)
    values = _clean(question=question, answer=answer, article_keys=article_keys, keywords=keywords)
    now = clock.now()
    with transaction.atomic():
        interpretation = PolicyInterpretation.objects.create(
            **values, author=_author(actor), created_at=now, updated_at=now
        )
        # The action names are those the library's events have always carried (it lived in appeals).
        audit.record_event(
            actor=actor, action="appeals.policyinterpretation.create", instance=interpretation, before=None
        )
    return interpretation


def interpretation_update(
    *,
    interpretation: PolicyInterpretation,
    question: str,
    answer: str,
    article_keys,
    actor,
    keywords: str = "",
) -> PolicyInterpretation:
    _require_editor(actor)
    values = _clean(question=question, answer=answer, article_keys=article_keys, keywords=keywords)
    with transaction.atomic():
        locked = PolicyInterpretation.objects.select_for_update().get(pk=interpretation.pk)
        before = audit.snapshot(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.updated_at = clock.now()
        locked.save(update_fields=[*values, "updated_at"])
        audit.record_event(
            actor=actor, action="appeals.policyinterpretation.update", instance=locked, before=before
        )
    return locked


def interpretation_publish(
    *, interpretation: PolicyInterpretation, published: bool, actor
) -> PolicyInterpretation:
    """Publish (public page, answer suggestions) or withdraw."""
    _require_editor(actor)
    with transaction.atomic():
        locked = PolicyInterpretation.objects.select_for_update().get(pk=interpretation.pk)
        if locked.is_published == published:
            return locked
        before = audit.snapshot(locked)
        locked.is_published = published
        locked.published_at = clock.now() if published else None
        locked.updated_at = clock.now()
        locked.save(update_fields=["is_published", "published_at", "updated_at"])
        audit.record_event(
            actor=actor,
            action="appeals.policyinterpretation." + ("publish" if published else "withdraw"),
            instance=locked,
            before=before,
        )
    return locked


# --- seed ------------------------------------------------------------------------------------
SEED_INTERPRETATIONS: tuple[dict, ...] = (
    {
        "question": "什么是“三种情形”？公职人员参加涉企公务活动要注意什么？",
        "answer": "“三种情形”是第十四条允许的涉企公务活动：（1）邀请行业协会、商会和企业人员通过工作餐的形"
        "式商讨工作；"
        "（2）受邀参加社会团体、行业协会、商会及企业举办的年会、茶话会、成立大会等公开商务活动；"
        "（3）参加活动组织方统一安排、不超过当地公务接待标准的餐叙。参加前须经分管领导书面批准，"
        "不得参加抽奖和与公务无关的活动，工作时间内不得饮酒。",
        "article_keys": "14",
        "keywords": "三种情形 涉企公务活动 书面批准 工作餐 餐叙 公务接待标准",
    },
    {
        "question": "企业诉求多久办结？",
        "answer": "按照第八条，企业诉求属于本级办理的限时办结、需要上报的限时报出、不能办理的限时告知。"
        "本区的默认时限（工作日）：受理确认1个工作日；本级办理的简单诉求5个工作日、复杂诉求15个工作日内办结；"
        "需要上报的3个工作日内报出；不能办理的3个工作日内告知理由和依据。确需延期的须在期限届满前"
        "申请并经批准。"
        "您可以凭受理编号随时查询办理进度。",
        "article_keys": "8",
        "keywords": "诉求 多久 办结 时限 期限 工作日 限时办结 限时报出 限时告知 进度 答复",
    },
    {
        "question": "领导干部可以参加企业年会吗？",
        "answer": "可以，但须经分管领导书面批准。第十四条第（二）项允许受邀参加社会团体、行业协会、商会及企"
        "业举办的年会、"
        "茶话会、成立大会等旨在交流信息、听取意见、推动发展的公开商务活动；不得参加抽奖，不得参加"
        "与公务无关的其他活动。",
        "article_keys": "14.2",
        "keywords": "领导干部 年会 茶话会 成立大会 邀请 抽奖",
    },
    {
        "question": "公职人员的亲属能否持有企业股份？",
        "answer": "第十五条第（三）项规定，公职人员不准违反规定以本人及配偶、子女及其配偶和其他特定关系人名"
        "义参股或者持有非上市企业的股份或者证券，"
        "也不准违反规定安排上述人员到企业任高级职务或者挂名领取薪酬。存在利益冲突的，应当事先报告"
        "或者主动申请回避。",
        "article_keys": "15.3",
        "keywords": "亲属 配偶 子女 特定关系人 股份 参股 持股 证券 非上市企业",
    },
    {
        "question": "企业办事为什么说“最多跑一次”？",
        "answer": "第六条要求推进“互联网+政务服务”、“多证合一”和“一枚印章管审批”，落实“两个代办”，让企业办"
        "事最多跑一次。"
        "材料齐全的事项可以网上办理或由代办员代办；如果仍被要求多次往返，可以通过区长信箱或短信反映。",
        "article_keys": "6",
        "keywords": "最多跑一次 多证合一 一枚印章 代办 网上办理 跑腿",
    },
)


def seed_interpretations(*, actor=None) -> int:
    """Create and publish the seed interpretations not there yet (matched by question); returns how many were added."""  # noqa: E501
    actor = actor or SystemActor("appeals_kb_seed")
    existing = set(PolicyInterpretation.objects.values_list("question", flat=True))
    added = 0
    for entry in SEED_INTERPRETATIONS:
        if entry["question"] in existing:
            continue
        interpretation = interpretation_create(actor=actor, **entry)
        interpretation_publish(interpretation=interpretation, published=True, actor=actor)
        added += 1
    return added


# --- selectors -------------------------------------------------------------------------------
def published_interpretations(query: str = "") -> QuerySet[PolicyInterpretation]:
    """Public: published interpretations, optionally filtered by a word in the question, answer, keywords or article key."""  # noqa: E501
    interpretations = PolicyInterpretation.objects.filter(is_published=True)
    query = (query or "").strip()
    if query:
        interpretations = interpretations.filter(
            Q(question__icontains=query)
            | Q(answer__icontains=query)
            | Q(keywords__icontains=query)
            | Q(article_keys__icontains=query)
        )
    return interpretations.order_by("question", "pk")


def interpretations_for_editor(actor) -> QuerySet[PolicyInterpretation]:
    if not is_editor(actor):
        return PolicyInterpretation.objects.none()
    return PolicyInterpretation.objects.select_related("author").order_by("-updated_at", "-pk")


def access_interpretation(actor, pk) -> PolicyInterpretation:
    """For editors: any interpretation; NotFound alike for missing and not allowed."""
    try:
        return interpretations_for_editor(actor).get(pk=pk)
    except (PolicyInterpretation.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound() from error


# --- matching --------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerSuggestion:
    interpretation: PolicyInterpretation
    score: float


# Cosine similarity below this is noise (one shared common word); such matches are not offered.
MINIMUM_SCORE = 0.08
_index_lock = threading.Lock()
_index: dict = {"key": None, "vectorizer": None, "matrix": None, "ids": []}


def _document(interpretation) -> str:
    # The question counts twice: it is what an enterprise's own question most resembles.
    return (
        f"{interpretation.question}\n{interpretation.question}\n{interpretation.keywords}\n"
        f"{interpretation.answer}"
    )


def _search_index(tokenizer):
    """TF-IDF over the words (``tokenizer``) of the published interpretations, rebuilt when any of
    them changes (or the tokenizer does)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    published = PolicyInterpretation.objects.filter(is_published=True)
    state = published.aggregate(latest=Max("updated_at"))
    key = (published.count(), state["latest"], tokenizer)
    with _index_lock:
        if _index["key"] != key:
            rows = list(published.order_by("pk"))
            if rows:
                vectorizer = TfidfVectorizer(
                    tokenizer=tokenizer, token_pattern=None, lowercase=False, sublinear_tf=True
                )
                _index.update(
                    matrix=vectorizer.fit_transform([_document(row) for row in rows]), vectorizer=vectorizer
                )
            else:
                _index.update(matrix=None, vectorizer=None)
            _index.update(key=key, ids=[row.pk for row in rows])
        return _index["vectorizer"], _index["matrix"], list(_index["ids"])


def suggest_answers(text: str, *, tokenizer, limit: int = 3) -> list[AnswerSuggestion]:
    """The published interpretations that best match ``text`` (a question), best first (reads only).
    ``tokenizer`` splits a text into words (the caller's: appeals use their routing model's jieba words)."""
    from sklearn.metrics.pairwise import cosine_similarity

    vectorizer, matrix, ids = _search_index(tokenizer)
    if vectorizer is None:
        return []
    scores = cosine_similarity(vectorizer.transform([text]), matrix)[0]
    ranked = sorted(
        ((float(score), pk) for score, pk in zip(scores, ids, strict=True) if score >= MINIMUM_SCORE),
        reverse=True,
    )[:limit]
    found = PolicyInterpretation.objects.in_bulk([pk for _score, pk in ranked])
    return [AnswerSuggestion(found[pk], score) for score, pk in ranked if pk in found]


def reply_text(interpretation: PolicyInterpretation) -> str:
    """The answer as a reply draft, ending with the articles it rests on (Chinese labels: the reply goes to the enterprise)."""  # noqa: E501
    from qinqing.policy.citations import citation_label

    labels = "、".join(citation_label(key).split(" / ")[0] for key in interpretation.article_key_list)
    return f"{interpretation.answer}\n（政策依据：《关于构建亲清新型政商关系的实施办法》{labels}）"
