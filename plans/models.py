"""The middle of the path: the agencies' joint service-need assessment, the employment
plan (Act 381/2023 §4-§6) and what came of it.

Every piece of client data here belongs to a data category (DOMAIN_CATEGORY,
PLAN_CATEGORY, OUTCOME_CATEGORY), and pages show it only when the viewing agency's
access (referrals.selectors.ClientAccess) shows that category.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from agencies.models import Agency
from pathways.models import Case
from referrals.models import DataCategory


class Domain(models.TextChoices):
    WORK_CAPACITY = "work_capacity", _("Work and functional capacity")
    EDUCATION = "education", _("Education and skills")
    HOUSING = "housing", _("Housing")
    FINANCES = "finances", _("Finances and debts")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SOCIAL_NETWORK = "social_network", _("Social network")
    EVERYDAY_SKILLS = "everyday_skills", _("Everyday skills")


# Health and functional capacity is the narrower category: §28(2) lets Rise tell the
# employment area only work and functional capacity of it.
DOMAIN_CATEGORY: dict[str, str] = {
    Domain.WORK_CAPACITY: DataCategory.HEALTH,
    Domain.SUBSTANCE_USE: DataCategory.HEALTH,
    Domain.MENTAL_HEALTH: DataCategory.HEALTH,
    Domain.EDUCATION: DataCategory.SERVICE_NEEDS,
    Domain.HOUSING: DataCategory.SERVICE_NEEDS,
    Domain.FINANCES: DataCategory.SERVICE_NEEDS,
    Domain.SOCIAL_NETWORK: DataCategory.SERVICE_NEEDS,
    Domain.EVERYDAY_SKILLS: DataCategory.SERVICE_NEEDS,
}
SUMMARY_CATEGORY = DataCategory.SERVICE_NEEDS
PLAN_CATEGORY = DataCategory.EMPLOYMENT_PLAN
OUTCOME_CATEGORY = DataCategory.EMPLOYMENT_PLAN


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need for support")
    SOME = "some", _("Some need for support")
    SIGNIFICANT = "significant", _("Significant need for support")


class Assessment(models.Model):
    """One joint assessment per case; each agency writes its own entries."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="assessment", verbose_name=_("case")
    )
    summary = models.TextField(_("summary of needs"), blank=True)
    suggested_services = models.TextField(_("suggested services"), blank=True)
    suggested_agencies = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name=_("suggested agencies")
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("service-need assessment")
        verbose_name_plural = _("service-need assessments")

    def __str__(self) -> str:
        return f"{self.case_id} assessment"


class AssessmentEntry(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="entries", verbose_name=_("assessment")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    domain = models.CharField(_("domain"), max_length=30, choices=Domain.choices)
    need = models.CharField(_("need"), max_length=20, choices=NeedLevel.choices)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["assessment", "domain", "agency"]
        verbose_name = _("assessment entry")
        verbose_name_plural = _("assessment entries")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "agency", "domain"], name="assessment_entry_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.domain} {self.agency_id}"


class EmploymentPlan(models.Model):
    """The case's plan as it is being edited; each sign-off round freezes a PlanVersion."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="plan", verbose_name=_("case")
    )
    # The plan is due within three months of this day and reviewed every three months.
    started_on = models.DateField(_("started on"))
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("employment plan")
        verbose_name_plural = _("employment plans")

    def __str__(self) -> str:
        return f"{self.case_id} plan"


class PlanGoal(models.Model):
    plan = models.ForeignKey(
        EmploymentPlan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("goal"))

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="plan_goal_order_unique")
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("plan action status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("plan action status", "In progress")
    DONE = "done", pgettext_lazy("plan action status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("plan action status", "Cancelled")


class PlanAction(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(
        EmploymentPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        PlanGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("goal"),
    )
    text = models.TextField(_("action"))
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner agency")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    # Where the action came from, e.g. a network meeting's minutes (set by that service).
    origin = models.CharField(_("origin"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(status__in=["planned", "in_progress"]),
                name="plan_action_open_due",
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class PlanVersion(models.Model):
    """A frozen, readable copy of the plan as it was signed off."""

    plan = models.ForeignKey(
        EmploymentPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanSignOff(models.Model):
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("version")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.UniqueConstraint(fields=["version", "agency"], name="plan_signoff_once")
        ]

    def __str__(self) -> str:
        return f"{self.version_id} ✓ {self.agency_id}"


class OutcomeKind(models.TextChoices):
    EMPLOYMENT = "employment", _("Employment")
    EDUCATION = "education", _("Education")
    REHABILITATION = "rehabilitation", _("Rehabilitation or rehabilitative work activity")
    OTHER = "other", _("Other")
    NONE = "none", _("None")


class EmployerType(models.TextChoices):
    PRIVATE = "private", _("Private company")
    PUBLIC = "public", _("Public sector")
    THIRD_SECTOR = "third_sector", _("Association or foundation")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
    SELF_EMPLOYED = "self_employed", _("Self-employed")


class Outcome(models.Model):
    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("case")
    )
    kind = models.CharField(_("outcome"), max_length=20, choices=OutcomeKind.choices)
    employer_type = models.CharField(
        _("employer type"), max_length=20, choices=EmployerType.choices, blank=True
    )
    hours_per_week = models.DecimalField(
        _("hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["case", "-recorded_at"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="employment")
                | (Q(start_date__isnull=False) & ~Q(employer_type="")),
                name="outcome_employment_details",
                violation_error_message=_("Employment needs the employer type and start date."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | (Q(hours_per_week__gt=0) & Q(hours_per_week__lte=80)),
                name="outcome_hours_sensible",
                violation_error_message=_("Hours per week are between 0 and 80."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class FollowUp(models.Model):
    """Whether the outcome still holds 3, 6 and 12 months after release."""

    MONTHS = (3, 6, 12)

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("case")
    )
    months = models.PositiveSmallIntegerField(
        _("months after release"), choices=[(m, m) for m in MONTHS]
    )
    still_holds = models.BooleanField(_("the outcome still holds"))
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        ordering = ["case", "months"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(fields=["case", "months"], name="follow_up_once"),
            models.CheckConstraint(condition=Q(months__in=[3, 6, 12]), name="follow_up_months"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.months} m"
