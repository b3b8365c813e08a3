"""Test factories: each makes its object through the service the application makes it
with, so a test's world obeys the same rules as the real one. Only what no service
creates is written straight to its table: users (the admin makes them) and contact
topics (reference rows).

The demo region's agencies and personas are found by name with `agency(key)` and
`user(username)`, which make them (a persona with its demo memberships) the first time
a test asks, so that a test holds only the part of the region it touches. The whole
demo, with its clients, paths and plans, is the `demo` fixture (tests/conftest.py).
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from agencies.demo import DEMO_USERS, NORTHERN_REGIONS, TOPICS, seed_demo_agencies
from agencies.models import (
    Agency,
    AgencyKind,
    ContactChannel,
    ContactPerson,
    ContactTopic,
    EmploymentArea,
    KelaServiceArea,
    Membership,
    Municipality,
    Region,
    Role,
    User,
    WellbeingArea,
)
from agencies.services import agency_create, contact_person_set, membership_set
from core.dates import today
from meetings.gatherings.services import GatheringData, ProgrammeItemData, gathering_create
from meetings.models import Gathering, Meeting
from meetings.services import InviteeSpec, meeting_schedule
from notifications.models import Notification
from notifications.services import notifications_create
from pathways.cases.services import release_case_start
from pathways.demo import seed_demo_cases
from pathways.kela.services import kela_guidance_start
from pathways.models import Case
from plans.demo import seed_demo_plans
from plans.models import Assessment, EmploymentPlan, Outcome, PlanAction, PlanGoal
from plans.services import (
    assessment_entries_save,
    outcome_record,
    plan_action_add,
    plan_goal_add,
    plan_start,
)
from referrals.clients.identity import blind_index, hetu_make
from referrals.models import (
    Client,
    Consent,
    ConsentMethod,
    DataCategory,
    LegalBasis,
    Referral,
    ReleaseType,
)
from referrals.services import (
    client_create,
    consent_record,
    referral_accept,
    referral_close,
    referral_create,
    referral_open,
    referral_return,
    referral_withdraw,
)

# The personas' password: the demo's and every factory user's (tests log in with it).
DEMO_PASSWORD = "test-password-for-personas"
PERSONAS = tuple(demo.username for demo in DEMO_USERS)

_individual = itertools.count(10)


# The demo region ----------------------------------------------------------------------


@dataclass(frozen=True)
class AgencySpec:
    """One of the demo region's agencies (agencies/demo.py), by the key tests use."""

    kind: AgencyKind
    name_fi: str
    name_sv: str
    name_en: str
    employment_area: str = ""
    wellbeing_area: str = ""
    kela_service_area: str = ""
    regions: tuple[str, ...] = ()  # the municipalities of these regions, for Rise


AGENCIES = {
    "tym-oulu": AgencySpec(
        AgencyKind.EMPLOYMENT_AREA,
        "Oulun seudun työllisyysalue",
        "Uleåborgsregionens sysselsättningsområde",
        "Oulu region employment area",
        employment_area="24",
    ),
    "tym-tampere": AgencySpec(
        AgencyKind.EMPLOYMENT_AREA,
        "Tampereen seudun työllisyysalue",
        "Tammerforsregionens sysselsättningsområde",
        "Tampere region employment area",
        employment_area="39",
    ),
    "hva-pohjois": AgencySpec(
        AgencyKind.WELLBEING_AREA,
        "Pohjois-Pohjanmaan hyvinvointialue",
        "Norra Österbottens välfärdsområde",
        "North Ostrobothnia wellbeing services county",
        wellbeing_area="19",
    ),
    "hva-etela": AgencySpec(
        AgencyKind.WELLBEING_AREA,
        "Etelä-Pohjanmaan hyvinvointialue",
        "Södra Österbottens välfärdsområde",
        "South Ostrobothnia wellbeing services county",
        wellbeing_area="16",
    ),
    "priima": AgencySpec(
        AgencyKind.NGO,
        "Priima Butti -hanke",
        "Projektet Priima Butti",
        "Priima Butti project",
        wellbeing_area="16",
    ),
    "kela": AgencySpec(
        AgencyKind.KELA,
        "Kela, pohjoinen asiakaspalveluyksikkö",
        "FPA, norra kundserviceenheten",
        "Kela, Northern customer service unit",
        kela_service_area="5",
    ),
    "rise-office": AgencySpec(
        AgencyKind.RISE_COMMUNITY_SANCTIONS,
        "Pohjois-Suomen yhdyskuntaseuraamustoimisto",
        "Norra Finlands samhällspåföljdsbyrå",
        "Northern Finland Community Sanctions Office",
        regions=NORTHERN_REGIONS,
    ),
    "rise-prison": AgencySpec(
        AgencyKind.RISE_PRISON,
        "Oulun vankila",
        "Uleåborgs fängelse",
        "Oulu Prison",
        regions=NORTHERN_REGIONS,
    ),
}
# agencies/demo.py's keys where they differ from the tests' shorter ones.
_DEMO_KEYS = {"kela-pohjoinen": "kela", "priima-butti": "priima"}
_DEMO_USERS = {demo.username: demo for demo in DEMO_USERS}


