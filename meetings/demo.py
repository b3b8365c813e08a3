"""Demo data of the meetings app. Idempotent: what is already there is left as it is."""

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Region, User
from meetings.gathering_services import (
    GatheringData,
    ProgrammeItemData,
    gathering_create,
    registration_create,
)
from meetings.models import Gathering

# The network gathering of 4.12.2025 in the seed (DESIGN.md §5), dated on the next 4.12.
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
