"""The events a client's path reacts to, and the hook through which referrals announce
theirs.

A pathway template names these events on its stages (the events that start a stage,
those that complete it, and the one that ticks a checklist item). The services that make
an event call the path's reaction in the same transaction: the services of the apps above
pathways call it directly; the referral services, which sit below pathways, call
`referral_event_announce`, and pathways registers its reaction here when the app loads.
A registered reaction is called explicitly and synchronously, inside the caller's
transaction: it is not a signal, and an error in it undoes the change that caused it.
"""

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from referrals.models import Referral, ReferralStatus


class PathEvent(models.TextChoices):
    REFERRAL_SENT = "referral_sent", _("referral sent")
    REFERRAL_OPENED = "referral_opened", _("referral opened")
    REFERRAL_ACCEPTED = "referral_accepted", _("referral accepted")
    REFERRAL_RETURNED = "referral_returned", _("referral returned")
    ASSESSMENT_COMPLETED = "assessment_completed", _("service-need assessment completed")
    RELEASE_RECORDED = "release_recorded", _("release recorded")
    PLAN_SIGNED = "plan_signed", _("employment plan signed")
    PLAN_REVIEWED = "plan_reviewed", _("employment plan reviewed")
    MEETING_HELD = "meeting_held", _("network meeting held")
    OUTCOME_RECORDED = "outcome_recorded", _("outcome recorded")
    KELA_REGISTRATION_RECORDED = "kela_registration_recorded", _("Kela registration recorded")


# The referral status a move leads to -> the path event it is.
REFERRAL_EVENTS: dict[str, str] = {
    ReferralStatus.SENT: PathEvent.REFERRAL_SENT,
    ReferralStatus.OPENED: PathEvent.REFERRAL_OPENED,
    ReferralStatus.ACCEPTED: PathEvent.REFERRAL_ACCEPTED,
    ReferralStatus.RETURNED: PathEvent.REFERRAL_RETURNED,
}

ReferralReaction = Callable[[Referral, str, User, Agency], None]
_referral_reactions: list[ReferralReaction] = []


def referral_reaction_register(reaction: ReferralReaction) -> None:
    """Called once by a higher app's AppConfig.ready()."""
    if reaction not in _referral_reactions:
        _referral_reactions.append(reaction)


def referral_event_announce(*, referral: Referral, status: str, user: User, agency: Agency) -> None:
    """Tell the registered reactions that the referral moved into `status`; call it inside
    the transaction that made the move."""
    event = REFERRAL_EVENTS.get(status)
    if event is None:
        return
    for reaction in _referral_reactions:
        reaction(referral, event, user, agency)
