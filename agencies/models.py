import uuid

from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalizedName(models.Model):
    """Finnish, Swedish and English names; `name` follows the active language."""

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fi")[:2]
        localized: str = getattr(self, f"name_{language}", "") or ""
        return localized or self.name_fi


class ReferenceArea(LocalizedName):
    """An area from Statistics Finland's classifications; its code is the natural key."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["name_fi"]


class Region(ReferenceArea):
    class Meta(ReferenceArea.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class WellbeingArea(ReferenceArea):
    class Meta(ReferenceArea.Meta):
        verbose_name = _("wellbeing services county")
        verbose_name_plural = _("wellbeing services counties")


class EmploymentArea(ReferenceArea):
    class Meta(ReferenceArea.Meta):
        verbose_name = _("employment area")
        verbose_name_plural = _("employment areas")


class KelaServiceArea(ReferenceArea):
    class Meta(ReferenceArea.Meta):
        verbose_name = _("Kela service area")
        verbose_name_plural = _("Kela service areas")


class LanguageStatus(models.TextChoices):
    FINNISH = "fi", _("Monolingual Finnish-speaking")
    SWEDISH = "sv", _("Monolingual Swedish-speaking")
    BILINGUAL_FINNISH_MAJORITY = "fi-sv", _("Bilingual, Finnish-speaking majority")
    BILINGUAL_SWEDISH_MAJORITY = "sv-fi", _("Bilingual, Swedish-speaking majority")


class Municipality(LocalizedName):
    code = models.CharField(_("municipality number"), max_length=3, unique=True)
    language_status = models.CharField(
        _("language status"), max_length=5, choices=LanguageStatus.choices
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    wellbeing_area = models.ForeignKey(
        WellbeingArea,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("wellbeing services county"),
    )
    employment_area = models.ForeignKey(
        EmploymentArea,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("employment area"),
    )
    kela_service_area = models.ForeignKey(
        KelaServiceArea,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("Kela service area"),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    @property
    def is_bilingual(self) -> bool:
        return self.language_status in {
            LanguageStatus.BILINGUAL_FINNISH_MAJORITY,
            LanguageStatus.BILINGUAL_SWEDISH_MAJORITY,
        }


class EmailDelivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Once a day, as a digest")
    OFF = "off", _("Never (only in Polku)")


class User(AbstractUser):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email_delivery = models.CharField(
        _("notifications by e-mail"),
        max_length=20,
        choices=EmailDelivery.choices,
        default=EmailDelivery.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class AgencyKind(models.TextChoices):
    RISE_PRISON = "rise_prison", _("Rise prison")
    RISE_COMMUNITY_SANCTIONS = "rise_community_sanctions", _("Rise community sanctions office")
    EMPLOYMENT_AREA = "employment_area", _("Employment area")
    WELLBEING_AREA = "wellbeing_area", _("Wellbeing services county")
    KELA = "kela", _("Kela")
    MUNICIPALITY = "municipality", _("Municipality")
    NGO = "ngo", _("NGO or project")


class Agency(LocalizedName):
    """An organisation whose staff use Polku.

    It serves every municipality of the areas it is tied to, plus any listed
    explicitly; an employment area's authority therefore follows the reference
    data when next year's file moves a municipality.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    employment_area = models.ForeignKey(
        EmploymentArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("employment area"),
    )
    wellbeing_area = models.ForeignKey(
        WellbeingArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("wellbeing services county"),
    )
    kela_service_area = models.ForeignKey(
        KelaServiceArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("Kela service area"),
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="agencies",
        verbose_name=_("other municipalities served"),
    )
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="agency", editable=False
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=AgencyKind.EMPLOYMENT_AREA) | Q(employment_area__isnull=False),
                name="agency_employment_area_required",
                violation_error_message=_("An employment area agency needs its employment area."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=AgencyKind.WELLBEING_AREA) | Q(wellbeing_area__isnull=False),
                name="agency_wellbeing_area_required",
                violation_error_message=_(
                    "A wellbeing services county agency needs its wellbeing services county."
                ),
            ),
            models.UniqueConstraint(
                fields=["employment_area"],
                condition=Q(kind=AgencyKind.EMPLOYMENT_AREA),
                name="agency_one_authority_per_employment_area",
                violation_error_message=_("This employment area already has its agency."),
            ),
            models.UniqueConstraint(
                fields=["wellbeing_area"],
                condition=Q(kind=AgencyKind.WELLBEING_AREA),
                name="agency_one_per_wellbeing_area",
                violation_error_message=_("This wellbeing services county already has its agency."),
            ),
        ]

    def clean(self) -> None:
        # The same rules as the check constraints, reported on the field that breaks them.
        if self.kind == AgencyKind.EMPLOYMENT_AREA and self.employment_area_id is None:
            raise ValidationError(
                {
                    "employment_area": ValidationError(
                        _("An employment area agency needs its employment area."), code="required"
                    )
                }
            )
        if self.kind == AgencyKind.WELLBEING_AREA and self.wellbeing_area_id is None:
            raise ValidationError(
                {
                    "wellbeing_area": _(
                        "A wellbeing services county agency needs its wellbeing services county."
                    )
                }
            )


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    CONTACT_PERSON = "contact_person", _("Contact person")
    COORDINATOR = "coordinator", _("Coordinator")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")


