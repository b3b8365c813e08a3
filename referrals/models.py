import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from agencies.models import Agency, AgencyKind, LocalizedName, Municipality


class DataCategory(LocalizedName):
    """A kind of client data that is disclosed, or not, as a whole (DESIGN.md §3)."""

    IDENTITY = "identity"
    CONTACT = "contact"
    RELEASE = "release"
    SENTENCE = "sentence"
    HEALTH = "health"
    SERVICE_NEEDS = "service_needs"
    EMPLOYMENT_PLAN = "employment_plan"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering"]
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")


class LegalBasis(LocalizedName):
    """A provision that allows disclosure, or the client's consent."""

    CONSENT = "consent"

    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_consent = models.BooleanField(_("rests on consent"), default=False)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        constraints = [
            models.UniqueConstraint(
                fields=["is_consent"], condition=Q(is_consent=True), name="legal_basis_one_consent"
            )
        ]


class DisclosureRule(models.Model):
    """One cell of the disclosure matrix: under `basis`, a `discloser_kind` agency may give a
    `recipient_kind` agency the data of `category`, without the client's consent."""

    basis = models.ForeignKey(
        LegalBasis, on_delete=models.CASCADE, related_name="rules", verbose_name=_("legal basis")
    )
    discloser_kind = models.CharField(
        _("discloser kind"), max_length=30, choices=AgencyKind.choices
    )
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=30, choices=AgencyKind.choices
    )
    category = models.ForeignKey(
        DataCategory, on_delete=models.CASCADE, related_name="rules", verbose_name=_("category")
    )
    limitation_fi = models.CharField(_("limitation in Finnish"), max_length=300, blank=True)
    limitation_sv = models.CharField(_("limitation in Swedish"), max_length=300, blank=True)
    limitation_en = models.CharField(_("limitation in English"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "discloser_kind", "recipient_kind", "category"],
                name="disclosure_rule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.basis}: {self.discloser_kind} → {self.recipient_kind}: {self.category}"

    @property
    def limitation(self) -> str:
        language = (get_language() or "fi")[:2]
        return str(getattr(self, f"limitation_{language}", "") or self.limitation_fi)


class Language(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    SAMI = "se", _("Sámi")
    ENGLISH = "en", _("English")
    RUSSIAN = "ru", _("Russian")
    ESTONIAN = "et", _("Estonian")
    ARABIC = "ar", _("Arabic")
    SOMALI = "so", _("Somali")
    ROMANI = "rom", _("Romani")
    OTHER = "other", _("Other")


class ServiceLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class Client(models.Model):
    """A person on a path. The identity code is kept only encrypted, beside a blind index."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    hetu_encrypted = models.TextField(_("personal identity code (encrypted)"), blank=True)
    hetu_index = models.CharField(
        _("identity code index"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    temporary_id = models.CharField(_("temporary identifier"), max_length=40, blank=True)
    first_name = models.CharField(_("first names"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    birth_date = models.DateField(_("date of birth"))
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="clients",
        verbose_name=_("home municipality"),
    )
    mother_tongue = models.CharField(
        _("mother tongue"), max_length=10, choices=Language.choices, default=Language.FINNISH
    )
    service_language = models.CharField(
        _("service language"),
        max_length=2,
        choices=ServiceLanguage.choices,
        default=ServiceLanguage.FINNISH,
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_protected = models.BooleanField(
        _("non-disclosure for personal safety (turvakielto)"),
        default=False,
        help_text=_("Contact details are then shown only to the agency that recorded them."),
    )
    recorded_by = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="recorded_clients",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        constraints = [
            models.CheckConstraint(
                condition=Q(hetu_index__isnull=False) | ~Q(temporary_id=""),
                name="client_has_an_identifier",
            ),
            models.CheckConstraint(
                condition=Q(hetu_index__isnull=True, hetu_encrypted="")
                | (Q(hetu_index__isnull=False) & ~Q(hetu_encrypted="")),
                name="client_hetu_and_index_together",
            ),
            models.UniqueConstraint(
                fields=["temporary_id"],
                condition=~Q(temporary_id=""),
                name="client_temporary_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["recorded_by", "last_name"])]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class ClientGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's direct foreign-key permission table for clients (one row per agency group)."""

    content_object = models.ForeignKey(Client, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("In writing")
    ELECTRONIC = "electronic", _("Electronically")
    ORAL = "oral", _("Orally, recorded by staff")


class Consent(models.Model):
    """The client's consent to disclose `categories` to one agency or to a kind of agency."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="consents", verbose_name=_("client")
    )
    recorded_by = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recipient_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_received",
        verbose_name=_("recipient agency"),
    )
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=30, choices=AgencyKind.choices, blank=True
    )
    categories = models.ManyToManyField(
        DataCategory, related_name="+", verbose_name=_("categories")
    )
    given_on = models.DateField(_("given on"))
    method = models.CharField(_("how it was given"), max_length=20, choices=ConsentMethod.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_agency__isnull=False) & Q(recipient_kind=""))
                | (Q(recipient_agency__isnull=True) & ~Q(recipient_kind="")),
                name="consent_one_recipient",
                violation_error_message=_("Choose either one agency or a kind of agency."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("given_on")),
                name="consent_valid_after_given",
                violation_error_message=_("The consent cannot end before it was given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.recipient_agency or self.get_recipient_kind_display()}"


class ReleaseType(models.TextChoices):
    CONDITIONAL = "conditional", _("Conditional release (parole)")
    SUPERVISED_PROBATIONARY = "supervised_probationary", _("Supervised probationary freedom")
    FULL_TERM = "full_term", _("Release after the full term")
    COMBINATION = "combination", _("Combination sentence")


class Release(models.Model):
    """An upcoming release from prison, as Rise records it (the category "release").

    It lives here rather than with the case so that referrals can carry and filter by
    it; the pathways app anchors a case on it.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="releases", verbose_name=_("client")
    )
    rise_unit = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="releases", verbose_name=_("Rise unit")
    )
    # Indexed in release_date_id below.
    expected_date = models.DateField(_("expected release date"))
    release_type = models.CharField(_("release type"), max_length=30, choices=ReleaseType.choices)
    municipality_after = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("home municipality after release"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A form's one-time key, so that a double-submitted form creates nothing twice.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The day the client was released: confirmed by Rise (released_by set), or taken to be
    # the expected date once that day has come and nobody has confirmed it.
    released_on = models.DateField(_("released on"), null=True, blank=True)
    # PROTECT: a confirmed release must not turn into a presumed one with its recorder.
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("release recorded by"),
    )

    class Meta:
        ordering = ["expected_date"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        indexes = [
            # The inbox's release-date window joins the releases of the window to the
            # agency's referrals by id: with the id in the index, the join reads no rows.
            models.Index(fields=["expected_date", "id"], name="release_date_id"),
            # The scan that records the releases whose day has come reads only these.
            models.Index(
                fields=["expected_date"],
                condition=Q(released_on__isnull=True),
                name="release_unrecorded",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | Q(released_on__isnull=False),
                name="release_confirmed_has_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.expected_date:%d.%m.%Y}"


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("referral status", "Draft")
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    OPENED = "opened", pgettext_lazy("referral status", "Opened")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    RETURNED = "returned", pgettext_lazy("referral status", "Returned")
    WITHDRAWN = "withdrawn", pgettext_lazy("referral status", "Withdrawn")
    CLOSED = "closed", pgettext_lazy("referral status", "Closed")


class Referral(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("client"),
        # Indexed first in referral_client_recipient below.
        db_index=False,
    )
    release = models.ForeignKey(
        Release,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("release"),
    )
    sender_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("sender")
    )
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        verbose_name=_("sent by"),
    )
    recipient_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name=_("recipient"),
    )
    recipient_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_addressed",
        verbose_name=_("named contact person"),
    )
    basis = models.ForeignKey(
        LegalBasis,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("legal basis"),
    )
    categories = models.ManyToManyField(
        DataCategory, related_name="+", verbose_name=_("data disclosed")
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_assigned",
        verbose_name=_("responsible person"),
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-sent_at", "-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="referral_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_at__isnull=False),
                name="referral_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(sender_agency=models.F("recipient_agency")),
                name="referral_to_another_agency",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient_agency", "status", "-sent_at"]),
            # A name search in the inbox: the few clients of that name, then their
            # referrals to this agency, without reading the agency's whole inbox.
            models.Index(fields=["client", "recipient_agency"], name="referral_client_recipient"),
            # The inbox: an agency's received referrals, newest first.
            models.Index(
                fields=["recipient_agency", "-sent_at"],
                condition=~Q(status="draft"),
                name="referral_inbox",
            ),
            # The reminder scan: referrals still waiting to be opened or accepted.
            models.Index(
                fields=["sent_at"],
                condition=Q(status__in=["sent", "opened"]),
                name="referral_awaiting",
            ),
            models.Index(fields=["sender_agency", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.recipient_agency}"


class ReferralEvent(models.Model):
    """One step of a referral's timeline; both sides see it."""

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("referral")
    )
    status = models.CharField(_("new status"), max_length=20, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    actor_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status} {self.at:%Y-%m-%d %H:%M}"


class AccessGrant(models.Model):
    """Why an agency may see a client's data: which categories, on what basis, from which
    referral or consent, and until when. Revoking it removes the access at once."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="grants", verbose_name=_("client")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="grants", verbose_name=_("recipient agency")
    )
    basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, related_name="+", verbose_name=_("legal basis")
    )
    categories = models.ManyToManyField(
        DataCategory, related_name="+", verbose_name=_("categories")
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("referral"),
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("consent"),
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("why revoked"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | Q(referral__isnull=False),
                name="grant_has_a_source",
            ),
        ]
        indexes = [
            models.Index(
                fields=["agency", "client"],
                condition=Q(revoked_at__isnull=True),
                name="grant_active_agency_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.client} · {self.basis}"


class LogPurpose(models.TextChoices):
    REFERRAL = "referral", _("Handling a referral")
    CASE_WORK = "case_work", _("Case work on the client's path")
    CLIENT_RECORD = "client_record", _("Keeping the client record")
    INBOX = "inbox", _("Reviewing incoming referrals")
    ASSESSMENT = "assessment", _("Assessing the service need")
    PLAN = "plan", _("Employment planning")
    MEETING = "meeting", _("Network meeting")
    SUPERVISION = "supervision", _("Data protection supervision")
    IDENTITY_LOOKUP = "identity_lookup", _("Looking up an identity code")


class UseLogEntry(models.Model):
    """Act 703/2023 §10 use log: who saw which data of whom, why and when."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    username = models.CharField(_("user name"), max_length=150)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="use_log", verbose_name=_("client")
    )
    categories = models.JSONField(_("categories shown"), default=list)
    purpose = models.CharField(_("purpose"), max_length=30, choices=LogPurpose.choices)
    path = models.CharField(_("page"), max_length=300)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("use log entry")
        verbose_name_plural = _("use log")
        # By client for the client log report, by agency for the data protection officer.
        indexes = [models.Index(fields=["client", "-at"]), models.Index(fields=["agency", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.client_id}"


class DisclosureLogEntry(models.Model):
    """Act 703/2023 §10 disclosure log: what was disclosed to whom, on what basis."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="disclosure_log", verbose_name=_("client")
    )
    categories = models.JSONField(_("categories disclosed"), default=list)
    discloser_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("discloser")
    )
    discloser_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("disclosed by"),
    )
    recipient_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, related_name="+", verbose_name=_("legal basis")
    )
    consent = models.ForeignKey(
        Consent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent"),
    )
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("referral"),
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=LogPurpose.choices)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("disclosure log entry")
        verbose_name_plural = _("disclosure log")
        indexes = [
            models.Index(fields=["client", "-at"]),
            models.Index(fields=["discloser_agency", "-at"]),
            models.Index(fields=["recipient_agency", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.discloser_agency_id}→{self.recipient_agency_id}"
