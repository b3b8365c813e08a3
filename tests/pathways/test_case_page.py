"""The case page built without HTTP (pathways.cases.page_selectors): what each agency is
shown of a path, and a refused stage change's forms kept on their own stage."""

from datetime import timedelta

import pytest

from agencies.models import Agency, Membership
from core.dates import today
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from pathways.cases.page_selectors import CasePage, case_page_build
from pathways.cases.selectors import case_for_agency
from pathways.models import Case, CaseStage
from pathways.stages.forms import SkipForm, stage_prefix
from referrals.models import ConsentMethod, LegalBasis
from referrals.services import consent_record, referral_create

from ..factories import agency, basis, categories, user
from .path_helpers import oulu_case, refer

pytestmark = pytest.mark.django_db


def _page(
    case: Case,
    key: str,
    username: str,
    *,
    skip_form: SkipForm | None = None,
    error: str = "",
    error_stage: int | None = None,
) -> CasePage:
    acting = agency(key)
    case, access = case_for_agency(agency=acting, public_id=case.public_id)
    return case_page_build(
        case=case,
        access=access,
        membership=Membership.objects.get(agency=acting, user__username=username),
        skip_form=skip_form,
        error=error,
        error_stage=error_stage,
    )


def _referred_case() -> Case:
    """An adult path as in the demo: §28 gives Oulun seutu the release date, the client's
    consent gives the wellbeing services county the name and service needs only."""
    case = oulu_case(days_to_release=75)
    refer(case)
    county, prison = agency("hva-pohjois"), agency("rise-prison")
    codes = categories("identity", "service_needs")
    consent_record(
        client=case.client,
        agency=prison,
        user=user("rise.oulu"),
        recipient_agency=county,
        recipient_kind="",
        categories=codes,
        given_on=today(),
        method=ConsentMethod.WRITTEN,
        valid_until=today() + timedelta(days=365),
    )
    referral_create(
        client=case.client,
        sender=prison,
        user=user("rise.oulu"),
        recipient_agency=county,
        recipient_person=user("hva.pohjois"),
        basis=basis(LegalBasis.CONSENT),
        categories=codes,
        message="Tuki asumiseen",
    )
    return case


def test_the_prison_that_logged_the_release_sees_and_may_do_everything(personas):
    case = oulu_case(days_to_release=75)
    page = _page(case, "rise-prison", "rise.oulu")
    stages = CaseStage.objects.filter(case=case).count()
    assert page.case == case
    assert page.release == case.release
    assert page.days_left == 75
    assert len(page.rows) == stages
    assert len(page.windows) == stages
    assert all(row.window is not None for row in page.rows)
    assert page.timeline is not None
    assert len(page.timeline.bars) == stages
    assert not page.windows_withheld
    assert page.may_record_release
    assert page.may_refer
    assert page.may_close
    assert page.release_date_form is not None
    assert page.release_date_form.initial == {"expected_date": case.release.expected_date}
    assert not page.is_guidance
    assert [section.code for section in page.card][:1] == ["identity"]


def test_an_agency_without_the_release_date_sees_names_and_statuses_only(personas):
    case = _referred_case()
    # A change whose time is the release's own (as recording the release writes).
    change_record(
        kind=ObjectKind.CASE,
        object_id=case.public_id,
        user=user("rise.oulu"),
        agency=agency("rise-prison"),
        action=ChangeAction.RELEASE_RECORDED,
    )
    page = _page(case, "hva-pohjois", "hva.pohjois")
    assert page.windows_withheld
    assert page.release is None
    assert page.days_left is None
    assert page.timeline is None
    assert page.windows == []
    assert len(page.rows) == CaseStage.objects.filter(case=case).count()
    assert all(row.window is None for row in page.rows)
    assert not page.may_record_release
    assert page.release_date_form is None
    assert not page.may_refer
    assert page.history.exists()
    assert ChangeAction.RELEASE_RECORDED not in {record.action for record in page.history}
    tym = _page(case, "tym-oulu", "tym.oulu")
    assert ChangeAction.RELEASE_RECORDED in {record.action for record in tym.history}


def test_the_employment_area_sees_the_windows_but_may_not_move_the_release(personas):
    case = _referred_case()
    page = _page(case, "tym-oulu", "tym.oulu")
    assert page.release == case.release
    assert page.days_left == 75
    assert page.timeline is not None
    assert not page.may_record_release
    assert page.release_date_form is None
    assert not page.may_refer
    # The person to name is chosen on the stages the employment area answers for.
    answering = [row for row in page.rows if row.assign_form is not None]
    assert answering
    assert all(row.case_stage.responsible_agency_id == agency("tym-oulu").pk for row in answering)


def test_a_refused_skip_keeps_its_form_and_error_on_its_own_stage(personas):
    case = oulu_case()
    first = _page(case, "rise-prison", "rise.oulu")
    skippable = [row for row in first.rows if row.skip_form is not None]
    assert len(skippable) >= 2
    stage = skippable[0].case_stage
    # As the stage view leaves it when the service refuses the skip.
    posted = SkipForm({}, prefix=stage_prefix(stage.pk))
    posted.is_valid()
    posted.add_error("reason", "Write why the stage is skipped.")
    page = _page(
        case,
        "rise-prison",
        "rise.oulu",
        skip_form=posted,
        error="Stage conflict",
        error_stage=stage.pk,
    )
    rows = {row.case_stage.pk: row for row in page.rows}
    assert rows[stage.pk].skip_form is posted
    assert rows[stage.pk].skip_form.errors == {"reason": ["Write why the stage is skipped."]}
    other = rows[skippable[1].case_stage.pk].skip_form
    assert other is not None
    assert other is not posted
    assert not other.is_bound
    assert page.error == "Stage conflict"
    assert page.error_stage == stage.pk


def test_without_a_membership_to_act_through_nobody_may_close_the_path(personas):
    case = oulu_case()
    acting: Agency = agency("rise-prison")
    _case, access = case_for_agency(agency=acting, public_id=case.public_id)
    member = Membership.objects.get(agency=acting, user__username="rise.oulu")
    assert case_page_build(case=case, access=access, membership=member).may_close
    assert not case_page_build(case=case, access=access, membership=None).may_close
