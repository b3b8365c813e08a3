"""A logged release from prison: the anchor of the release paths."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Municipality
from referrals.clients.models import Client


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
