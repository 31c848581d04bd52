"""Fair-competition review (article 5): the rules as data, and reviews as records.

- ``Rule``: one kind of discriminatory clause: its pattern (and what the clause must also or
  must not contain), legal basis, explanation, suggested rewording, severity, and its own
  positive and negative examples, which the rule must pass before it is saved (the admin form
  and ``services.rule_save`` run them; a test runs every rule's examples). Seeded from
  ``seed/rules.json`` by migration 0002 (a later change of the seed comes with its own data
  migration); reviewers keep them in the admin.
- ``Review``: a document under review: its text as extracted, who reviews it in which office,
  the conclusion (通过 / 修改后通过 / 不予通过) and the sign-off. Status workflow
  ``fairness.review`` (services.REVIEW_WORKFLOW).
- ``Finding``: a clause a rule flagged, with its location, the rule's basis and suggestion as
  they were when found, and the reviewer's decision (confirmed or dismissed, with a note).
  The precision of a rule is confirmed / (confirmed + dismissed) over its findings. A reviewer
  also records a clause the rules missed (``rule`` empty, ``kind`` chosen, confirmed when added,
  the note saying why): the review's record is then complete, and the rules' recall in practice
  per kind is confirmed / (confirmed + added) (``services.kind_recall``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited


class Kind(models.TextChoices):
    OWNERSHIP = "ownership", _("Ownership or organisational form")
    LOCATION = "location", _("Location, local registration or branch")
    PERFORMANCE = "performance", _("Regional or industry performance, awards")
    SCALE = "scale", _("Size, capital, revenue, headcount or years in business")
    BRAND = "brand", _("Brands, patents, named suppliers, manufacturer authorisation")
    SPEC = "spec", _("Technical requirements pointing at one product")
    CREDENTIAL = "credential", _("Lists, libraries and credentials without legal basis")
    POLICY = "policy", _("Discriminatory subsidies, fees or exit restrictions")


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Rule(models.Model):
    """Not ``@audited`` row by row (the seed rows come from a migration, which writes no events);
    every change made through ``services.rule_save`` (the admin) records an event with the
    changed fields, so the trail of a rule is complete from its seed on."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    pattern = models.TextField(
        _("pattern"), help_text=_("Regular expression over the clause (NFKC-normalised, whitespace removed).")
    )
    requires = models.TextField(
        _("also requires"), blank=True, help_text=_("The clause must match this too.")
    )
    excludes = models.TextField(
        _("unless"), blank=True, help_text=_("A clause matching this is not flagged.")
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    basis = models.TextField(_("legal basis"))
    explanation = models.TextField(_("explanation"))
    suggestion = models.TextField(_("suggested rewording"))
    positive_examples = models.TextField(_("clauses it must flag"), help_text=_("One per line."))
    negative_examples = models.TextField(
        _("clauses it must not flag"), blank=True, help_text=_("One per line.")
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("fair-competition rule")
        verbose_name_plural = _("fair-competition rules")

    def __str__(self):
        return f"{self.code}: {self.title}"


class Status(models.TextChoices):
    OPEN = "open", _("Under review")
    CONCLUDED = "concluded", _("Concluded")


class Conclusion(models.TextChoices):
    PASS = "pass", _("Passed")
    PASS_AFTER_CHANGES = "pass_after_changes", _("Passed after changes")
    REJECT = "reject", _("Not passed")


class DocumentKind(models.TextChoices):
    PROCUREMENT = "procurement", _("Procurement or tender document")
    PPP = "ppp", _("PPP project document")
    POLICY = "policy", _("Policy measure or rule")


def _digest(value) -> str:
    """The document's text in audit events: its digest, not 150,000 characters on every trail."""
    import hashlib

    return "" if value is None else f"sha256:{hashlib.sha256(str(value).encode()).hexdigest()[:16]}"


@audited(masked={"text": _digest})
class Review(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    document_kind = models.CharField(
        _("document kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.PROCUREMENT
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_format = models.CharField(_("format"), max_length=10)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    text = models.TextField(_("extracted text"))
    clause_count = models.PositiveIntegerField(_("clauses"), default=0)
    unit = models.ForeignKey(
        "directory.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewing office"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    created_at = models.DateTimeField(_("uploaded"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    conclusion = models.CharField(_("conclusion"), max_length=30, choices=Conclusion.choices, blank=True)
    conclusion_note = models.TextField(_("opinion"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed off by"),
    )
    signed_at = models.DateTimeField(_("signed off"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("fair-competition review")
        verbose_name_plural = _("fair-competition reviews")

    def __str__(self):
        return f"{self.number} {self.title}"


class Decision(models.TextChoices):
    PENDING = "pending", _("Not decided")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


@audited()
class Finding(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, related_name="findings", null=True, blank=True,
        help_text=_("Empty for a clause the reviewer added because no rule flagged it."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    position = models.PositiveIntegerField(_("clause number"))
    clause = models.TextField(_("clause"))
    location = models.CharField(_("location"), max_length=300)
    matched = models.CharField(_("matched text"), max_length=300)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    basis = models.TextField(_("legal basis"))
    suggestion = models.TextField(_("suggested rewording"))
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "position", "id"]
        constraints = [
            # a finding names the rule that flagged it, or the kind the reviewer chose for a clause they added
            models.CheckConstraint(
                condition=models.Q(rule__isnull=False) | ~models.Q(kind=""),
                name="fairness_finding_rule_or_kind",
            ),
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self):
        return f"{self.review_id}#{self.position} {self.rule_id or self.kind}"

    @property
    def added_by_reviewer(self) -> bool:
        """A clause the reviewer recorded because no rule flagged it."""
        return self.rule_id is None

    @property
    def heading(self) -> str:
        if self.rule_id is None:
            label = _("%(kind)s (added by the reviewer: no rule flagged it)")
            return label % {"kind": self.get_kind_display()}
        return self.rule.title

    @property
    def why(self) -> str:
        """The rule's explanation; for a clause the reviewer added, the reviewer's own note."""
        return self.note if self.rule_id is None else self.rule.explanation
