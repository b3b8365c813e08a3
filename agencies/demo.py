"""The demo region's agencies, people and named contact persons (docs/design.md §7).

Everything here is found by a natural key before it is created, so running the
seed again changes nothing.
"""

from dataclasses import dataclass

from django.db import transaction

from agencies.models import (
    Agency,
    AgencyKind,
    ContactChannel,
    ContactTopic,
    EmploymentArea,
    KelaServiceArea,
    Municipality,
    Role,
    User,
    WellbeingArea,
)
from agencies.services import agency_create, contact_person_set, membership_set

# code: (Finnish, Swedish, English, ordering)
TOPICS = {
    "rise": (
        "Rise-yhdyshenkilö",
        "Kontaktperson för Brottspåföljdsmyndigheten",
        "Rise contact person",
        10,
    ),
    "release": ("Vapautumisen valmistelu", "Förberedelse av frigivning", "Release preparation", 20),
    "employment": ("Työllisyyspalvelut", "Sysselsättningstjänster", "Employment services", 30),
    "youth": ("Nuorten palvelut", "Ungdomstjänster", "Youth services", 40),
    "social-work": ("Sosiaalityö", "Socialt arbete", "Social work", 50),
    "kela": ("Kela-yhteyshenkilö", "Kontaktperson för FPA", "Kela liaison", 60),
    "project": ("Hankeyhteistyö", "Projektsamarbete", "Project cooperation", 70),
}

NORTHERN_REGIONS = ("17", "18", "19")  # Pohjois-Pohjanmaa, Kainuu, Lappi


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, Role], ...]
    is_superuser: bool = False


DEMO_USERS = (
    DemoUser(
        "rise.oulu",
        "Riikka",
        "Rajala",
        (("rise-prison", Role.CONTACT_PERSON), ("rise-office", Role.STAFF)),
    ),
    DemoUser("tym.oulu", "Tiina", "Toivonen", (("tym-oulu", Role.CONTACT_PERSON),)),
    DemoUser("tym.tampere", "Teemu", "Tamminen", (("tym-tampere", Role.CONTACT_PERSON),)),
    DemoUser("koordinaattori.oulu", "Kaisa", "Koskela", (("tym-oulu", Role.COORDINATOR),)),
    DemoUser("hva.pohjois", "Hanna", "Heikkinen", (("hva-pohjois", Role.STAFF),)),
    DemoUser("kela.pohjoinen", "Kalle", "Kemppainen", (("kela-pohjoinen", Role.STAFF),)),
    DemoUser("priima.butti", "Saara", "Nikkinen", (("priima-butti", Role.STAFF),)),
    DemoUser("tietosuoja", "Tuula", "Suojanen", (("tym-oulu", Role.DATA_PROTECTION_OFFICER),)),
    DemoUser("admin", "Aino", "Ylläpitäjä", (), is_superuser=True),
)


def _agency(kind: AgencyKind, name_fi: str, name_sv: str, name_en: str, **areas: object) -> Agency:
    existing = Agency.objects.filter(kind=kind, name_fi=name_fi).first()
    if existing is not None:
        return existing
    return agency_create(kind=kind, name_fi=name_fi, name_sv=name_sv, name_en=name_en, **areas)  # type: ignore[arg-type]


def seed_agencies() -> dict[str, Agency]:
    employment = EmploymentArea.objects.in_bulk(["24", "39"], field_name="code")
    wellbeing = WellbeingArea.objects.in_bulk(["16", "19"], field_name="code")
    northern = list(Municipality.objects.filter(region__code__in=NORTHERN_REGIONS))
    agencies = {
        "tym-oulu": _agency(
            AgencyKind.EMPLOYMENT_AREA,
            "Oulun seudun työllisyysalue",
            "Uleåborgsregionens sysselsättningsområde",
            "Oulu region employment area",
            employment_area=employment["24"],
        ),
        "tym-tampere": _agency(
            AgencyKind.EMPLOYMENT_AREA,
            "Tampereen seudun työllisyysalue",
            "Tammerforsregionens sysselsättningsområde",
            "Tampere region employment area",
            employment_area=employment["39"],
        ),
        "hva-pohjois": _agency(
            AgencyKind.WELLBEING_AREA,
            "Pohjois-Pohjanmaan hyvinvointialue",
            "Norra Österbottens välfärdsområde",
            "North Ostrobothnia wellbeing services county",
            wellbeing_area=wellbeing["19"],
        ),
        "hva-etela": _agency(
            AgencyKind.WELLBEING_AREA,
            "Etelä-Pohjanmaan hyvinvointialue",
            "Södra Österbottens välfärdsområde",
            "South Ostrobothnia wellbeing services county",
            wellbeing_area=wellbeing["16"],
        ),
        "priima-butti": _agency(
            AgencyKind.NGO,
            "Priima Butti -hanke",
            "Projektet Priima Butti",
            "Priima Butti project",
            wellbeing_area=wellbeing["16"],
        ),
        "kela-pohjoinen": _agency(
            AgencyKind.KELA,
            "Kela, pohjoinen asiakaspalveluyksikkö",
            "FPA, norra kundserviceenheten",
            "Kela, Northern customer service unit",
            kela_service_area=KelaServiceArea.objects.get(code="5"),
        ),
        "rise-office": _agency(
            AgencyKind.RISE_COMMUNITY_SANCTIONS,
            "Pohjois-Suomen yhdyskuntaseuraamustoimisto",
            "Norra Finlands samhällspåföljdsbyrå",
            "Northern Finland Community Sanctions Office",
            municipalities=northern,
        ),
        "rise-prison": _agency(
            AgencyKind.RISE_PRISON,
            "Oulun vankila",
            "Uleåborgs fängelse",
            "Oulu Prison",
            municipalities=northern,
        ),
    }
    return agencies


