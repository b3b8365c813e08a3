"""Feedback on Polku's accessibility, given through the accessibility statement's form
(Act 306/2019: a public-sector service answers it within 14 days)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessibilityFeedback(models.Model):
    """One piece of feedback. Anyone may give it, logged in or not: the name and the
    address are the sender's own choice, and the only personal data kept."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    page = models.CharField(_("page"), max_length=500, blank=True)
    message = models.TextField(_("feedback"))
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.page}"
