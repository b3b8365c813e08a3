"""Fill a PostgreSQL database with national-scale data: 200,000 clients and 500,000
referrals spread over the 45 mainland employment areas, with their grants and
permissions, as the services would have written them."""

import random
import time
import uuid
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, AgencyKind, EmploymentArea, Municipality, Role, User
from agencies.services import agency_create, membership_set
from referrals.clients.identity import blind_index, encrypt, hetu_make
from referrals.models import (
    AccessGrant,
    Client,
    ClientGroupObjectPermission,
    DataCategory,
    LegalBasis,
    Referral,
    ReferralStatus,
    Release,
)

BATCH = 5_000
S = ReferralStatus
# Roughly how a year's referrals end up.
STATUS_WEIGHTS = {
    S.SENT: 6,
    S.OPENED: 6,
    S.ACCEPTED: 40,
    S.RETURNED: 8,
    S.WITHDRAWN: 5,
    S.CLOSED: 35,
}
REVOKED = {S.RETURNED, S.WITHDRAWN, S.CLOSED}

# Names as a name search meets them: the most common Finnish surnames, each borne by
# about 0.2-0.4 % of people (roughly the proportions of the Digital and Population Data
# Services Agency's name statistics), and a long tail of rarer names built from common
# syllables and endings, so that trigrams are shared as in real surnames.
COMMON_SURNAMES = {
    "Korhonen": 40,
    "Virtanen": 39,
    "Mäkinen": 36,
    "Nieminen": 35,
    "Mäkelä": 34,
    "Hämäläinen": 33,
    "Laine": 33,
    "Heikkinen": 31,
    "Koskinen": 31,
    "Järvinen": 29,
    "Lehtonen": 29,
    "Lehtinen": 28,
    "Saarinen": 27,
    "Salminen": 27,
    "Heinonen": 26,
    "Niemi": 25,
    "Heikkilä": 25,
    "Kinnunen": 24,
    "Salonen": 24,
    "Turunen": 24,
}
SURNAME_STARTS = [
    "Aal", "Hal", "Hir", "Jun", "Kai", "Kos", "Kur", "Lah", "Mie", "Paa",
    "Pel", "Pul", "Ran", "Rii", "Sep", "Sil", "Ter", "Tuo", "Var", "Vuo",
]  # fmt: skip
SURNAME_MIDDLES = ["ta", "ki", "lo", "ma", "ve", "ri", "ku", "ne", "pa", "so", "hi", "lä"]
SURNAME_ENDS = ["nen", "la", "lä", "o", "kari", "mäki", "salo", "vaara", "niemi", "järvi"]
FIRST_NAMES = [
    "Mikko", "Jari", "Timo", "Juha", "Antti", "Eero", "Matti", "Jussi", "Sami", "Janne",
    "Sanna", "Laura", "Anna", "Maria", "Johanna", "Tiina", "Minna", "Elina", "Katja", "Aino",
]  # fmt: skip
# The weights are people in 10,000: 5.9 % bear one of the common surnames.
COMMON_SHARE = sum(COMMON_SURNAMES.values())


def surname(rng: random.Random) -> str:
    if rng.randrange(10_000) < COMMON_SHARE:
        return rng.choices(list(COMMON_SURNAMES), list(COMMON_SURNAMES.values()))[0]
    return (
        rng.choice(SURNAME_STARTS)
        + rng.choice(SURNAME_MIDDLES)
        + rng.choice(SURNAME_MIDDLES)
        + rng.choice(SURNAME_ENDS)
    )


def log(message: str, started: float) -> None:
    print(f"  {time.monotonic() - started:7.1f} s  {message}", flush=True)


def area_agencies() -> dict[int, Agency]:
    """One employment-area agency, with one staff member, for each mainland area."""
    agencies = {}
    for area in EmploymentArea.objects.exclude(code="46"):
        agency = Agency.objects.filter(
            kind=AgencyKind.EMPLOYMENT_AREA, employment_area=area
        ).first()
        if agency is None:
            agency = agency_create(
                kind=AgencyKind.EMPLOYMENT_AREA,
                name_fi=f"{area.name_fi} (työllisyysalue)",
                name_sv=f"{area.name_sv} (sysselsättningsområde)",
                name_en=f"{area.name_en} employment area",
                employment_area=area,
            )
            staff, _created = User.objects.get_or_create(username=f"bench.{area.code}")
            membership_set(user=staff, agency=agency, role=Role.STAFF)
        agencies[area.pk] = agency
    return agencies


