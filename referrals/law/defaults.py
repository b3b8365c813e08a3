"""The legal bases, data categories and default disclosure matrix of docs/design.md §3.

They are data that administrators may edit, since sections get amended: loading never
overwrites an edited row, and a basis's default rules are added only when the basis
itself is first created.
"""

from django.db import transaction

from agencies.models import AgencyKind
from referrals.models import DataCategory, DisclosureRule, LegalBasis
from referrals.selectors import data_categories_forget

# code: (Finnish, Swedish, English)
CATEGORIES = {
    DataCategory.IDENTITY: ("Henkilötiedot", "Identitetsuppgifter", "Identity"),
    DataCategory.CONTACT: ("Yhteystiedot", "Kontaktuppgifter", "Contact details"),
    DataCategory.RELEASE: (
        "Vapautumispäivä ja -tapa",
        "Frigivningsdag och -sätt",
        "Release date and type",
    ),
    DataCategory.SENTENCE: ("Tuomion tiedot", "Uppgifter om straffet", "Sentence details"),
    DataCategory.HEALTH: (
        "Terveys ja toimintakyky",
        "Hälsa och funktionsförmåga",
        "Health and functional capacity",
    ),
    DataCategory.SERVICE_NEEDS: ("Palvelutarpeet", "Servicebehov", "Service needs"),
    DataCategory.EMPLOYMENT_PLAN: (
        "Työllistymissuunnitelma",
        "Sysselsättningsplan",
        "Employment plan",
    ),
}

RISE = (AgencyKind.RISE_PRISON, AgencyKind.RISE_COMMUNITY_SANCTIONS)
MULTI_AGENCY = (AgencyKind.EMPLOYMENT_AREA, AgencyKind.WELLBEING_AREA, AgencyKind.KELA)

# One limitation text (fi, sv, en) per rule that discloses only part of a category.
PLACEMENT_ONLY = (
    "vain sijoitus, toimintaraha ja palkka (27 § 3 kohta)",
    "endast placering, verksamhetspenning och lön (27 § 3 punkten)",
    "placement, allowances and wages only (§27(3))",
)
WORK_CAPACITY_ONLY = (
    "vain työ- ja toimintakyky (28 § 2 kohta)",
    "endast arbets- och funktionsförmåga (28 § 2 punkten)",
    "work and functional capacity only (§28(2))",
)
EMPLOYMENT_RELATED_ONLY = (
    "vain työllistymistä edistävä sisältö (28 § 2 kohta)",
    "endast innehåll som främjar sysselsättning (28 § 2 punkten)",
    "employment-promoting content only (§28(2))",
)
IN_MULTI_AGENCY_MODEL = (
    "kun asiakas on monialaisessa yhteispalvelussa",
    "när klienten omfattas av sektorsövergripande samservice",
    "once the client is in the multi-agency joint service",
)

Rule = tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, str, str] | None]

