"""The small worlds of the worklist tests: paths, referrals, plans and meetings built
through the services, and volume rows written in bulk for the query counts."""

import datetime
from decimal import Decimal
from itertools import count

from django.contrib.auth.models import Permission
from django.utils import timezone

from agencies.models import Agency
from core.dates import today
from meetings.models import Invitee, Meeting
from pathways.cases.selectors import template_latest
from pathways.kela.services import kela_guidance_start
from pathways.models import Case, CaseStage, PathwayTemplate, StageTemplate
from plans.models import EmploymentPlan, Outcome
from plans.services import outcome_record, plan_start
from referrals.models import (
    AccessGrant,
    Client,
    ClientGroupObjectPermission,
    DataCategory,
    Referral,
    ReferralStatus,
)
from referrals.services import referral_create

from ..factories import agency, basis, categories, user
from ..pathways.path_helpers import DAY, SECTION_28

_serial = count(1)


def refer(
    case: Case, *, codes: tuple[str, ...] = SECTION_28, to: str = "tym-oulu", send: bool = True
) -> Referral:
    """Oulu prison sends the §28 referral about the case's release."""
    return referral_create(
        client=case.client,
        sender=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency(to),
        recipient_person=user("tym.tampere" if to == "tym-tampere" else "tym.oulu"),
        basis=basis("1301-2021-28"),
        categories=categories(*codes),
        message="Testilähete",
        release=case.release,
        send=send,
    )


def move_anchor(case: Case, anchor: datetime.date) -> Case:
    """The path as if its release date had been `anchor` (the services refuse past dates)."""
    Case.objects.filter(pk=case.pk).update(anchor_date=anchor)
    case.refresh_from_db()
    return case


def with_outcome(case: Case) -> Case:
    outcome_record(
        case=case,
        user=user("koordinaattori.oulu"),
        agency=agency("tym-oulu"),
        kind="employment",
        employer_type="public",
        hours_per_week=Decimal(20),
        start_date=today(),
    )
    return case


def plan_started(case: Case, *, on: datetime.date, reviewed_on: datetime.date | None = None):
    plan = plan_start(case=case, user=user("tym.oulu"), agency=agency("tym-oulu"))
    EmploymentPlan.objects.filter(pk=plan.pk).update(started_on=on, reviewed_on=reviewed_on)
    return plan


def kela_case(client: Client, *, instructed_days_ago: int) -> Case:
    """Kela's guidance path from an instruction `instructed_days_ago` (at most 31 days,
    which the service allows; older by moving the anchor)."""
    case = kela_guidance_start(
        agency=agency("kela"),
        user=user("kela.pohjoinen"),
        client=client,
        instructed_on=today() - min(instructed_days_ago, 30) * DAY,
    )
    return move_anchor(case, today() - instructed_days_ago * DAY)


# Volume -------------------------------------------------------------------------------


