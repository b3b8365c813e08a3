"""Stages of cases started before stages were tracked (0004 made them unassigned) get the
agency that answers for them, as `pathways.services.case_stages_create` picks it for a
new case: the starting agency or the release's Rise unit when of the stage's kind,
otherwise the agency of that kind serving the client's municipality (after release,
where given)."""

from django.db import migrations
from django.db.models import Q

RISE_KINDS = ("rise_prison", "rise_community_sanctions")


def assign(apps, schema_editor):
    CaseStage = apps.get_model("pathways", "CaseStage")
    Agency = apps.get_model("agencies", "Agency")
    unassigned = CaseStage.objects.filter(responsible_agency__isnull=True).select_related(
        "case__started_by",
        "case__release__rise_unit",
        "case__release__municipality_after",
        "case__client__home_municipality",
        "stage",
    )
    for case_stage in unassigned:
        case = case_stage.case
        kind = case_stage.stage.responsible_kind
        agency = None
        if case.started_by.kind == kind:
            agency = case.started_by
        elif case.release_id and case.release.rise_unit.kind == kind:
            agency = case.release.rise_unit
        else:
            municipality = (
                case.release.municipality_after if case.release_id else case.client.home_municipality
            )
            agency = (
                Agency.objects.filter(kind=kind, is_active=True)
                .filter(
                    Q(employment_area_id=municipality.employment_area_id)
                    | Q(wellbeing_area_id=municipality.wellbeing_area_id)
                    | Q(kela_service_area_id=municipality.kela_service_area_id)
                    | Q(municipalities=municipality)
                )
                .order_by("pk")
                .first()
            )
        if agency is not None:
            case_stage.responsible_agency = agency
            if kind == case.started_by.kind and case_stage.responsible_person_id is None:
                case_stage.responsible_person_id = case.started_by_user_id
            case_stage.save(update_fields=["responsible_agency", "responsible_person"])


class Migration(migrations.Migration):
    dependencies = [("pathways", "0004_case_anchor_date_filled")]

    operations = [migrations.RunPython(assign, migrations.RunPython.noop)]