# code: (names fi/sv/en, is_consent, description fi/sv/en, rules)
BASES: dict[str, tuple[tuple[str, str, str], bool, tuple[str, str, str], list[Rule]]] = {
    "1301-2021-27": (
        (
            "Laki 1301/2021 27 § (Kela)",
            "Lag 1301/2021 27 § (FPA)",
            "Act 1301/2021 §27 (Kela)",
        ),
        False,
        (
            "Rikosseuraamuslaitos saa luovuttaa Kelalle tiedot, jotka ovat tarpeen etuuksia "
            "tai kuntoutusta varten.",
            "Brottspåföljdsmyndigheten får lämna FPA uppgifter som behövs för förmåner "
            "eller rehabilitering.",
            "Rise may disclose to Kela what Kela needs for benefits or rehabilitation.",
        ),
        [
            (RISE, (AgencyKind.KELA,), DataCategory.IDENTITY, None),
            (RISE, (AgencyKind.KELA,), DataCategory.RELEASE, None),
            (RISE, (AgencyKind.KELA,), DataCategory.SENTENCE, PLACEMENT_ONLY),
        ],
    ),
    "1301-2021-28": (
        (
            "Laki 1301/2021 28 § (työvoimaviranomainen)",
            "Lag 1301/2021 28 § (arbetskraftsmyndigheten)",
            "Act 1301/2021 §28 (employment authority)",
        ),
        False,
        (
            "Rikosseuraamuslaitos saa luovuttaa työvoimaviranomaiselle tiedot, jotka ovat "
            "tarpeen työvoimapalvelujen järjestämiseksi.",
            "Brottspåföljdsmyndigheten får lämna arbetskraftsmyndigheten uppgifter som "
            "behövs för att ordna arbetskraftsservice.",
            "Rise may disclose to the employment authority what it needs to arrange "
            "employment services.",
        ),
        [
            (RISE, (AgencyKind.EMPLOYMENT_AREA,), DataCategory.IDENTITY, None),
            (RISE, (AgencyKind.EMPLOYMENT_AREA,), DataCategory.RELEASE, None),
            (RISE, (AgencyKind.EMPLOYMENT_AREA,), DataCategory.HEALTH, WORK_CAPACITY_ONLY),
            (
                RISE,
                (AgencyKind.EMPLOYMENT_AREA,),
                DataCategory.SERVICE_NEEDS,
                EMPLOYMENT_RELATED_ONLY,
            ),
            (
                RISE,
                (AgencyKind.EMPLOYMENT_AREA,),
                DataCategory.EMPLOYMENT_PLAN,
                EMPLOYMENT_RELATED_ONLY,
            ),
        ],
    ),
    "1301-2021-29": (
        (
            "Laki 1301/2021 29 § (yhdyskuntaseuraamustehtävä)",
            "Lag 1301/2021 29 § (uppgift inom samhällspåföljder)",
            "Act 1301/2021 §29 (community-sanction task)",
        ),
        False,
        (
            "Vain yksityiselle toimijalle, joka hoitaa yhdyskuntaseuraamuksen "
            "täytäntöönpanotehtävää, ja vain tehtävän kannalta välttämättömät tiedot. "
            "Ylläpitäjä lisää säännöt tällaisille toimijoille.",
            "Endast till en privat aktör som sköter en uppgift vid verkställighet av "
            "samhällspåföljd, och endast nödvändiga uppgifter. Administratören lägger till "
            "reglerna för sådana aktörer.",
            "Only to a private body carrying out a community-sanction enforcement task, and "
            "only data strictly necessary for it. Administrators add rules for such bodies.",
        ),
        [],
    ),
    "381-2023-15": (
        (
            "Laki 381/2023 15 § (monialainen yhteispalvelu)",
            "Lag 381/2023 15 § (sektorsövergripande samservice)",
            "Act 381/2023 §15 (multi-agency joint service)",
        ),
        False,
        (
            "Työvoimaviranomainen, hyvinvointialue ja Kela saavat luovuttaa toisilleen 11 §:n "
            "2 momentin tiedot, kun asiakas on monialaisessa yhteispalvelussa.",
            "Arbetskraftsmyndigheten, välfärdsområdet och FPA får lämna varandra uppgifterna "
            "i 11 § 2 mom. när klienten omfattas av sektorsövergripande samservice.",
            "The employment authority, the wellbeing services county and Kela may exchange "
            "the §11(2) data once the client is in the multi-agency joint service.",
        ),
        [
            (MULTI_AGENCY, MULTI_AGENCY, category, IN_MULTI_AGENCY_MODEL)
            for category in (
                DataCategory.IDENTITY,
                DataCategory.CONTACT,
                DataCategory.HEALTH,
                DataCategory.SERVICE_NEEDS,
                DataCategory.EMPLOYMENT_PLAN,
            )
        ],
    ),
    LegalBasis.CONSENT: (
        ("Asiakkaan suostumus", "Klientens samtycke", "Client's consent"),
        True,
        (
            "Vain ne tiedot ja vastaanottajat, jotka asiakkaan voimassa oleva suostumus kattaa.",
            "Endast de uppgifter och mottagare som klientens giltiga samtycke omfattar.",
            "Only the data and recipients that the client's valid consent covers.",
        ),
        [],
    ),
}


@transaction.atomic
def legal_defaults_load() -> None:
    categories = {}
    for ordering, (code, (fi, sv, en)) in enumerate(CATEGORIES.items()):
        categories[code], _created = DataCategory.objects.get_or_create(
            code=code,
            defaults={"name_fi": fi, "name_sv": sv, "name_en": en, "ordering": ordering},
        )
    transaction.on_commit(data_categories_forget)
    for ordering, (code, (names, is_consent, descriptions, rules)) in enumerate(BASES.items()):
        basis, created = LegalBasis.objects.get_or_create(
            code=code,
            defaults={
                "name_fi": names[0],
                "name_sv": names[1],
                "name_en": names[2],
                "is_consent": is_consent,
                "description_fi": descriptions[0],
                "description_sv": descriptions[1],
                "description_en": descriptions[2],
                "ordering": ordering,
            },
        )
        if not created:
            continue
        DisclosureRule.objects.bulk_create(
            DisclosureRule(
                basis=basis,
                discloser_kind=discloser,
                recipient_kind=recipient,
                category=categories[category],
                limitation_fi=limitation[0] if limitation else "",
                limitation_sv=limitation[1] if limitation else "",
                limitation_en=limitation[2] if limitation else "",
            )
            for disclosers, recipients, category, limitation in rules
            for discloser in disclosers
            for recipient in recipients
            if discloser != recipient
        )
