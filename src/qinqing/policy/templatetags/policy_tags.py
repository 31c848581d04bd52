from django import template
from django.urls import reverse
from django.utils.html import format_html

from ..citations import anchor, citation_label

register = template.Library()


@register.simple_tag
def cite(key) -> str:
    """``{% cite "15.7" %}`` -> a link "第十五条第（七）项 / Art. 15 (7)" to that spot of the policy page."""
    key = str(key).strip()
    url = reverse("policy:index") + "#" + anchor(key)
    return format_html('<a class="cite" href="{}" data-cite="{}">{}</a>', url, key, citation_label(key))


@register.filter
def citation(key) -> str:
    """The bilingual label of a citation key, without a link."""
    return citation_label(str(key))


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
