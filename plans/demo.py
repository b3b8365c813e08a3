"""Demo assessments, plans and an outcome on the demo cases (pathways.demo), so that the
assessment and plan pages of the personas are not empty on `make run`. Idempotent: a
case that already has an assessment, a plan or an outcome keeps it as it is.

Mikko Mäkinen: Oulun seutu and the wellbeing services county assess their parts (the
county sees only the service-need domains, by consent), and the plan's first version is
signed off by both; an action added after it shows that the version stays as signed.
Sanna Lehto: a completed assessment, a signed plan and an employment outcome.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from agencies.models import Agency, User
from core.dates import today
from pathways.demo import CASES, DemoCase
from pathways.models import Case
from plans.models import Assessment, Domain, EmployerType, EmploymentPlan, NeedLevel, Outcome
from plans.services import (
    assessment_complete,
    assessment_entries_save,
    assessment_summary_save,
    outcome_record,
    plan_action_add,
    plan_goal_add,
    plan_sign_off,
    plan_start,
    plan_version_freeze,
)
from referrals.clients.identity import blind_index, hetu_make
from referrals.selectors import client_find_by_index

D, N = Domain, NeedLevel
DAY = timedelta(days=1)


def _case(demo: DemoCase) -> Case | None:
    client = client_find_by_index(
        hetu_index=blind_index(hetu_make(demo.birth_date, demo.individual))
    )
    return client.cases.order_by("created_at").first() if client else None


def _people() -> tuple[dict[str, Agency], dict[str, User]]:
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["tym.oulu", "koordinaattori.oulu", "hva.pohjois"]
        )
    }
    agencies = {
        "tym-oulu": Agency.objects.get(name_fi="Oulun seudun työllisyysalue"),
        "hva-pohjois": Agency.objects.get(name_fi="Pohjois-Pohjanmaan hyvinvointialue"),
    }
    return agencies, users


def _mikko(case: Case, agencies: dict[str, Agency], users: dict[str, User]) -> None:
    tym, hva = agencies["tym-oulu"], agencies["hva-pohjois"]
    if not Assessment.objects.filter(case=case).exists():
        assessment_entries_save(
            case=case,
            user=users["tym.oulu"],
            agency=tym,
            entries={
                D.WORK_CAPACITY: (N.SOME, "Hitsaajan työkyky arvioitava ennen työkokeilua."),
                D.EDUCATION: (N.SOME, "Hitsauspätevyys vanhentunut; päivityskoulutus."),
            },
        )
        assessment_entries_save(
            case=case,
            user=users["hva.pohjois"],
            agency=hva,
            entries={
                D.HOUSING: (N.SIGNIFICANT, "Ei asuntoa vapautuessa; asumisneuvonta aloitettu."),
                D.FINANCES: (N.SOME, "Velkoja ulosotossa; talous- ja velkaneuvonta."),
                D.SUBSTANCE_USE: (N.SOME, "Päihdekuntoutus vankilassa; jatkohoito avopalveluissa."),
            },
        )
        assessment_summary_save(
            case=case,
            user=users["tym.oulu"],
            agency=tym,
            summary=(
                "Työnhaku käynnistyy ennen vapautumista. Asunto ja päihdepalvelujen jatkuvuus "
                "ratkaistava ennen työkokeilua."
            ),
            suggested_services="Asumisneuvonta, velkaneuvonta, työkokeilu hitsausalalla.",
            suggested_agencies=[tym, hva],
        )
    if EmploymentPlan.objects.filter(case=case).exists():
        return
    plan = plan_start(case=case, user=users["tym.oulu"], agency=tym)
    plan.case = case
    work = plan_goal_add(
        plan=plan,
        text="Työllistyminen hitsaajaksi kuuden kuukauden kuluessa vapautumisesta.",
        user=users["tym.oulu"],
        agency=tym,
    )
    home = plan_goal_add(
        plan=plan, text="Oma vuokra-asunto Oulusta.", user=users["tym.oulu"], agency=tym
    )
    plan_action_add(
        plan=plan,
        text="Työnhaun käynnistys ja työkokeilupaikan etsiminen.",
        owner_agency=tym,
        due_on=today() + 14 * DAY,
        origin="",
        user=users["tym.oulu"],
        agency=tym,
        goal=work,
    )
    plan_action_add(
        plan=plan,
        text="Asumisneuvonnan tapaaminen ja asuntohakemus.",
        owner_agency=hva,
        due_on=today() + 30 * DAY,
        origin="",
        user=users["tym.oulu"],
        agency=tym,
        goal=home,
    )
    version = plan_version_freeze(plan=plan, user=users["tym.oulu"], agency=tym)
    version.plan = plan
    plan_sign_off(version=version, user=users["tym.oulu"], agency=tym)
    plan_sign_off(version=version, user=users["hva.pohjois"], agency=hva)
    plan_action_add(
        plan=plan,
        text="Haku hitsauksen päivityskoulutukseen.",
        owner_agency=tym,
        due_on=today() + 45 * DAY,
        origin="",
        user=users["koordinaattori.oulu"],
        agency=tym,
        goal=work,
    )


def _sanna(case: Case, agencies: dict[str, Agency], users: dict[str, User]) -> None:
    tym = agencies["tym-oulu"]
    tiina, kaisa = users["tym.oulu"], users["koordinaattori.oulu"]
    if not Assessment.objects.filter(case=case).exists():
        assessment_entries_save(
            case=case,
            user=tiina,
            agency=tym,
            entries={
                D.EDUCATION: (N.SIGNIFICANT, "Peruskoulun jälkeen ei tutkintoa."),
                D.WORK_CAPACITY: (N.NONE, ""),
                D.SOCIAL_NETWORK: (N.SOME, "Tukiverkosto Nurrin kautta."),
            },
        )
        assessment_summary_save(
            case=case,
            user=kaisa,
            agency=tym,
            summary="Ammatillinen koulutus tai oppisopimus; mentorointi tukena.",
            suggested_services="Oppisopimuskoulutus, nuorten mentorointi.",
            suggested_agencies=[tym],
        )
        assessment_complete(case=case, user=kaisa, agency=tym)
    if not EmploymentPlan.objects.filter(case=case).exists():
        plan = plan_start(case=case, user=tiina, agency=tym)
        plan.case = case
        goal = plan_goal_add(
            plan=plan, text="Oppisopimuspaikka logistiikka-alalta.", user=tiina, agency=tym
        )
        plan_action_add(
            plan=plan,
            text="Oppisopimuspaikan haku yhdessä asiakkaan kanssa.",
            owner_agency=tym,
            due_on=today() + 21 * DAY,
            origin="",
            user=tiina,
            agency=tym,
            goal=goal,
        )
        version = plan_version_freeze(plan=plan, user=tiina, agency=tym)
        version.plan = plan
        plan_sign_off(version=version, user=tiina, agency=tym)
    if not Outcome.objects.filter(case=case).exists():
        outcome_record(
            case=case,
            user=tiina,
            agency=tym,
            kind="employment",
            employer_type=EmployerType.PRIVATE,
            hours_per_week=Decimal("37.5"),
            start_date=today() + 45 * DAY,
            note="Oppisopimus logistiikkayritykseen vapautumisen jälkeen.",
        )


@transaction.atomic
def seed_demo_plans() -> None:
    agencies, users = _people()
    demo = {case.last_name: case for case in CASES}
    mikko, sanna = _case(demo["Mäkinen"]), _case(demo["Lehto"])
    if mikko is not None:
        _mikko(mikko, agencies, users)
    if sanna is not None:
        _sanna(sanna, agencies, users)