def agency(key: str) -> Agency:
    """The demo region's agency, made the first time it is asked for."""
    spec = AGENCIES[key]
    found = Agency.objects.filter(kind=spec.kind, name_fi=spec.name_fi).first()
    if found is not None:
        return found
    return AgencyFactory(
        kind=spec.kind,
        name_fi=spec.name_fi,
        name_sv=spec.name_sv,
        name_en=spec.name_en,
        employment_area=(
            EmploymentArea.objects.get(code=spec.employment_area) if spec.employment_area else None
        ),
        wellbeing_area=(
            WellbeingArea.objects.get(code=spec.wellbeing_area) if spec.wellbeing_area else None
        ),
        kela_service_area=(
            KelaServiceArea.objects.get(code=spec.kela_service_area)
            if spec.kela_service_area
            else None
        ),
        municipalities=list(Municipality.objects.filter(region__code__in=spec.regions))
        if spec.regions
        else None,
    )


def user(username: str) -> User:
    """The persona (agencies/demo.py), made with its memberships the first time it is
    asked for; their agencies come with it."""
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    demo = _DEMO_USERS[username]
    return UserFactory(
        username=demo.username,
        first_name=demo.first_name,
        last_name=demo.last_name,
        email=f"{demo.username}@demo.polku.invalid",
        is_staff=demo.is_superuser,
        is_superuser=demo.is_superuser,
        memberships=[(agency(_DEMO_KEYS.get(key, key)), role) for key, role in demo.memberships],
    )


def demo_people() -> dict[str, User]:
    """The demo region's agencies, personas, contact topics and named contact persons
    (agencies/demo.py), without clients."""
    _agencies, users = seed_demo_agencies(password=DEMO_PASSWORD)
    return users


def demo_cases() -> dict[str, User]:
    """The demo's people and its clients, with their releases, paths and referrals in
    every status (pathways/demo.py), without the plans."""
    agencies, users = seed_demo_agencies(password=DEMO_PASSWORD)
    seed_demo_cases(agencies=agencies, users=users)
    return users


def oulu_services() -> list[Agency]:
    """The agencies that serve a client in Oulu: a path started for one gets them as the
    responsible agencies of its stages (as in the demo, where they exist from the start)."""
    return [agency(key) for key in ("tym-oulu", "hva-pohjois", "kela")]


def topic(code: str) -> ContactTopic:
    """A contact topic of the demo's list (reference rows: no service makes them)."""
    fi, sv, en, ordering = TOPICS[code]
    found, _created = ContactTopic.objects.get_or_create(
        code=code, defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "ordering": ordering}
    )
    return found


