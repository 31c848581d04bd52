"""The district policy as data: documents (versions), chapters, articles and items.

Every rule elsewhere cites an article or item by its key ("15", "15.7"). A new text
becomes a new version; older versions stay, so a citation made under version 1 can
still be read as it was.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit_registry import audited


@audited()
class PolicyDocument(models.Model):
    title = models.CharField(_("title"), max_length=300)
    version = models.PositiveIntegerField(_("version"), unique=True)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    source_name = models.CharField(_("source file"), max_length=300)
    preamble = models.TextField(_("preamble"), blank=True)
    raw_text = models.TextField(_("original text"))
    imported_at = models.DateTimeField(_("imported at"))
    is_current = models.BooleanField(_("current version"), default=False)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="policy_one_current_document"
            ),
        ]
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


@audited()
class Chapter(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="chapters")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="policy_chapter_number_unique")
        ]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


@audited()
class Article(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.PROTECT, related_name="articles")
    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="articles")
    number = models.PositiveSmallIntegerField(_("number"))
    key = models.CharField(_("key"), max_length=20)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "key"], name="policy_article_key_unique")]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return f"Art. {self.key}"


@audited()
class Item(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveSmallIntegerField(_("number"))
    list_number = models.PositiveSmallIntegerField(_("list"), default=1)
    key = models.CharField(_("key"), max_length=20)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["article", "list_number", "number"]
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="policy_item_key_unique")]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return f"Art. {self.key}"


# --- Policy-interpretation library (政策解读库; articles 4 and 19: publicising and interpreting the
# policy; article 8: "宣传和解读扶持企业的政策，解答企业疑问"). Moved here from appeals: same table,
# its earlier audit events are recorded as appeals.PolicyInterpretation (see former_labels).


@audited(former_labels=("appeals.PolicyInterpretation",))
class PolicyInterpretation(models.Model):
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    # Citation keys of the policy articles or items it explains ("8", "14.2", "15.b1"), space-separated:
    # a plain string keeps the audit snapshot readable and survives a new policy version.
    article_keys = models.CharField(_("policy articles"), max_length=200)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True, default="")
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["question", "pk"]
        verbose_name = _("policy interpretation")
        verbose_name_plural = _("policy interpretations")
        db_table = "appeals_policyinterpretation"  # the table it has had since it lived in appeals

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"

    @property
    def article_key_list(self) -> list[str]:
        return self.article_keys.split()
