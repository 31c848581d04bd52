"""Who is who (articles 2, 3, 23): units, officials, enterprises and the people linking them.

One natural person is one ``Person`` row, however many roles they play: an official's
spouse may also be a shareholder and an executive. Resident ID numbers are stored SM4
encrypted with an HMAC-SM3 blind index for exact matching; lists show them masked.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qinqing.core.audit.registry import audited
from qinqing.core.crypto import EncryptedDateField, EncryptedTextField
from qinqing.core.identifiers import mask_birth_date, mask_phone, mask_resident_id


class OrganType(models.TextChoices):
    """Article 2: the bodies whose staff are public officials under this policy."""

    PARTY_COMMITTEE = "party_committee", _("Party committee organ")
    PEOPLES_CONGRESS = "peoples_congress", _("People's congress organ")
    GOVERNMENT = "government", _("Government organ")
    CPPCC = "cppcc", _("CPPCC organ")
    PEOPLES_ORGANISATION = "peoples_organisation", _("People's organisation")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution with public-affairs functions")
    OTHER_PUBLIC_BODY = "other_public_body", _("Other body performing public duties")
    # Judicial organs (司法机关, articles 11-13): their staff perform public duties under article 2's
    # last clause; a court is the court of a lawsuit in the litigation ledger (legal).
    COURT = "court", _("People's court")
    PROCURATORATE = "procuratorate", _("People's procuratorate")


class UnitKind(models.TextChoices):
    ORGAN = "organ", _("Organ")
    DEPARTMENT = "department", _("Department")


@audited()
class Unit(models.Model):
    code = models.CharField(_("unit code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices, default=UnitKind.ORGAN)
    organ_type = models.CharField(_("organ type (article 2)"), max_length=32, choices=OrganType.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The words on the unit's seal (公章): its full registered name. A letter the unit decides is headed and
    # signed with ``name`` and sealed with this (core.letters.issuer); blank, the seal bears ``name``, as a
    # government organ's seal is its full registered name.
    seal_text = models.CharField(_("seal text"), max_length=40, blank=True, default="", db_default="")

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "", _("Unknown")


# The date of birth is digits 7-14 of the ID: masked too, or the masked ID plus it would give
# 15 of 18 digits (issue 18). Gender is digit 17, already inside the masked ID's last four.
# Both are stored encrypted (issue 18): a copy of the database gives neither. The date of
# birth is encrypted deterministically so conduct's name + date-of-birth match can still
# join on it in SQL (equal dates, equal tokens) — see core.crypto.EncryptedDateField.
@audited(masked={"resident_id": mask_resident_id, "phone": mask_phone, "resident_id_index": lambda v: "***",
                 "birth_date": mask_birth_date, "gender": lambda v: "*"})
class Person(models.Model):
    """A natural person: official, relative, shareholder, executive, employee — one record."""

    name = models.CharField(_("name"), max_length=100, db_index=True)
    resident_id = EncryptedTextField(_("resident ID number"), blank=True, default="")
    resident_id_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    gender = EncryptedTextField(_("gender"), choices=Gender.choices, blank=True, default="")
    birth_date = EncryptedDateField(_("date of birth"))
    phone = EncryptedTextField(_("phone number"), blank=True, default="")

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident_id_index"],
                condition=~Q(resident_id_index=""),
                name="directory_person_unique_resident_id",
            ),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.name

    @property
    def masked_resident_id(self) -> str:
        return mask_resident_id(self.resident_id) if self.resident_id else ""


class Rank(models.TextChoices):
    CLERK = "clerk", _("Clerk (科员)")
    DEPUTY_SECTION = "deputy_section", _("Deputy section chief (副科级)")
    SECTION = "section", _("Section chief (正科级)")
    DEPUTY_DIVISION = "deputy_division", _("Deputy division chief (副处级)")
    DIVISION = "division", _("Division chief (正处级)")
    DEPUTY_BUREAU = "deputy_bureau", _("Deputy bureau chief (副厅级)")
    OTHER = "other", _("Other")


@audited()
class Official(models.Model):
    """A public official under article 2. ``supervising_leader`` is their 分管领导."""

    person = models.OneToOneField(
        Person, on_delete=models.PROTECT, related_name="official", verbose_name=_("person")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="official",
        verbose_name=_("login account"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="officials", verbose_name=_("unit"))
    position = models.CharField(_("position"), max_length=100)
    rank = models.CharField(_("rank"), max_length=32, choices=Rank.choices, default=Rank.CLERK)
    is_leading_cadre = models.BooleanField(_("leading cadre"), default=False)
    supervising_leader = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised",
        verbose_name=_("supervising leader"),
    )
    is_active = models.BooleanField(_("in office"), default=True)

    class Meta:
        ordering = ["unit__code", "pk"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self) -> str:
        return f"{self.person.name}（{self.position}）"


@audited()
class OfficialPosition(models.Model):
    """A position an official held or holds (history of posts)."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="positions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("position"), max_length=100)
    rank = models.CharField(_("rank"), max_length=32, choices=Rank.choices, default=Rank.CLERK)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        ordering = ["official", "-start_date"]
        verbose_name = _("position held")
        verbose_name_plural = _("positions held")

    def __str__(self) -> str:
        return self.position