def rise_contact(key: str = "tym-oulu", username: str = "tym.oulu") -> ContactPerson:
    """The agency's named Rise contact person, as the demo names Tiina Toivonen for Oulun
    seutu: the person routing suggests for a §28 referral."""
    details: dict[str, Any] = {
        "tym-oulu": {
            "secure_email": "rise-yhteys.oulunseutu@demo.polku.invalid",
            "phone": "+358 40 100 2001",
            "substitute": "koordinaattori.oulu",
        },
        "tym-tampere": {"secure_email": "rise-yhteys.tampereenseutu@demo.polku.invalid"},
    }.get(key, {"secure_email": f"rise-yhteys.{key}@demo.polku.invalid"})
    substitute = details.pop("substitute", None)
    return ContactPersonFactory(
        agency=agency(key),
        topic=topic("rise"),
        person=user(username),
        preferred_channel=ContactChannel.SECURE_EMAIL,
        substitute=user(substitute) if substitute else None,
        **details,
    )


def categories(*codes: str) -> list[DataCategory]:
    return list(DataCategory.objects.filter(code__in=codes))


def basis(code: str) -> LegalBasis:
    return LegalBasis.objects.get(code=code)


def oulu() -> Municipality:
    return Municipality.objects.get(name_fi="Oulu")


# Agencies and people ------------------------------------------------------------------


class AgencyFactory(factory.Factory):
    """An agency of its own (not the demo region's): an NGO in Oulu unless told."""

    class Meta:
        model = Agency

    kind = AgencyKind.NGO
    name_fi = factory.Sequence(lambda n: f"Testitoimija {n}")
    name_sv = factory.Sequence(lambda n: f"Testaktör {n}")
    name_en = factory.Sequence(lambda n: f"Test agency {n}")
    employment_area = None
    wellbeing_area = None
    kela_service_area = None
    municipalities = None

    @classmethod
    def _create(cls, model_class: type[Agency], *args: Any, **kwargs: Any) -> Agency:
        return agency_create(**kwargs)


class UserFactory(factory.Factory):
    """A person who logs in with DEMO_PASSWORD, a member of each (agency, role) given.
    No service makes users (the admin does), so the row is written here; the
    memberships go through `membership_set`."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"testihenkilo{n}")
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    email = factory.LazyAttribute(lambda o: f"{o.username}@test.polku.invalid")
    is_staff = False
    is_superuser = False
    memberships: list[tuple[Agency, Role]] = []

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        memberships = kwargs.pop("memberships")
        person = User.objects.create_user(password=DEMO_PASSWORD, **kwargs)
        for member_of, role in memberships:
            membership_set(user=person, agency=member_of, role=role)
        return person


class MembershipFactory(factory.Factory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    role = Role.STAFF

    @classmethod
    def _create(cls, model_class: type[Membership], *args: Any, **kwargs: Any) -> Membership:
        return membership_set(**kwargs)


class ContactPersonFactory(factory.Factory):
    """A named contact person; the person must be a member of the agency."""

    class Meta:
        model = ContactPerson

    agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    topic = factory.LazyFunction(lambda: topic("employment"))
    person = factory.LazyFunction(lambda: user("tym.oulu"))
    preferred_channel = ContactChannel.PHONE
    phone = "+358 40 100 2002"

    @classmethod
    def _create(cls, model_class: type[ContactPerson], *args: Any, **kwargs: Any) -> ContactPerson:
        return contact_person_set(**kwargs)


# Clients, consent and referrals -------------------------------------------------------


def _hetu() -> str:
    return hetu_make(datetime.date(1980, 1, 1) + datetime.timedelta(days=next(_individual)), 200)


class ClientFactory(factory.Factory):
    class Meta:
        model = Client

    recorded_by = factory.LazyFunction(lambda: agency("rise-prison"))
    hetu = factory.LazyFunction(_hetu)
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    home_municipality = factory.LazyFunction(oulu)
    mother_tongue = "fi"
    service_language = "fi"
    phone = "+358 40 123 4567"

    @classmethod
    def _create(cls, model_class: type[Client], *args: Any, **kwargs: Any) -> Client:
        return client_create(**kwargs)


class ConsentFactory(factory.Factory):
    """The client's written consent, recorded by Oulu prison, for the wellbeing services
    county to see their identity and service needs for a year."""

    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    agency = factory.LazyFunction(lambda: agency("rise-prison"))
    user = factory.LazyFunction(lambda: user("rise.oulu"))
    recipient_agency = factory.LazyFunction(lambda: agency("hva-pohjois"))
    recipient_kind = ""
    categories = factory.LazyFunction(lambda: categories("identity", "service_needs"))
    given_on = factory.LazyFunction(today)
    method = ConsentMethod.WRITTEN
    valid_until = factory.LazyFunction(lambda: today() + datetime.timedelta(days=365))

    @classmethod
    def _create(cls, model_class: type[Consent], *args: Any, **kwargs: Any) -> Consent:
        return consent_record(**kwargs)


class DraftReferralFactory(factory.Factory):
    """A §28 referral from Oulu prison to Oulun seutu's named Rise contact person."""

    class Meta:
        model = Referral

    client = factory.SubFactory(ClientFactory)
    sender = factory.LazyFunction(lambda: agency("rise-prison"))
    user = factory.LazyFunction(lambda: user("rise.oulu"))
    recipient_agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    recipient_person = factory.LazyFunction(lambda: user("tym.oulu"))
    basis = factory.LazyFunction(lambda: basis("1301-2021-28"))
    categories = factory.LazyFunction(lambda: categories("identity", "release", "service_needs"))
    message = "Testilähete"
    send = False

    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        return referral_create(**kwargs)