class Membership(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.STAFF)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="membership_user_agency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.agency} ({self.get_role_display()})"


class ContactTopic(LocalizedName):
    """What a named contact person is the contact for, e.g. Rise cooperation or youth services."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering", "name_fi"]
        verbose_name = _("contact topic")
        verbose_name_plural = _("contact topics")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    SECURE_EMAIL = "secure_email", _("Secure e-mail")
    VIDEO = "video", _("Video call")


# The field that holds the details of each channel.
CHANNEL_FIELDS: dict[str, str] = {
    ContactChannel.PHONE: "phone",
    ContactChannel.SECURE_EMAIL: "secure_email",
    ContactChannel.VIDEO: "video_url",
}


class ContactPerson(models.Model):
    """A named contact person of an agency for one topic, with the agreed channels."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="contact_persons", verbose_name=_("agency")
    )
    topic = models.ForeignKey(
        ContactTopic,
        on_delete=models.PROTECT,
        related_name="contact_persons",
        verbose_name=_("topic"),
    )
    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="contact_roles", verbose_name=_("person")
    )
    substitute = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitute_roles",
        verbose_name=_("substitute"),
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=ContactChannel.choices
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    secure_email = models.EmailField(_("secure e-mail"), blank=True)
    video_url = models.URLField(_("video meeting link"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["topic__ordering", "person__last_name", "person__first_name"]
        verbose_name = _("named contact person")
        verbose_name_plural = _("named contact persons")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "topic", "person"], name="contact_person_unique_per_topic"
            ),
            models.CheckConstraint(
                condition=~Q(substitute=models.F("person")),
                name="contact_person_substitute_is_someone_else",
                violation_error_message=_("The substitute must be someone else."),
            ),
            models.CheckConstraint(
                condition=(~Q(preferred_channel=ContactChannel.PHONE) | ~Q(phone=""))
                & (~Q(preferred_channel=ContactChannel.SECURE_EMAIL) | ~Q(secure_email=""))
                & (~Q(preferred_channel=ContactChannel.VIDEO) | ~Q(video_url="")),
                name="contact_person_preferred_channel_filled",
                violation_error_message=_("Give the details of the preferred channel."),
            ),
        ]
        indexes = [models.Index(fields=["agency", "topic"])]

    def __str__(self) -> str:
        return f"{self.person.display_name} – {self.topic} ({self.agency})"

    def clean(self) -> None:
        # The same rules as the check constraints, reported on the field that breaks them.
        errors: dict[str, object] = {}
        if self.substitute_id is not None and self.substitute_id == self.person_id:
            errors["substitute"] = ValidationError(
                _("The substitute must be someone else."), code="same_person"
            )
        channel_field = CHANNEL_FIELDS.get(self.preferred_channel)
        if channel_field and not getattr(self, channel_field):
            errors[channel_field] = ValidationError(
                _("Give the details of the preferred channel."), code="channel_details"
            )
        if errors:
            raise ValidationError(errors)
