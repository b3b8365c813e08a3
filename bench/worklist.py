"""The paths behind the worklists at national scale, on top of bench/fill.py's clients,
releases and referrals (make bench fills both).

- 30,000 release paths (adult template) from the benchmark's releases, whose dates run
  from 700 days ago to a year ahead; those released over 400 days ago are closed, so
  about 21,000 are active: three times the paths of Finland's several thousand releases
  a year, whose windows run from half a year before release to a year after it. Their
  stages as case workers would have left them: Rise's answered by the prison, the
  employment stages by the employment area of the client's home municipality (the area
  the client's referrals went to, so that it may see the client); a stage whose window
  has closed is done, except one in 25 left overdue; half of the open ones are started.
- Employment plans on two thirds of the paths released 10 to 365 days ago, a quarter not
  yet signed off, the rest last reviewed 0 to 119 days ago; outcomes on a third of the
  paths released 80 to 500 days ago, half of those released over 95 days ago with their
  3-month follow-up recorded.
- 13,000 Kela guidance paths (the 106,000 clients of the social-assistance reform a year,
  each on the path for about a month and a half), instructed 0 to 44 days ago, of clients
  disclosed to Kela under §27, with Kela's accepted referral to the employment area of
  the client's home municipality; four in five of those instructed over 35 days ago have
  their outcome recorded.
- 20,000 network meetings over the 60 days before and after today, organised by each
  employment area for one of its paths, the area invited (anyone of it may go); one in 20
  cancelled.

Written with SQL and bulk inserts: the services would take hours.
"""

import random
import time
import uuid
from datetime import datetime, timedelta

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Municipality, User
from bench.fill import FIRST_NAMES, area_agencies, log, surname
from meetings.models import Invitee, Meeting
from pathways.cases.selectors import template_latest
from pathways.models import Case, PathwayTemplate
from referrals.models import (
    AccessGrant,
    Client,
    ClientGroupObjectPermission,
    DataCategory,
    LegalBasis,
    Referral,
    ReferralStatus,
)

RELEASE_PATHS = 30_000
KELA_PATHS = 13_000
MEETINGS = 20_000
BATCH = 5_000


def worklist_filled() -> bool:
    return Case.objects.filter(reference__startswith="B-").exists()


def _areas_sql(areas: dict[int, Agency]) -> str:
    """The employment area -> its benchmark agency, as a VALUES list of integers."""
    return ", ".join(f"({int(area)}, {int(agency.pk)})" for area, agency in areas.items())


def _stages_sql(areas: dict[int, Agency], prefix: str) -> str:
    """The stages of the cases whose reference starts with `prefix`, as described above."""
    return f"""
        INSERT INTO pathways_casestage (case_id, stage_id, status, skip_reason,
            responsible_agency_id, responsible_person_id, updated_at)
        SELECT c.id, s.id,
            CASE
                WHEN c.anchor_date + s.window_end < %(today)s
                    THEN CASE WHEN c.id %% 25 = 0 THEN 'not_started' ELSE 'done' END
                WHEN c.anchor_date + s.window_start <= %(today)s
                    THEN CASE WHEN c.id %% 2 = 0 THEN 'in_progress' ELSE 'not_started' END
                ELSE 'not_started'
            END,
            '',
            CASE WHEN s.responsible_kind = 'employment_area' THEN area.agency_id
                ELSE c.started_by_id END,
            NULL, now()
        FROM pathways_case c
        JOIN pathways_stagetemplate s ON s.template_id = c.template_id
        JOIN referrals_client cl ON cl.id = c.client_id
        JOIN agencies_municipality m ON m.id = cl.home_municipality_id
        JOIN (VALUES {_areas_sql(areas)}) AS area (area_id, agency_id)
            ON area.area_id = m.employment_area_id
        WHERE c.reference LIKE '{prefix}%%'
    """  # noqa: S608 (the only formatted values are integers and a constant prefix)