class SentReferralFactory(DraftReferralFactory):
    send = True


def _recipient_side(referral: Referral) -> dict[str, Any]:
    receiver = "tym.tampere" if referral.recipient_agency == agency("tym-tampere") else "tym.oulu"
    return {"user": user(receiver), "agency": referral.recipient_agency}


class OpenedReferralFactory(SentReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_open(referral=referral, **_recipient_side(referral))


class AcceptedReferralFactory(OpenedReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        side = _recipient_side(referral)
        return referral_accept(referral=referral, assignee=side["user"], **side)


class ReturnedReferralFactory(OpenedReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_return(referral=referral, reason="Väärä alue", **_recipient_side(referral))


class WithdrawnReferralFactory(SentReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_withdraw(referral=referral, user=kwargs["user"], agency=kwargs["sender"])


class ClosedReferralFactory(AcceptedReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_close(referral=referral, **_recipient_side(referral))


# Paths --------------------------------------------------------------------------------


class ReleaseCaseFactory(factory.Factory):
    """Oulu prison logs the client's conditional release two months ahead, to Oulu: the
    release path starts (the youth variant for a client under 30 on the day), its stages
    answered for by the agencies that serve Oulu."""

    class Meta:
        model = Case

    agency = factory.LazyFunction(lambda: agency("rise-prison"))
    user = factory.LazyFunction(lambda: user("rise.oulu"))
    client = factory.SubFactory(ClientFactory)
    rise_unit = factory.LazyAttribute(lambda o: o.agency)
    expected_date = factory.LazyFunction(lambda: today() + datetime.timedelta(days=60))
    release_type = ReleaseType.CONDITIONAL
    municipality_after = factory.LazyFunction(oulu)

    @classmethod
    def _create(cls, model_class: type[Case], *args: Any, **kwargs: Any) -> Case:
        oulu_services()
        return release_case_start(**kwargs)


class KelaCaseFactory(factory.Factory):
    """Kela's guidance path from an instruction given today."""

    class Meta:
        model = Case

    agency = factory.LazyFunction(lambda: agency("kela"))
    user = factory.LazyFunction(lambda: user("kela.pohjoinen"))
    client = factory.SubFactory(ClientFactory)
    instructed_on = factory.LazyFunction(today)

    @classmethod
    def _create(cls, model_class: type[Case], *args: Any, **kwargs: Any) -> Case:
        oulu_services()
        return kela_guidance_start(**kwargs)


def referred_case(
    *, codes: tuple[str, ...] = ("identity", "release", "health", "service_needs"), **kwargs: Any
) -> Case:
    """A release path whose client Oulu prison has referred to Oulun seutu under §28, so
    that Oulun seutu may see the client and work on the path."""
    case = ReleaseCaseFactory(**kwargs)
    SentReferralFactory(client=case.client, categories=categories(*codes), release=case.release)
    return case


# The demo's Mikko Mäkinen, identified as pathways/demo.py identifies him.
MIKKO_HETU = hetu_make(datetime.date(1985, 3, 14), 231)
JARI_HETU = hetu_make(datetime.date(1979, 8, 2), 117)
SALO_HETU = hetu_make(datetime.date(1988, 9, 12), 402)
SECTION_28 = ("identity", "release", "health", "service_needs")


def mikko_case() -> Case:
    """Mikko Mäkinen's adult release path as the demo has it (pathways/demo.py), made
    through the services the first time a test asks: Oulu prison logged his release in
    75 days and sent Oulun seutu's named contact person a §28 referral; he consented to
    the wellbeing services county seeing his identity and service needs, and Oulu prison
    sent the county a referral on that consent."""
    found = (
        Case.objects.select_related("client", "release", "template")
        .filter(client__hetu_index=blind_index(MIKKO_HETU))
        .order_by("created_at")
        .first()
    )
    if found is not None:
        return found
    rise, prison = user("rise.oulu"), agency("rise-prison")
    oulu_services()
    case = release_case_start(
        agency=prison,
        user=rise,
        client=None,
        new_client={
            "hetu": MIKKO_HETU,
            "first_name": "Mikko",
            "last_name": "Mäkinen",
            "home_municipality": oulu(),
            "mother_tongue": "fi",
            "service_language": "fi",
            "phone": "+358 50 000 0000",
            "address": "Esimerkkikatu 1",
        },
        rise_unit=prison,
        expected_date=today() + datetime.timedelta(days=75),
        release_type=ReleaseType.CONDITIONAL,
        municipality_after=oulu(),
    )
    SentReferralFactory(
        client=case.client,
        categories=categories(*SECTION_28),
        release=case.release,
        message="Asiakas toivoo työnhaun käynnistämistä ennen vapautumista. Ammatti: hitsaaja.",
    )
    ConsentFactory(client=case.client)
    SentReferralFactory(
        client=case.client,
        recipient_agency=agency("hva-pohjois"),
        recipient_person=user("hva.pohjois"),
        basis=LegalBasis.objects.get(code=LegalBasis.CONSENT),
        categories=categories("identity", "service_needs"),
        message="Asiakas toivoo tukea asumiseen ja päihdepalveluihin vapautumisen jälkeen.",
    )
    return Case.objects.select_related("client", "release", "template").get(pk=case.pk)


def jari_case() -> Case:
    """Jari Niskanen's adult path as the demo has it: Oulu prison logged his supervised
    probationary release in 50 days, to Kempele, and sent Oulun seutu a §28 referral,
    which Tiina Toivonen opened."""
    found = (
        Case.objects.select_related("client", "release", "template")
        .filter(client__hetu_index=blind_index(JARI_HETU))
        .order_by("created_at")
        .first()
    )
    if found is not None:
        return found
    kempele = Municipality.objects.get(name_fi="Kempele")
    case = ReleaseCaseFactory(
        client=ClientFactory(
            hetu=JARI_HETU, first_name="Jari", last_name="Niskanen", home_municipality=kempele
        ),
        expected_date=today() + datetime.timedelta(days=50),
        release_type=ReleaseType.SUPERVISED_PROBATIONARY,
        municipality_after=kempele,
    )
    OpenedReferralFactory(
        client=case.client,
        categories=categories(*SECTION_28),
        release=case.release,
        message="Valvottu koevapaus alkaa; tapaaminen vankilassa?",
    )
    SentReferralFactory(
        client=case.client,
        recipient_agency=agency("kela"),
        recipient_person=user("kela.pohjoinen"),
        basis=basis("1301-2021-27"),
        categories=categories("identity", "release"),
        message="Tiedoksi etuuksia varten: valvottu koevapaus alkaa.",
    )
    return Case.objects.select_related("client", "release", "template").get(pk=case.pk)


def salo_case() -> Case:
    """Laura Salo's adult path as the demo has it: Oulu prison logged her release in 60
    days, to Tampere, and sent Tampere's named contact person a §28 referral."""
    found = (
        Case.objects.select_related("client", "release", "template")
        .filter(client__hetu_index=blind_index(SALO_HETU))
        .order_by("created_at")
        .first()
    )
    if found is not None:
        return found
    tampere = Municipality.objects.get(name_fi="Tampere")
    agency("tym-tampere")
    case = ReleaseCaseFactory(
        client=ClientFactory(
            hetu=SALO_HETU, first_name="Laura", last_name="Salo", home_municipality=tampere
        ),
        municipality_after=tampere,
    )
    SentReferralFactory(
        client=case.client,
        recipient_agency=agency("tym-tampere"),
        recipient_person=user("tym.tampere"),
        categories=categories(*SECTION_28),
        release=case.release,
        message="Asiakas muuttaa vapautuessaan Tampereelle.",
    )
    return Case.objects.select_related("client", "release", "template").get(pk=case.pk)


def mikko_planned() -> Case:
    """Mikko's path with the demo's assessment and plan (plans/demo.py): Oulun seutu and
    the wellbeing services county assessed their parts, and both signed the plan's first
    version off; an action was added after it."""
    case = mikko_case()
    for username in ("tym.oulu", "koordinaattori.oulu", "hva.pohjois"):
        user(username)
    seed_demo_plans()  # finds Mikko by his identity code; plans nobody else
    return Case.objects.select_related("client", "release", "template").get(pk=case.pk)


# Assessments, plans and outcomes ------------------------------------------------------


class AssessmentFactory(factory.Factory):
    """Oulun seutu's part of the service-need assessment of a referred path."""

    class Meta:
        model = Assessment

    case = factory.LazyFunction(referred_case)
    user = factory.LazyFunction(lambda: user("tym.oulu"))
    agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    entries = factory.LazyFunction(lambda: {"work_capacity": ("some", "Työkyky arvioitava.")})

    @classmethod
    def _create(cls, model_class: type[Assessment], *args: Any, **kwargs: Any) -> Assessment:
        return assessment_entries_save(**kwargs)


class PlanFactory(factory.Factory):
    """The employment plan of a referred path, started by Oulun seutu."""

    class Meta:
        model = EmploymentPlan

    case = factory.LazyFunction(referred_case)
    user = factory.LazyFunction(lambda: user("tym.oulu"))
    agency = factory.LazyFunction(lambda: agency("tym-oulu"))

    @classmethod
    def _create(
        cls, model_class: type[EmploymentPlan], *args: Any, **kwargs: Any
    ) -> EmploymentPlan:
        plan = plan_start(**kwargs)
        plan.case = kwargs["case"]
        return plan


class PlanGoalFactory(factory.Factory):
    class Meta:
        model = PlanGoal

    plan = factory.SubFactory(PlanFactory)
    text = factory.Sequence(lambda n: f"Tavoite {n}")
    user = factory.LazyFunction(lambda: user("tym.oulu"))
    agency = factory.LazyFunction(lambda: agency("tym-oulu"))

    @classmethod
    def _create(cls, model_class: type[PlanGoal], *args: Any, **kwargs: Any) -> PlanGoal:
        return plan_goal_add(**kwargs)


class PlanActionFactory(factory.Factory):
    """An action of Oulun seutu's, due in two weeks."""

    class Meta:
        model = PlanAction

    plan = factory.SubFactory(PlanFactory)
    text = factory.Sequence(lambda n: f"Toimenpide {n}")
    owner_agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    due_on = factory.LazyFunction(lambda: today() + datetime.timedelta(days=14))
    origin = ""
    user = factory.LazyFunction(lambda: user("tym.oulu"))
    agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    goal = None

    @classmethod
    def _create(cls, model_class: type[PlanAction], *args: Any, **kwargs: Any) -> PlanAction:
        return plan_action_add(**kwargs)


class OutcomeFactory(factory.Factory):
    """Employment with a private employer, recorded by Oulun seutu."""

    class Meta:
        model = Outcome

    case = factory.LazyFunction(referred_case)
    user = factory.LazyFunction(lambda: user("tym.oulu"))
    agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    kind = "employment"
    employer_type = "private"
    hours_per_week = Decimal("37.5")
    start_date = factory.LazyFunction(today)
    note = ""

    @classmethod
    def _create(cls, model_class: type[Outcome], *args: Any, **kwargs: Any) -> Outcome:
        return outcome_record(**kwargs)


# Meetings and gatherings --------------------------------------------------------------


def _in_a_week() -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(today() + datetime.timedelta(days=7), datetime.time(10, 0))
    )


class MeetingFactory(factory.Factory):
    """A network meeting about a referred path a week ahead, scheduled by Oulun seutu's
    coordinator, with Oulun seutu's contact person invited."""

    class Meta:
        model = Meeting

    case = factory.LazyFunction(referred_case)
    organiser = factory.LazyFunction(lambda: user("koordinaattori.oulu"))
    agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    title = "Verkostopalaveri"
    starts_at = factory.LazyFunction(_in_a_week)
    duration_minutes = 60
    place = "Neuvotteluhuone"
    video_url = ""
    agenda = ""
    invitees = factory.LazyFunction(
        lambda: [InviteeSpec(agency=agency("tym-oulu"), person=user("tym.oulu"))]
    )

    @classmethod
    def _create(cls, model_class: type[Meeting], *args: Any, **kwargs: Any) -> Meeting:
        return meeting_schedule(**kwargs)


class GatheringFactory(factory.Factory):
    """A network gathering in Pohjois-Pohjanmaa in ten days, scheduled by Oulun seutu's
    coordinator."""

    class Meta:
        model = Gathering

    user = factory.LazyFunction(lambda: user("koordinaattori.oulu"))
    agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    region = factory.LazyFunction(lambda: Region.objects.get(code="17"))
    title = "Yhdyspintaverkosto"
    day = factory.LazyFunction(lambda: today() + datetime.timedelta(days=10))
    starts = datetime.time(12, 0)
    ends = datetime.time(14, 0)
    place = "Oulun kaupungintalo"
    programme: tuple[ProgrammeItemData, ...] = ()

    @classmethod
    def _create(cls, model_class: type[Gathering], *args: Any, **kwargs: Any) -> Gathering:
        day, starts, ends = kwargs.pop("day"), kwargs.pop("starts"), kwargs.pop("ends")
        return gathering_create(
            user=kwargs["user"],
            agency=kwargs["agency"],
            data=GatheringData(
                region=kwargs["region"],
                title=kwargs["title"],
                starts_at=timezone.make_aware(datetime.datetime.combine(day, starts)),
                ends_at=timezone.make_aware(datetime.datetime.combine(day, ends)),
                place=kwargs["place"],
            ),
            programme=kwargs["programme"],
        )


# Notifications ------------------------------------------------------------------------


class NotificationFactory(factory.Factory):
    """A notification to tym.oulu that a stage's window opens, made as the services make
    one of something that happened now (its e-mail goes to the outbox)."""

    class Meta:
        model = Notification

    recipient = factory.LazyFunction(lambda: user("tym.oulu"))
    kind = "stage_opens"
    params = factory.LazyFunction(
        lambda: {"stage": {"fi": "Työnhaku", "sv": "Jobbsökning", "en": "Job search"}}
    )
    url = "/directory/"
    due_on = factory.LazyFunction(today)

    @classmethod
    def _create(cls, model_class: type[Notification], *args: Any, **kwargs: Any) -> Notification:
        recipient = kwargs.pop("recipient")
        (notification,) = notifications_create(recipients=[recipient.pk], **kwargs)
        return notification
