"""Demo data of the meetings app. Idempotent: what is already there is left as it is."""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Region, User
from meetings.gatherings.services import (
    GatheringData,
    ProgrammeItemData,
    gathering_create,
    registration_create,
)
from meetings.models import Gathering, Meeting
from meetings.services import InviteeSpec, meeting_minutes_record, meeting_schedule
from pathways.demo import CASES
from referrals.clients.identity import blind_index, hetu_make
from referrals.selectors import client_find_by_index

DAY = timedelta(days=1)

# The network gathering of 4.12.2025 in the seed (docs/design.md §5), dated on the next 4.12.
GATHERING_TITLE = "Työllistymisen monialaisen edistämisen yhdyspintaverkosto"
GATHERING_DESCRIPTION = (
    "Verkosto tukee eri toimijoiden hyvää yhteistyötä työllistymisen monialaisessa "
    "edistämisessä ja työkyvyn tukemisessa. Verkoston fokus on työllistymisen monialaisen "
    "edistämisen ajankohtaisissa yhdyspintakysymyksissä ja hyvien käytänteiden jakamisessa. "
    "Verkosto on avoin kaikille työllistymisen edistämisen eri toimijoille: kunnille, "
    "uusille työvoimaviranomaisille, hyvinvointialueille, Kelalle, järjestöille ja muille "
    "yhteistyökumppaneille."
)
GATHERING_VIDEO = "https://video.demo.polku.invalid/yhdyspintaverkosto"
GATHERING_REGION = "17"  # Pohjois-Pohjanmaa
PROGRAMME = (
    ProgrammeItemData(
        time(12, 0),
        "Tervetuloa",
        "Tommi Eskonen, työllistymisen monialaisen tuen palvelujen johtaja",
        "Tampereen kaupunki",
    ),
    ProgrammeItemData(
        time(12, 5),
        "Kuntouttavan työtoiminnan siirto – arviomuistio",
        "Hanna Liski-Wallentowitz, neuvotteleva virkamies",
        "Työ- ja elinkeinoministeriö",
    ),
    ProgrammeItemData(
        time(12, 30),
        "Toimeentulotuen uudistus – vaikutuksia asiakasohjauksen näkökulmasta",
        "Ismo Hiljanen, johtava asiantuntija",
        "Kela",
    ),
    ProgrammeItemData(
        time(13, 0),
        "Verkostoyhteistyö ja lainsäädäntö rikostaustaisten työllistymispolkujen mahdollistajana",
        "Kati Kettukivi, yksikönpäällikkö, ja Anna-Liisa Lämsä, KT, verkostopäällikkö",
        "Pohjois-Suomen yhdyskuntaseuraamustoimisto; Oulun seudun TYM & Oulun Eteläisen ja "
        "Rannikon TYM",
    ),
    ProgrammeItemData(
        time(13, 30),
        "Priima Butti! – Romanihanke Etelä-Pohjanmaalta",
        "Essi Ilola, hanketyöntekijä",
        "Etelä-Pohjanmaan hyvinvointialue",
    ),
)


def next_fourth_of_december(today: date) -> date:
    """The next 4.12 still ahead (a gathering cannot start in the past)."""
    this_year = date(today.year, 12, 4)
    return this_year if this_year > today else date(today.year + 1, 12, 4)


@transaction.atomic
def seed_demo_gatherings() -> Gathering | None:
    """The seed's network gathering in Pohjois-Pohjanmaa, organised by Oulun seutu's
    coordinator, with its programme and tym.oulu registered. None without the personas."""
    users = User.objects.in_bulk(["koordinaattori.oulu", "tym.oulu"], field_name="username")
    agency = Agency.objects.filter(name_fi="Oulun seudun työllisyysalue").first()
    region = Region.objects.filter(code=GATHERING_REGION).first()
    if len(users) < 2 or agency is None or region is None:
        return None
    day = next_fourth_of_december(timezone.localdate())
    starts_at = timezone.make_aware(datetime.combine(day, time(12, 0)))
    gathering = Gathering.objects.filter(
        title=GATHERING_TITLE, region=region, starts_at=starts_at
    ).first()
    if gathering is None:
        gathering = gathering_create(
            user=users["koordinaattori.oulu"],
            agency=agency,
            data=GatheringData(
                region=region,
                title=GATHERING_TITLE,
                starts_at=starts_at,
                ends_at=timezone.make_aware(datetime.combine(day, time(14, 0))),
                description=GATHERING_DESCRIPTION,
                video_url=GATHERING_VIDEO,
            ),
            programme=PROGRAMME,
        )
    registration_create(gathering=gathering, user=users["tym.oulu"], agency=agency)
    return gathering


def seed_demo_meetings() -> list[Meeting]:
    """Mikko Mäkinen's network meetings: one held two weeks ago, with minutes and an
    agreed action that went into his plan, and one next week. Nothing is added when his
    case already has meetings."""
    demo = {case.last_name: case for case in CASES}["Mäkinen"]
    client = client_find_by_index(
        hetu_index=blind_index(hetu_make(demo.birth_date, demo.individual))
    )
    case = client.cases.order_by("created_at").first() if client else None
    users = User.objects.in_bulk(
        ["koordinaattori.oulu", "tym.oulu", "hva.pohjois"], field_name="username"
    )
    tym = Agency.objects.filter(name_fi="Oulun seudun työllisyysalue").first()
    county = Agency.objects.filter(name_fi="Pohjois-Pohjanmaan hyvinvointialue").first()
    if case is None or len(users) < 3 or tym is None or county is None:
        return []
    existing = list(Meeting.objects.filter(case=case))
    if existing:
        return existing
    now = timezone.localtime()
    invitees = [
        InviteeSpec(agency=tym, person=users["tym.oulu"]),
        InviteeSpec(agency=county, person=users["hva.pohjois"]),
        InviteeSpec(is_client=True),
    ]

    def at(days: int) -> datetime:
        return timezone.make_aware(datetime.combine(now.date() + timedelta(days=days), time(10, 0)))

    held = meeting_schedule(
        case=case,
        organiser=users["koordinaattori.oulu"],
        agency=tym,
        title="Vapautumisen jälkeinen suunnittelu",
        starts_at=at(1),
        duration_minutes=60,
        place="Oulun seudun työllisyysalue, Torikatu 10, neuvotteluhuone 2",
        video_url="",
        agenda="1. Kuulumiset\n2. Asuminen\n3. Työkokeilu",
        invitees=invitees,
    )
    # A demo meeting in the past: services schedule only future ones, so it is moved back.
    Meeting.objects.filter(pk=held.pk).update(starts_at=at(-14))
    held.refresh_from_db()
    meeting_minutes_record(
        meeting=held,
        minutes="Asiakas on löytänyt tuetun asunnon. Työkokeilu kiinnostaa.",
        decisions="Työkokeilupaikka kartoitetaan logistiikka-alalta.",
        action_items=[("Kartoita työkokeilupaikat logistiikka-alalta", tym, now.date() + 21 * DAY)],
        user=users["koordinaattori.oulu"],
        agency=tym,
    )
    upcoming = meeting_schedule(
        case=case,
        organiser=users["koordinaattori.oulu"],
        agency=tym,
        title="Työkokeilun aloitus",
        starts_at=at(7),
        duration_minutes=45,
        place="",
        video_url="https://video.demo.polku.invalid/tyokokeilu",
        agenda="1. Työkokeilupaikka\n2. Päihdepalvelujen tuki",
        invitees=invitees,
    )
    return [held, upcoming]