def seed_topics() -> dict[str, ContactTopic]:
    topics = {}
    for code, (fi, sv, en, ordering) in TOPICS.items():
        topics[code], _created = ContactTopic.objects.get_or_create(
            code=code, defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "ordering": ordering}
        )
    return topics


def seed_users(
    *, agencies: dict[str, Agency], password: str, reset_passwords: bool
) -> dict[str, User]:
    users = {}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": f"{demo.username}@demo.polku.invalid",
                "is_staff": demo.is_superuser,
                "is_superuser": demo.is_superuser,
            },
        )
        if created or reset_passwords:
            user.set_password(password)
            user.save(update_fields=["password"])
        for key, role in demo.memberships:
            membership_set(user=user, agency=agencies[key], role=role)
        users[demo.username] = user
    return users


def seed_contact_persons(
    *, agencies: dict[str, Agency], topics: dict[str, ContactTopic], users: dict[str, User]
) -> None:
    contact_person_set(
        agency=agencies["tym-oulu"],
        topic=topics["rise"],
        person=users["tym.oulu"],
        preferred_channel=ContactChannel.SECURE_EMAIL,
        secure_email="rise-yhteys.oulunseutu@demo.polku.invalid",
        phone="+358 40 100 2001",
        substitute=users["koordinaattori.oulu"],
        notes="Tavoitettavissa ma–pe 8–16. Vankilakäynnit sovitaan Rise-yhdyshenkilön kanssa.",
    )
    contact_person_set(
        agency=agencies["tym-oulu"],
        topic=topics["employment"],
        person=users["koordinaattori.oulu"],
        preferred_channel=ContactChannel.PHONE,
        phone="+358 40 100 2002",
        substitute=users["tym.oulu"],
    )
    contact_person_set(
        agency=agencies["tym-tampere"],
        topic=topics["rise"],
        person=users["tym.tampere"],
        preferred_channel=ContactChannel.SECURE_EMAIL,
        secure_email="rise-yhteys.tampereenseutu@demo.polku.invalid",
    )
    contact_person_set(
        agency=agencies["rise-prison"],
        topic=topics["release"],
        person=users["rise.oulu"],
        preferred_channel=ContactChannel.PHONE,
        phone="+358 29 568 0001",
    )
    contact_person_set(
        agency=agencies["hva-pohjois"],
        topic=topics["social-work"],
        person=users["hva.pohjois"],
        preferred_channel=ContactChannel.VIDEO,
        video_url="https://video.demo.polku.invalid/hva-pohjois",
        phone="+358 40 100 3001",
    )
    contact_person_set(
        agency=agencies["kela-pohjoinen"],
        topic=topics["kela"],
        person=users["kela.pohjoinen"],
        preferred_channel=ContactChannel.PHONE,
        phone="+358 20 692 0001",
    )
    contact_person_set(
        agency=agencies["priima-butti"],
        topic=topics["project"],
        person=users["priima.butti"],
        preferred_channel=ContactChannel.PHONE,
        phone="+358 40 100 4001",
    )


@transaction.atomic
def seed_demo_agencies(
    *, password: str, reset_passwords: bool = False
) -> tuple[dict[str, Agency], dict[str, User]]:
    agencies = seed_agencies()
    topics = seed_topics()
    users = seed_users(agencies=agencies, password=password, reset_passwords=reset_passwords)
    seed_contact_persons(agencies=agencies, topics=topics, users=users)
    return agencies, users