def volume(size: int, *, area: Agency) -> None:
    """`size` items in each section of `area`'s worklist, written in bulk as the services
    would leave them: clients with a sent or opened §28 referral, its grant of identity
    and release and the object permission; an open employment stage on the release path
    of half of them and an overdue one on the other half, whose plans are due and whose
    outcomes wait for a follow-up; Kela guidance paths; and meetings this week."""
    rise = agency("rise-prison")
    kela = agency("kela")
    rise_user, kela_user = user("rise.oulu"), user("kela.pohjoinen")
    coordinator = user("koordinaattori.oulu")
    oulu = area.employment_area.municipalities.get(name_fi="Oulu")
    batch = next(_serial)
    clients = Client.objects.bulk_create(
        Client(
            temporary_id=f"W{batch}-{n}",
            first_name="Volyymi",
            last_name=f"Asiakas{batch}x{n}",
            birth_date=datetime.date(1980, 1, 1),
            home_municipality=oulu,
            recorded_by=rise,
        )
        for n in range(2 * size)
    )
    now = timezone.now()
    referrals = Referral.objects.bulk_create(
        Referral(
            client=client,
            sender_agency=rise,
            sender_user=rise_user,
            recipient_agency=area,
            basis=basis("1301-2021-28"),
            status=ReferralStatus.SENT if n % 2 else ReferralStatus.OPENED,
            sent_at=now - n * datetime.timedelta(hours=7),
        )
        for n, client in enumerate(clients[:size])
    )
    # The Kela clients' referrals are accepted: only the first half are awaiting.
    referrals += Referral.objects.bulk_create(
        Referral(
            client=client,
            sender_agency=rise,
            sender_user=rise_user,
            recipient_agency=area,
            basis=basis("1301-2021-28"),
            status=ReferralStatus.ACCEPTED,
            sent_at=now - 30 * DAY,
        )
        for client in clients[size:]
    )
    grants = AccessGrant.objects.bulk_create(
        AccessGrant(
            client_id=r.client_id,
            agency=area,
            basis=basis("1301-2021-28"),
            referral=r,
            valid_from=now,
        )
        for r in referrals
    )
    through = AccessGrant.categories.through
    shown = DataCategory.objects.filter(code__in=["identity", "release"])
    through.objects.bulk_create(
        through(accessgrant_id=g.pk, datacategory_id=c.pk) for g in grants for c in shown
    )
    view = Permission.objects.get(codename="view_client", content_type__app_label="referrals")
    ClientGroupObjectPermission.objects.bulk_create(
        ClientGroupObjectPermission(group=area.group, content_object=client, permission=view)
        for client in clients
    )

    adult = template_latest(code=PathwayTemplate.ADULT_RELEASE)
    job_seeking = StageTemplate.objects.get(template=adult, order=3)  # [-90, -30], employment
    cases = Case.objects.bulk_create(
        Case(
            client=client,
            template=adult,
            started_by=rise,
            started_by_user=rise_user,
            # Open: the window closes in 1 to 29 days; overdue: released 95 to 154 days ago.
            anchor_date=today() + (31 + n % 29) * DAY if n % 2 else today() - (95 + n % 60) * DAY,
        )
        for n, client in enumerate(clients[:size])
    )
    CaseStage.objects.bulk_create(
        CaseStage(case=case, stage=job_seeking, responsible_agency=area) for case in cases
    )
    EmploymentPlan.objects.bulk_create(
        EmploymentPlan(case=case, started_on=today() - (100 + n % 30) * DAY)
        for n, case in enumerate(cases)
    )
    # Released over three months ago: an outcome waits for its follow-up.
    Outcome.objects.bulk_create(
        Outcome(case=case, kind="education", recorded_by=coordinator, recorded_agency=area)
        for case in cases
        if case.anchor_date < today()
    )

    guidance = template_latest(code=PathwayTemplate.KELA_GUIDANCE)
    registration = StageTemplate.objects.get(template=guidance, responsible_kind="employment_area")
    kela_cases = Case.objects.bulk_create(
        Case(
            client=client,
            template=guidance,
            started_by=kela,
            started_by_user=kela_user,
            anchor_date=today() - (n % 45) * DAY,
        )
        for n, client in enumerate(clients[size:])
    )
    CaseStage.objects.bulk_create(
        CaseStage(case=case, stage=registration, responsible_agency=area) for case in kela_cases
    )

    start = timezone.make_aware(datetime.datetime.combine(today(), datetime.time(12)))
    meetings = Meeting.objects.bulk_create(
        Meeting(
            uid=f"meeting-volume-{batch}-{n}@polku",
            case=case,
            organiser=coordinator,
            organiser_agency=area,
            title=f"Verkostopalaveri {n}",
            starts_at=start + n * datetime.timedelta(minutes=1),
            duration_minutes=30,
            place="Neuvotteluhuone",
        )
        for n, case in enumerate(cases)
    )
    Invitee.objects.bulk_create(Invitee(meeting=m, agency=area) for m in meetings)
