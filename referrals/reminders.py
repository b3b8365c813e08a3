"""Reminders about referrals that wait: not opened in 3 business days, and not accepted
in 5, which escalates to the receiving agency's coordinator and the contact person's
substitute. Due dates are computed from the database on every scan."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from agencies.selectors import agency_people
from core.business_days import business_days_after
from notifications.services import Due
from notifications.texts import case_params
from referrals.case_links import referral_cases
from referrals.models import Referral, ReferralStatus
from referrals.notification_kinds import ReferralNotificationKind

NOT_OPENED_DAYS = 3
NOT_ACCEPTED_DAYS = 5
# Ten business days cover any run of Finnish holidays (Christmas to Epiphany included).
LONGEST_WAIT = timedelta(days=21)


def due_after(*, sent_on: date, business_days: int) -> date:
    """The first day after `business_days` full business days following the sending day."""
    return business_days_after(sent_on, business_days + 1)


def referral_reminders_due(*, today: date, catch_up_days: int) -> Iterator[Due]:
    earliest = today - timedelta(days=catch_up_days) - LONGEST_WAIT
    since = timezone.make_aware(datetime.combine(earliest, time.min))
    waiting = list(
        Referral.objects.filter(
            status__in=[ReferralStatus.SENT, ReferralStatus.OPENED], sent_at__gte=since
        )
        .select_related("recipient_agency", "sender_agency")
        .only(
            "pk",
            "public_id",
            "status",
            "sent_at",
            "created_at",
            "client_id",
            "release_id",
            "sender_agency__kind",
            "recipient_agency__name_fi",
            "recipient_agency__name_sv",
            "recipient_agency__name_en",
            "recipient_person_id",
            "assigned_to_id",
        )
    )
    people = agency_people(agency_ids={r.recipient_agency_id for r in waiting})
    # Which case each referral belongs to (pathways answers, in a fixed number of queries).
    cases = referral_cases(referrals=waiting)
    first = today - timedelta(days=catch_up_days)
    for referral in waiting:
        if referral.sent_at is None:  # sent and opened referrals always have it
            continue
        sent_on = timezone.localdate(referral.sent_at)
        url = reverse("referral-detail", args=[referral.public_id])
        agency = referral.recipient_agency
        staff = people[agency.pk]
        handler = referral.assigned_to_id or referral.recipient_person_id
        case = cases.get(referral.pk)
        about = case_params(public_id=case.public_id, reference=case.reference) if case else {}
        if referral.status == ReferralStatus.SENT:
            due_on = due_after(sent_on=sent_on, business_days=NOT_OPENED_DAYS)
            if first <= due_on <= today:
                yield Due(
                    kind=ReferralNotificationKind.REFERRAL_NOT_OPENED,
                    subject=f"referral:{referral.pk}",
                    due_on=due_on,
                    recipients=frozenset(
                        {handler} if handler else staff.contact_persons or staff.coordinators
                    ),
                    url=url,
                    params={"date": sent_on.isoformat(), **about},
                )
        due_on = due_after(sent_on=sent_on, business_days=NOT_ACCEPTED_DAYS)
        if first <= due_on <= today:
            substitute = staff.substitutes.get(referral.recipient_person_id or 0)
            yield Due(
                kind=ReferralNotificationKind.REFERRAL_ESCALATED,
                subject=f"referral:{referral.pk}",
                due_on=due_on,
                recipients=frozenset(staff.coordinators | ({substitute} if substitute else set())),
                url=url,
                params={
                    "date": sent_on.isoformat(),
                    "agency": {"fi": agency.name_fi, "sv": agency.name_sv, "en": agency.name_en},
                    **about,
                },
            )