def _release_paths(areas: dict[int, Agency], count: int, started: float) -> None:
    sender = Agency.objects.get(name_fi="Oulun vankila")
    rise = User.objects.get(username="rise.oulu")
    adult = template_latest(code=PathwayTemplate.ADULT_RELEASE)
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO pathways_case (public_id, reference, client_id, template_id, release_id,
                started_by_id, started_by_user_id, status, closed_at, anchor_date, outcome,
                outcome_note, created_at)
            SELECT gen_random_uuid(), 'B-' || lpad(upper(to_hex(r.id)), 8, '0'), r.client_id,
                %(template)s, r.id, r.rise_unit_id, %(user)s,
                CASE WHEN r.expected_date < %(closed)s THEN 'closed' ELSE 'active' END,
                CASE WHEN r.expected_date < %(closed)s THEN now() END,
                r.expected_date, '', '', now()
            FROM referrals_release r
            JOIN referrals_client cl ON cl.id = r.client_id
            WHERE cl.recorded_by_id = %(sender)s
                AND NOT EXISTS (SELECT 1 FROM pathways_case x WHERE x.release_id = r.id)
            ORDER BY r.id
            LIMIT %(count)s
            """,
            {
                "template": adult.pk,
                "user": rise.pk,
                "closed": today - timedelta(days=400),
                "sender": sender.pk,
                "count": count,
            },
        )
        log(f"{cursor.rowcount} release paths", started)
        cursor.execute(_stages_sql(areas, "B-"), {"today": today})
        log(f"{cursor.rowcount} of their stages", started)
        cursor.execute(
            """
            INSERT INTO plans_employmentplan (public_id, case_id, started_on, reviewed_on,
                created_at, updated_at)
            SELECT gen_random_uuid(), c.id, c.anchor_date + 5 + (c.id %% 20)::int,
                CASE WHEN c.id %% 4 = 0 THEN NULL
                    ELSE GREATEST(c.anchor_date + 5 + (c.id %% 20)::int,
                                  %(today)s - (c.id %% 120)::int) END,
                now(), now()
            FROM pathways_case c
            WHERE c.reference LIKE 'B-%%' AND c.status = 'active' AND c.id %% 3 <> 0
                AND c.anchor_date BETWEEN %(today)s - 365 AND %(today)s - 10
            """,
            {"today": today},
        )
        log(f"{cursor.rowcount} employment plans", started)
        # The outcome is recorded by the employment area that leads the plan.
        cursor.execute(
            """
            INSERT INTO plans_outcome (public_id, kind, employer_type, hours_per_week,
                start_date, note, recorded_at, case_id, recorded_agency_id, recorded_by_id)
            SELECT gen_random_uuid(), 'education', '', NULL, NULL, '', now(), c.id,
                (SELECT cs.responsible_agency_id FROM pathways_casestage cs
                 JOIN pathways_stagetemplate s ON s.id = cs.stage_id
                 WHERE cs.case_id = c.id AND s.responsible_kind = 'employment_area'
                 ORDER BY s."order" LIMIT 1),
                %(user)s
            FROM pathways_case c
            WHERE c.reference LIKE 'B-%%' AND c.id %% 3 = 0
                AND c.anchor_date BETWEEN %(today)s - 500 AND %(today)s - 80
            """,
            {"today": today, "user": rise.pk},
        )
        log(f"{cursor.rowcount} outcomes", started)
        cursor.execute(
            """
            INSERT INTO plans_followup (case_id, months, still_holds, note, checked_at,
                checked_agency_id, checked_by_id)
            SELECT o.case_id, 3, true, '', now(), o.recorded_agency_id, o.recorded_by_id
            FROM plans_outcome o JOIN pathways_case c ON c.id = o.case_id
            WHERE c.reference LIKE 'B-%%' AND c.id %% 2 = 0
                AND c.anchor_date < %(today)s - 95
            """,
            {"today": today},
        )
        log(f"{cursor.rowcount} follow-ups", started)


def _referred(
    clients: list[Client],
    *,
    sender: Agency,
    sender_user: User,
    recipients: list[Agency],
    basis: LegalBasis,
    categories: list[DataCategory],
    sent: list[datetime],
) -> None:
    """Accepted referrals of `clients`, with the grants and object permissions the
    services would have given their recipients."""
    view = Permission.objects.get(codename="view_client", content_type__app_label="referrals")
    referrals = Referral.objects.bulk_create(
        (
            Referral(
                client=client,
                sender_agency=sender,
                sender_user=sender_user,
                recipient_agency=recipient,
                basis=basis,
                status=ReferralStatus.ACCEPTED,
                sent_at=at,
            )
            for client, recipient, at in zip(clients, recipients, sent, strict=True)
        ),
        batch_size=BATCH,
    )
    grants = AccessGrant.objects.bulk_create(
        (
            AccessGrant(
                client_id=r.client_id,
                agency_id=r.recipient_agency_id,
                basis=basis,
                referral=r,
                valid_from=r.sent_at or timezone.now(),
            )
            for r in referrals
        ),
        batch_size=BATCH,
    )
    through = AccessGrant.categories.through
    through.objects.bulk_create(
        (through(accessgrant_id=g.pk, datacategory_id=c.pk) for g in grants for c in categories),
        batch_size=BATCH,
    )
    groups = dict(
        Agency.objects.filter(pk__in={r.recipient_agency_id for r in referrals}).values_list(
            "pk", "group_id"
        )
    )
    ClientGroupObjectPermission.objects.bulk_create(
        (
            ClientGroupObjectPermission(
                group_id=groups[r.recipient_agency_id],
                content_object_id=r.client_id,
                permission=view,
            )
            for r in referrals
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _kela_paths(areas: dict[int, Agency], count: int, rng: random.Random, started: float) -> None:
    """Kela's guidance clients, recorded by the prison as every client Polku holds today
    (the API that will bring Kela's own clients is still to come) and disclosed to Kela
    under §27 of Act 1301/2021; Kela refers each to the employment area of the client's
    home municipality."""
    kela = Agency.objects.filter(kind=AgencyKind.KELA).order_by("pk").first()
    assert kela is not None
    kela_user = User.objects.get(username="kela.pohjoinen")
    sender = Agency.objects.get(name_fi="Oulun vankila")
    rise = User.objects.get(username="rise.oulu")
    guidance = template_latest(code=PathwayTemplate.KELA_GUIDANCE)
    categories = {c.code: c for c in DataCategory.objects.all()}
    today = timezone.localdate()
    now = timezone.now()
    municipalities = list(
        Municipality.objects.filter(is_active=True, employment_area_id__in=areas).only(
            "pk", "employment_area_id"
        )
    )
    homes = [rng.choice(municipalities) for _ in range(count)]
    clients = Client.objects.bulk_create(
        (
            Client(
                temporary_id=f"KB-{n}",
                first_name=rng.choice(FIRST_NAMES),
                last_name=surname(rng),
                birth_date=today - timedelta(days=rng.randint(18 * 365, 64 * 365)),
                home_municipality=home,
                recorded_by=sender,
            )
            for n, home in enumerate(homes)
        ),
        batch_size=BATCH,
    )
    days_ago = [n % 45 for n in range(count)]
    _referred(
        clients,
        sender=sender,
        sender_user=rise,
        recipients=[kela] * count,
        basis=LegalBasis.objects.get(code="1301-2021-27"),
        categories=[categories[DataCategory.IDENTITY], categories[DataCategory.RELEASE]],
        sent=[now - timedelta(days=ago + 30) for ago in days_ago],
    )
    log(f"{count} Kela clients, disclosed to Kela under §27", started)
    Case.objects.bulk_create(
        (
            Case(
                reference=f"K-{n:08X}",
                client=client,
                template=guidance,
                started_by=kela,
                started_by_user=kela_user,
                anchor_date=today - timedelta(days=ago),
                outcome="registered" if ago > 35 and n % 5 else "",
                outcome_recorded_at=now if ago > 35 and n % 5 else None,
            )
            for n, (client, ago) in enumerate(zip(clients, days_ago, strict=True))
        ),
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute(_stages_sql(areas, "K-"), {"today": today})
        log(f"{count} Kela guidance paths, {cursor.rowcount} stages", started)
    _referred(
        clients,
        sender=kela,
        sender_user=kela_user,
        recipients=[areas[home.employment_area_id] for home in homes],
        basis=LegalBasis.objects.get(is_consent=True),
        categories=[categories[DataCategory.IDENTITY]],
        sent=[now - timedelta(days=ago) for ago in days_ago],
    )
    log("Kela's referrals to the employment areas", started)


def _meetings(count: int, rng: random.Random, started: float) -> None:
    organiser = User.objects.get(username="koordinaattori.oulu")
    today = timezone.localdate()
    # Each meeting about an active path, organised by the area that answers for its
    # employment stages.
    paths = list(
        Case.objects.filter(reference__startswith="B-", status="active")
        .filter(stages__stage__responsible_kind=AgencyKind.EMPLOYMENT_AREA, stages__stage__order=3)
        .values_list("pk", "stages__responsible_agency_id")
    )
    meetings = []
    for n in range(count):
        case_id, area_id = rng.choice(paths)
        day = today + timedelta(days=rng.randint(-60, 60))
        meetings.append(
            Meeting(
                public_id=uuid.uuid4(),
                uid=f"bench-meeting-{n}@polku",
                case_id=case_id,
                organiser=organiser,
                organiser_agency_id=area_id,
                title="Verkostopalaveri",
                starts_at=timezone.make_aware(
                    datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(8, 15))
                ),
                duration_minutes=60,
                place="Työllisyyspalvelut, neuvotteluhuone",
                status="cancelled" if n % 20 == 0 else "scheduled",
            )
        )
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    Invitee.objects.bulk_create(
        (Invitee(meeting=m, agency_id=m.organiser_agency_id) for m in meetings), batch_size=BATCH
    )
    log(f"{count} network meetings", started)


@transaction.atomic
def worklist_fill(*, seed: int = 2026) -> None:
    started = time.monotonic()
    rng = random.Random(seed)
    areas = area_agencies()
    _release_paths(areas, RELEASE_PATHS, started)
    _kela_paths(areas, KELA_PATHS, rng, started)
    _meetings(MEETINGS, rng, started)
    with connection.cursor() as cursor:
        for table in (
            "pathways_case",
            "pathways_casestage",
            "plans_employmentplan",
            "plans_outcome",
            "plans_followup",
            "meetings_meeting",
            "meetings_invitee",
        ):
            cursor.execute(f"ANALYZE {table}")
