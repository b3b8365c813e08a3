"""The shipped pathway templates of DESIGN.md §2, as data.

Loading creates a template's first version only when no version of it exists, so that
coordinators' later versions are never overwritten.
"""

from django.db import transaction
from django.utils import timezone

from agencies.models import AgencyKind
from pathways.models import AnchorKind, PathwayTemplate, StageTemplate

K = AgencyKind
# (fi, sv, en, responsible kind, window start, window end, is the anchor)
Stage = tuple[str, str, str, str, int, int, bool]

RELEASE = ("Vapautuminen", "Frigivning", "Release", K.RISE_PRISON, 0, 0, True)
AFTER_RELEASE: list[Stage] = [
    (
        "Monialainen työllistymissuunnitelma",
        "Sektorsövergripande sysselsättningsplan",
        "Multi-agency employment plan",
        K.EMPLOYMENT_AREA,
        0,
        90,
        False,
    ),
    (
        "Palvelut, verkostoyhteistyö",
        "Tjänster, nätverkssamarbete",
        "Services and network cooperation",
        K.EMPLOYMENT_AREA,
        14,
        365,
        False,
    ),
    ("Verkostopalaveri", "Nätverksmöte", "Network meeting", K.EMPLOYMENT_AREA, 7, 90, False),
    ("Työllistyminen", "Sysselsättning", "Employment", K.EMPLOYMENT_AREA, 30, 365, False),
]

TEMPLATES: dict[str, tuple[tuple[str, str, str], tuple[str, str, str], list[Stage]]] = {
    PathwayTemplate.ADULT_RELEASE: (
        (
            "Vapautuvan aikuisen polku (TYM-yhteistyömalli)",
            "Stigen för en vuxen som friges (samarbetsmodellen)",
            "Adult release path (employment cooperation model)",
        ),
        (
            "Työllisyyspalvelut tapaavat vangin ennen vapautumista; lähete nimetylle "
            "yhteyshenkilölle 1–3 kuukautta ennen.",
            "Sysselsättningstjänsterna träffar fången före frigivningen; remiss till den "
            "namngivna kontaktpersonen 1–3 månader före.",
            "Employment services meet the prisoner before release; a referral reaches the "
            "named contact person 1–3 months before.",
        ),
        [
            (
                "Vapautumisen valmistelu",
                "Förberedelse av frigivning",
                "Release preparation",
                K.RISE_PRISON,
                -180,
                -30,
                False,
            ),
            (
                "Yhteydenotto nimettyyn yhteyshenkilöön / TYM-lähete",
                "Kontakt med den namngivna kontaktpersonen / remiss",
                "Contact with the named contact person / referral",
                K.RISE_PRISON,
                -120,
                -60,
                False,
            ),
            (
                "Työnhaun käynnistäminen",
                "Arbetssökandet inleds",
                "Job seeking starts",
                K.EMPLOYMENT_AREA,
                -90,
                -30,
                False,
            ),
            (
                "Monialainen palvelutarpeen arviointi",
                "Sektorsövergripande bedömning av servicebehovet",
                "Multi-agency service-need assessment",
                K.EMPLOYMENT_AREA,
                -60,
                0,
                False,
            ),
            RELEASE,
            *AFTER_RELEASE,
        ],
    ),
    PathwayTemplate.YOUTH_RELEASE: (
        (
            "Vapautuvan alle 30-vuotiaan polku (yhteisövaikuttavuusmalli)",
            "Stigen för en person under 30 som friges (samhällspåverkansmodellen)",
            "Under-30 release path (community-impact model)",
        ),
        (
            "Nuorten ohjauspalvelu (Oulussa Nurri) mukaan ennen vapautumista.",
            "Ungdomarnas vägledningstjänst (i Uleåborg Nurri) med före frigivningen.",
            "The youth guidance service (in Oulu, Nurri) joins before release.",
        ),
        [
            (
                "Vapautumisen valmistelu",
                "Förberedelse av frigivning",
                "Release preparation",
                K.RISE_PRISON,
                -180,
                -30,
                False,
            ),
            (
                "Yhteydenotto nuorten ohjauspalveluun",
                "Kontakt med ungdomarnas vägledningstjänst",
                "Contact with the youth guidance service",
                K.MUNICIPALITY,
                -120,
                -60,
                False,
            ),
            (
                "Tiedot asiakkaasta työllisyyspalvelujen yhteyshenkilölle",
                "Uppgifter om klienten till sysselsättningstjänsternas kontaktperson",
                "Information about the client to the employment-services contact person",
                K.RISE_PRISON,
                -90,
                -60,
                False,
            ),
            (
                "Palvelutarpeen arviointi",
                "Bedömning av servicebehovet",
                "Service-need assessment",
                K.EMPLOYMENT_AREA,
                -60,
                0,
                False,
            ),
            RELEASE,
            *AFTER_RELEASE,
        ],
    ),
}


@transaction.atomic
def pathway_defaults_load() -> None:
    for code, (names, descriptions, stages) in TEMPLATES.items():
        if PathwayTemplate.objects.filter(code=code).exists():
            continue
        template = PathwayTemplate.objects.create(
            code=code,
            version=1,
            name_fi=names[0],
            name_sv=names[1],
            name_en=names[2],
            description_fi=descriptions[0],
            description_sv=descriptions[1],
            description_en=descriptions[2],
            anchor=AnchorKind.RELEASE_DATE,
            published_at=timezone.now(),
        )
        StageTemplate.objects.bulk_create(
            StageTemplate(
                template=template,
                order=order,
                name_fi=fi,
                name_sv=sv,
                name_en=en,
                responsible_kind=kind,
                window_start=start,
                window_end=end,
                is_anchor=anchor,
            )
            for order, (fi, sv, en, kind, start, end, anchor) in enumerate(stages, start=1)
        )