class OwnershipType(models.TextChoices):
    PRIVATE = "private", _("Private enterprise")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business (个体工商户)")
    FOREIGN_INVESTED = "foreign_invested", _("Foreign-invested enterprise")
    HK_MACAO_TAIWAN = "hk_macao_taiwan", _("Hong Kong, Macao or Taiwan invested enterprise")
    COLLECTIVE = "collective", _("Collective enterprise")
    STATE_OWNED = "state_owned", _("State-owned enterprise")
    STATE_HOLDING = "state_holding", _("State-holding mixed enterprise")
    OTHER = "other", _("Other")


# Article 2 covers non-public enterprises and individual businesses; article 23 applies the
# policy to public-ownership enterprises by reference.
PUBLIC_OWNERSHIP = {OwnershipType.STATE_OWNED, OwnershipType.STATE_HOLDING, OwnershipType.COLLECTIVE}


@audited()
class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200, db_index=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    ownership_type = models.CharField(_("ownership type"), max_length=32, choices=OwnershipType.choices)
    is_key_enterprise = models.BooleanField(_("key enterprise"), default=False)
    industry = models.CharField(_("industry"), max_length=100, blank=True, default="")
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    legal_representative = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_enterprises",
        verbose_name=_("legal representative / head"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    @property
    def is_non_public(self) -> bool:
        """Derived from the ownership type (article 2); public ones fall under article 23."""
        return self.ownership_type not in PUBLIC_OWNERSHIP


class LinkKind(models.TextChoices):
    SHAREHOLDER = "shareholder", _("Shareholder")
    EXECUTIVE = "executive", _("Executive")
    EMPLOYEE = "employee", _("Employee")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    DECLARED_INTEREST = "declared_interest", _("Declared interest")


@audited()
class EnterpriseLink(models.Model):
    """A person's tie to an enterprise: shares, an office, a job, or a declared interest."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enterprise_links")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="person_links")
    kind = models.CharField(_("kind"), max_length=32, choices=LinkKind.choices)
    role = models.CharField(_("role"), max_length=100, blank=True, default="")
    share_percent = models.DecimalField(
        _("share (%)"), max_digits=7, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=32, default="registry")

    class Meta:
        ordering = ["enterprise", "kind", "pk"]
        indexes = [models.Index(fields=["person", "kind"], name="directory_link_person_kind")]
        verbose_name = _("person–enterprise link")
        verbose_name_plural = _("person–enterprise links")

    def __str__(self) -> str:
        return f"{self.kind}:{self.enterprise_id}"


class Relationship(models.TextChoices):
    """Article 15: spouse, children, children's spouses and other specific relationships."""

    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    CHILD_SPOUSE = "child_spouse", _("Child's spouse")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    OTHER = "other", _("Other specific relationship")


@audited()
class RelatedPerson(models.Model):
    """An official's related person (特定关系人)."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="related_persons")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="related_to_officials")
    relationship = models.CharField(_("relationship"), max_length=32, choices=Relationship.choices)
    occupation = models.CharField(_("job and office"), max_length=200, blank=True, default="")
    declared_on = models.DateField(_("declared on"), null=True, blank=True)
    end_date = models.DateField(_("ended on"), null=True, blank=True)
    # The name the official gave when they declared this person themselves (conduct's declaration, article
    # 15); blank when the directory's keeper recorded the relation. A declaration links the person holding the
    # resident ID and never renames them, so this may differ from ``person.name``: the official (and anyone
    # but the roles of ``directory.access.RECORD_NAMES``) is shown this name, never the name of record, which
    # would confirm whose a guessed number is.
    declared_name = models.CharField(
        _("name as declared"), max_length=100, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["official", "relationship", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["official", "person", "relationship"], name="directory_related_unique"
            )
        ]
        verbose_name = _("related person")
        verbose_name_plural = _("related persons")

    def __str__(self) -> str:
        return f"{self.relationship}:{self.official_id}"

    @property
    def shown_name(self) -> str:
        """The name the declaring official gave (the name of record when the keeper recorded the relation)."""
        return self.declared_name or self.person.name

    @property
    def name_differs(self) -> bool:
        """The official declared this person under a name that is not the name of record."""
        return bool(self.declared_name) and self.declared_name != self.person.name


@audited()
class EnterpriseMembership(models.Model):
    """A login account acting for an enterprise (its head or staff)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enterprise_memberships"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="memberships")
    is_head = models.BooleanField(_("enterprise head"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "enterprise"], name="directory_membership_unique")
        ]
        verbose_name = _("enterprise account")
        verbose_name_plural = _("enterprise accounts")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.enterprise_id}"


class AssociationKind(models.TextChoices):
    """Article 9: the federation of industry and commerce (工商联) and the chambers of commerce (商会)."""

    FEDERATION = "federation", _("Federation of industry and commerce (工商联)")
    CHAMBER = "chamber", _("Chamber of commerce or trade association (商会、协会)")


@audited()
class Association(models.Model):
    """The federation or a chamber of commerce, as a record: consultations and communication meetings
    invite it by this row (not by a typed name), and its accounts act for it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AssociationKind.choices)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("federation or chamber")
        verbose_name_plural = _("federation and chambers")

    def __str__(self) -> str:
        return self.name


@audited()
class AssociationMembership(models.Model):
    """A login account acting for the federation or a chamber (its staff)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="association_memberships"
    )
    association = models.ForeignKey(Association, on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "association"], name="directory_association_member_unique"
            )
        ]
        verbose_name = _("federation or chamber account")
        verbose_name_plural = _("federation and chamber accounts")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.association_id}"
