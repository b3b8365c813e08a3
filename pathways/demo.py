"""Demo clients, releases and referrals in every status, so that the inbox and outbox of
the personas are not empty on `make run`. Idempotent: a client already present (found by
identity code) is left as it is."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from agencies.models import Agency, Municipality, User
from core.dates import today
from pathways.cases.services import release_case_start
from referrals.clients.identity import blind_index, hetu_make
from referrals.models import (
    Client,
    ConsentMethod,
    DataCategory,
    LegalBasis,
    ReferralStatus,
    ReleaseType,
)
from referrals.selectors import client_find_by_index
from referrals.services import (
    consent_record,
    referral_accept,
    referral_close,
    referral_create,
    referral_open,
    referral_return,
    referral_withdraw,
)
from referrals.suggestions import RISE_CONTACT_TOPIC

S = ReferralStatus
SECTION_28 = "1301-2021-28"
SECTION_27 = "1301-2021-27"
SECTION_28_CATEGORIES = ("identity", "release", "health", "service_needs")


@dataclass(frozen=True)
class DemoCase:
    first_name: str
    last_name: str
    birth_date: date
    individual: int
    municipality: str
    unit: str
    days_to_release: int
    release_type: str
    recipient: str
    basis: str
    categories: tuple[str, ...]
    status: str
    message: str = ""
    note: str = ""


CASES = (
    DemoCase(
        "Mikko",
        "Mäkinen",
        date(1985, 3, 14),
        231,
        "Oulu",
        "rise-prison",
        75,
        ReleaseType.CONDITIONAL,
        "tym-oulu",
        SECTION_28,
        SECTION_28_CATEGORIES,
        S.SENT,
        "Asiakas toivoo työnhaun käynnistämistä ennen vapautumista. Ammatti: hitsaaja.",
    ),
    DemoCase(
        "Jari",
        "Niskanen",
        date(1979, 8, 2),
        117,
        "Kempele",
        "rise-prison",
        50,
        ReleaseType.SUPERVISED_PROBATIONARY,
        "tym-oulu",
        SECTION_28,
        SECTION_28_CATEGORIES,
        S.OPENED,
        "Valvottu koevapaus alkaa; tapaaminen vankilassa?",
    ),
    DemoCase(
        "Sanna",
        "Lehto",
        date(1999, 11, 23),
        248,
        "Oulu",
        "rise-office",
        40,
        ReleaseType.CONDITIONAL,
        "tym-oulu",
        SECTION_28,
        SECTION_28_CATEGORIES,
        S.ACCEPTED,
        "Nuori asiakas; yhteys Nurriin on sovittu.",
    ),
    DemoCase(
        "Pekka",
        "Korhonen",
        date(1970, 1, 5),
        155,
        "Oulu",
        "rise-prison",
        100,
        ReleaseType.FULL_TERM,
        "tym-oulu",
        SECTION_28,
        ("identity", "release"),
        S.RETURNED,
        note="Asiakas muuttaa Tampereelle; lähettäkää Tampereen seudulle.",
    ),
    DemoCase(
        "Antti",
        "Virtanen",
        date(1990, 6, 30),
        369,
        "Liminka",
        "rise-office",
        120,
        ReleaseType.COMBINATION,
        "tym-oulu",
        SECTION_28,
        ("identity", "release"),
        S.WITHDRAWN,
        note="Vapautumispäivä siirtyi; lähetetään myöhemmin uudelleen.",
    ),
    DemoCase(
        "Eero",
        "Heikkinen",
        date(1982, 4, 9),
        672,
        "Oulu",
        "rise-prison",
        20,
        ReleaseType.CONDITIONAL,
        "tym-oulu",
        SECTION_28,
        SECTION_28_CATEGORIES,
        S.CLOSED,
        note="Asiakas ohjattu työkokeiluun; lähete suljettu.",
    ),
    DemoCase(
        "Ville",
        "Saarinen",
        date(1993, 2, 17),
        513,
        "Ii",
        "rise-office",
        150,
        ReleaseType.CONDITIONAL,
        "tym-oulu",
        SECTION_28,
        ("identity", "release"),
        S.DRAFT,
        "Luonnos: tarkistetaan asumistilanne ennen lähettämistä.",
    ),
    DemoCase(
        "Laura",
        "Salo",
        date(1988, 9, 12),
        402,
        "Tampere",
        "rise-prison",
        60,
        ReleaseType.CONDITIONAL,
        "tym-tampere",
        SECTION_28,
        SECTION_28_CATEGORIES,
        S.SENT,
        "Asiakas muuttaa vapautuessaan Tampereelle.",
    ),
)


def _demo_client(case: DemoCase) -> Client | None:
    return client_find_by_index(hetu_index=blind_index(hetu_make(case.birth_date, case.individual)))


@transaction.atomic
def seed_demo_cases(*, agencies: dict[str, Agency], users: dict[str, User]) -> None:
    bases = {basis.code: basis for basis in LegalBasis.objects.all()}
    categories = {category.code: category for category in DataCategory.objects.all()}
    rise = users["rise.oulu"]
    for demo in CASES:
        if _demo_client(demo) is not None:
            continue
        unit = agencies[demo.unit]
        case = release_case_start(
            agency=unit,
            user=rise,
            client=None,
            new_client={
                "hetu": hetu_make(demo.birth_date, demo.individual),
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "home_municipality": Municipality.objects.get(name_fi=demo.municipality),
                "mother_tongue": "fi",
                "service_language": "fi",
                "phone": "+358 50 000 0000",
                "address": "Esimerkkikatu 1",
            },
            rise_unit=unit,
            expected_date=today() + timedelta(days=demo.days_to_release),
            release_type=demo.release_type,
            municipality_after=Municipality.objects.get(name_fi=demo.municipality),
        )
        recipient = agencies[demo.recipient]
        contact = recipient.contact_persons.filter(topic__code=RISE_CONTACT_TOPIC).first()
        referral = referral_create(
            client=case.client,
            sender=unit,
            user=rise,
            recipient_agency=recipient,
            recipient_person=contact.person if contact else None,
            basis=bases[demo.basis],
            categories=[categories[code] for code in demo.categories],
            message=demo.message,
            release=case.release,
            send=demo.status != S.DRAFT,
        )
        receiver = users["tym.tampere" if demo.recipient == "tym-tampere" else "tym.oulu"]
        if demo.status in {S.OPENED, S.ACCEPTED, S.RETURNED, S.CLOSED}:
            referral = referral_open(referral=referral, user=receiver, agency=recipient)
        if demo.status in {S.ACCEPTED, S.CLOSED}:
            referral = referral_accept(
                referral=referral, user=receiver, agency=recipient, assignee=receiver
            )
        if demo.status == S.CLOSED:
            referral_close(referral=referral, user=receiver, agency=recipient, note=demo.note)
        if demo.status == S.RETURNED:
            referral_return(referral=referral, user=receiver, agency=recipient, reason=demo.note)
        if demo.status == S.WITHDRAWN:
            referral_withdraw(referral=referral, user=rise, agency=unit, note=demo.note)

    # Mikko Mäkinen consents to the wellbeing services county's social work seeing his
    # identity and service needs; Kela gets Jari Niskanen's release data under §27.
    mikko = _demo_client(CASES[0])
    if mikko is not None and not mikko.consents.exists():
        hva = agencies["hva-pohjois"]
        consent_record(
            client=mikko,
            agency=agencies["rise-prison"],
            user=rise,
            recipient_agency=hva,
            recipient_kind="",
            categories=[categories["identity"], categories["service_needs"]],
            given_on=today(),
            method=ConsentMethod.WRITTEN,
            valid_until=today() + timedelta(days=365),
        )
        referral_create(
            client=mikko,
            sender=agencies["rise-prison"],
            user=rise,
            recipient_agency=hva,
            recipient_person=users["hva.pohjois"],
            basis=bases[LegalBasis.CONSENT],
            categories=[categories["identity"], categories["service_needs"]],
            message="Asiakas toivoo tukea asumiseen ja päihdepalveluihin vapautumisen jälkeen.",
        )
        jari = _demo_client(CASES[1])
        if jari is not None:
            referral_create(
                client=jari,
                sender=agencies["rise-prison"],
                user=rise,
                recipient_agency=agencies["kela-pohjoinen"],
                recipient_person=users["kela.pohjoinen"],
                basis=bases[SECTION_27],
                categories=[categories["identity"], categories["release"]],
                message="Tiedoksi etuuksia varten: valvottu koevapaus alkaa.",
            )