@transaction.atomic
def fill(*, clients: int, referrals: int, seed: int = 2026) -> None:
    started = time.monotonic()
    rng = random.Random(seed)
    agencies = area_agencies()
    sender = Agency.objects.get(name_fi="Oulun vankila")
    rise = User.objects.get(username="rise.oulu")
    basis = LegalBasis.objects.get(code="1301-2021-28")
    shown = list(DataCategory.objects.filter(code__in=["identity", "release"]))
    view = Permission.objects.get(codename="view_client", content_type__app_label="referrals")
    municipalities = list(
        Municipality.objects.filter(is_active=True).exclude(employment_area__code="46")
    )
    log(f"{len(agencies)} employment-area agencies", started)

    now = timezone.now()
    today = timezone.localdate()
    existing = Client.objects.count()
    client_rows = []
    for n in range(clients):
        born = today - timedelta(days=rng.randint(18 * 365, 70 * 365))
        code = hetu_make(born, 2 + (existing + n) % 897)
        # Identity codes repeat across 200,000 people; the index must stay unique.
        index = blind_index(f"{code}:{existing + n}")
        client_rows.append(
            Client(
                hetu_encrypted=encrypt(code),
                hetu_index=index,
                first_name=rng.choice(FIRST_NAMES),
                last_name=surname(rng),
                birth_date=born,
                home_municipality=rng.choice(municipalities),
                recorded_by=sender,
            )
        )
    Client.objects.bulk_create(client_rows, batch_size=BATCH)
    client_ids = list(
        Client.objects.filter(recorded_by=sender)
        .order_by("-pk")
        .values_list("pk", "home_municipality__employment_area_id")[:clients]
    )
    log(f"{clients} clients", started)

    release_rows = [
        Release(
            client_id=client_id,
            rise_unit=sender,
            expected_date=today + timedelta(days=rng.randint(-700, 365)),
            release_type="conditional",
            municipality_after_id=rng.choice(municipalities).pk,
        )
        for client_id, _area in client_ids
    ]
    Release.objects.bulk_create(release_rows, batch_size=BATCH)
    releases = dict(
        Release.objects.filter(client_id__in=[c for c, _a in client_ids]).values_list(
            "client_id", "pk"
        )
    )
    log(f"{len(releases)} releases", started)

    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())
    referral_rows = []
    for _ in range(referrals):
        client_id, area_id = rng.choice(client_ids)
        status = rng.choices(statuses, weights)[0]
        sent = now - timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
        referral_rows.append(
            Referral(
                public_id=uuid.uuid4(),
                client_id=client_id,
                release_id=releases[client_id],
                sender_agency=sender,
                sender_user=rise,
                recipient_agency=agencies[area_id],
                basis=basis,
                status=status,
                sent_at=sent,
                return_reason="Toinen alue" if status == S.RETURNED else "",
            )
        )
    Referral.objects.bulk_create(referral_rows, batch_size=BATCH)
    log(f"{referrals} referrals", started)

    grant_rows = [
        AccessGrant(
            client_id=r.client_id,
            agency_id=r.recipient_agency_id,
            basis=basis,
            referral_id=r.pk,
            valid_from=r.sent_at or now,
            revoked_at=now if r.status in REVOKED else None,
            revoke_reason=str(r.status) if r.status in REVOKED else "",
        )
        for r in Referral.objects.filter(sender_agency=sender, grants__isnull=True)
        .only("pk", "client_id", "recipient_agency_id", "sent_at", "status")
        .iterator(chunk_size=BATCH)
    ]
    AccessGrant.objects.bulk_create(grant_rows, batch_size=BATCH)
    log(f"{len(grant_rows)} access grants", started)

    through = AccessGrant.categories.through
    grant_ids = AccessGrant.objects.filter(categories__isnull=True).values_list("pk", flat=True)
    through.objects.bulk_create(
        (
            through(accessgrant_id=g, datacategory_id=c.pk)
            for g in grant_ids.iterator(chunk_size=BATCH)
            for c in shown
        ),
        batch_size=BATCH,
    )
    log("grant categories", started)

    pairs = (
        AccessGrant.objects.filter(revoked_at__isnull=True)
        .values_list("agency__group_id", "client_id")
        .distinct()
    )
    ClientGroupObjectPermission.objects.bulk_create(
        (
            ClientGroupObjectPermission(group_id=g, content_object_id=c, permission=view)
            for g, c in pairs.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    log("object permissions", started)


def analyze() -> None:
    """Statistics and the visibility map, as autovacuum keeps them on a running server:
    without the map, index-only scans (the capped counts) fetch every heap row."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
