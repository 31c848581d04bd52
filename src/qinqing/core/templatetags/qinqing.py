from django import template

from .. import audit

register = template.Library()


@register.inclusion_tag("core/_audit_trail.html")
def audit_trail(instance, limit=20):
    """The object's audit events, newest first, for its detail page."""
    return {"events": list(audit.trail_for(instance, limit=limit)), "instance": instance}


@register.filter
def article_url(key: str) -> str:
    """Link to a policy article (``"15"`` or ``"15.7"``) on the policy page."""
    from django.urls import NoReverseMatch, reverse

    article = str(key).split(".", 1)[0]
    try:
        return reverse("policy:index") + f"#article-{article}"
    except NoReverseMatch:
        return f"#article-{article}"
