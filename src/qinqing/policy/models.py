"""The district policy as data: documents (versions), chapters, articles and items.

Every rule elsewhere cites an article or item by its key ("15", "15.7"). A new text
becomes a new version; older versions stay, so a citation made under version 1 can
still be read as it was.
"""

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
            models.UniqueConstraint(fields=["is_current"], condition=models.Q(is_current=True), name="policy_one_current_document"),
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
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="policy_chapter_number_unique")]
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
