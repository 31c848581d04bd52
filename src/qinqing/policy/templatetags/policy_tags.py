import re

from django import template
from django.urls import reverse
from django.utils.html import format_html

from ..citations import anchor, citation_label

register = template.Library()


def _label(key: str) -> str:
    """第十五条第（七）项 on a Chinese page, Art. 15 (7) on an English one: one language at a time."""
    from django.utils import translation

    return citation_label(key, language=translation.get_language() or "zh-hans")


@register.simple_tag
def cite(key) -> str:
    """``{% cite "15.7" %}`` -> a link "第十五条第（七）项" (Art. 15 (7) in English) to that spot of the policy page."""  # noqa: E501
    key = str(key).strip()
    url = reverse("policy:index") + "#" + anchor(key)
    return format_html('<a class="cite" href="{}" data-cite="{}">{}</a>', url, key, _label(key))


@register.simple_tag
def policy_basis(key) -> str:
    """The article a decision rests on as a letter cites it, without a link, in the active language (the
    district's in a letter): 《某区关于构建亲清新型政商关系的实施办法》第二十二条; "of the policy" while
    no policy is imported."""
    from django.utils.translation import gettext

    from ..selectors import current_policy

    document = current_policy()
    label = _label(str(key).strip())
    if document is None:
        return gettext("%(article)s of the policy") % {"article": label}
    return gettext("%(article)s of “%(title)s”") % {"article": label, "title": document.title}


@register.filter
def citation(key) -> str:
    """The label of a citation key in the page's language, without a link."""
    return _label(str(key))


@register.filter
def numeral(number) -> str:
    """A chapter or article number as the policy writes it: 十五 in Chinese, 15 in English."""
    from django.utils import translation

    from qinqing.policy.citations import chinese_number

    try:
        value = int(number)
    except (TypeError, ValueError):
        return str(number)
    if (translation.get_language() or "").startswith("zh") and 0 < value < 1000:
        return chinese_number(value)
    return str(value)


# A run of x (or ×) standing for missing words inside Chinese text: a placeholder the scraped
# source left ("新时代的新xx"), not policy. Shown as it is, but marked as a gap in the source.
_PLACEHOLDER = re.compile(r"(?<=[\u4e00-\u9fff])(?:[xX]{2,}|×{2,})(?=[\u4e00-\u9fff，。,.；;、]|$)")


@register.filter
def policy_text(text) -> str:
    """The article's or item's text with line breaks, placeholders of the source marked as gaps."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext

    html = str(escape(str(text))).replace("\n", "<br>")
    label = escape(
        gettext("Gap in the source text: the published document has a placeholder here, not words.")
    )
    note = escape(gettext("[words missing in the source]"))  # not inside an f-string: makemessages reads it
    marked = _PLACEHOLDER.sub(
        lambda match: (
            f'<mark class="policy-gap" title="{label}" data-testid="policy-gap">{match.group(0)}'
            f'<span class="policy-gap-note">{note}</span></mark>'
        ),
        html,
    )
    return mark_safe(marked)  # noqa: S308 (the text is escaped above; only our own markup is added)
