import datetime
import re

from playwright.sync_api import expect

from core.dates import today
from plans.models import AssessmentEntry, PlanAction

from ..factories import agency
from .test_case_stages_journey import log_in_english


def test_employment_services_assess_and_plan_and_the_county_sees_its_part(
    open_page, live_server, planned_mikko, assert_accessible
):
    base = live_server.url
    case = planned_mikko

    # 1. The named contact person opens Mikko's case, and from it the assessment.
    tym = open_page()
    log_in_english(tym, base, "tym.oulu")
    tym.goto(f"{base}/cases/{case.public_id}/")
    assert_accessible(tym)
    tym.get_by_role("link", name="Service-need assessment").click()
    expect(tym.get_by_role("heading", level=1)).to_have_text("Service-need assessment")
    expect(tym.locator("#domain-housing")).to_contain_text("Significant need for support")
    assert_accessible(tym)

    # 2. A note without a need level is refused on its field ...
    mental = tym.get_by_role("group", name="Mental health")
    mental.get_by_label("Note").fill("Unettomuutta")
    tym.get_by_role("button", name="Save your agency's part").click()
    expect(tym.locator("#id_need_mental_health_error")).to_have_text(
        "Choose the need level for your note."
    )
    assert_accessible(tym)

    # 3. ... and with one, Oulun seutu's part is saved.
    mental = tym.get_by_role("group", name="Mental health")
    mental.get_by_label("Need for support").select_option(label="Some need for support")
    tym.get_by_role("button", name="Save your agency's part").click()
    expect(tym.get_by_role("status")).to_contain_text("Your agency's part of the assessment")
    expect(tym.locator("#domain-mental_health")).to_contain_text("Unettomuutta")
    assert_accessible(tym)
    assert AssessmentEntry.objects.filter(
        assessment__case=case, agency=agency("tym-oulu"), domain="mental_health", need="some"
    ).exists()

    # 4. The plan: an action for the county, due in two weeks.
    tym.get_by_role("link", name="Employment plan").first.click()
    expect(tym.get_by_role("heading", level=1)).to_have_text("Employment plan")
    assert_accessible(tym)
    tym.get_by_text("Add an action").click()
    tym.get_by_label("Action", exact=True).fill("Päihdepalvelujen jatkohoidon sopiminen")
    tym.get_by_label("Agency responsible").select_option(
        label="North Ostrobothnia wellbeing services county"
    )
    due = today() + datetime.timedelta(days=14)
    tym.get_by_label("Due on").fill(due.isoformat())
    tym.get_by_role("button", name="Add the action").click()
    expect(tym.get_by_role("status")).to_contain_text("The action was added.")
    expect(tym.locator("table.plan-actions")).to_contain_text("Päihdepalvelujen jatkohoidon")
    assert_accessible(tym)
    action = PlanAction.objects.get(plan__case=case, text__startswith="Päihdepalvelujen")
    assert (action.owner_agency, action.due_on) == (agency("hva-pohjois"), due)

    # 5. The signed-off version stays readable as it was.
    tym.get_by_role("link", name="Read version 1").click()
    expect(tym.get_by_role("heading", level=1)).to_have_text("Employment plan, version 1")
    expect(tym.locator("main")).not_to_contain_text("Päihdepalvelujen")
    assert_accessible(tym)
    tym.get_by_role("link", name="All versions").click()
    expect(tym.get_by_role("heading", level=1)).to_have_text("Versions of the employment plan")
    assert_accessible(tym)

    # 6. An outcome: employment needs its employer type and start date.
    tym.goto(f"{base}/cases/{case.public_id}/plan/")
    tym.get_by_role("link", name="Record an outcome").click()
    assert_accessible(tym)
    tym.get_by_label("Employment", exact=True).check()
    tym.get_by_role("button", name="Save").click()
    expect(tym.locator("#id_start_date_error")).to_have_text("Employment needs the start date.")
    assert_accessible(tym)
    tym.get_by_label("Employer type").select_option(label="Private company")
    tym.get_by_label("Start date").fill((today() + datetime.timedelta(days=90)).isoformat())
    tym.get_by_role("button", name="Save").click()
    expect(tym.get_by_role("status")).to_contain_text("The outcome was recorded.")
    expect(tym.locator("#outcomes")).to_be_visible()
    assert_accessible(tym)
    tym.goto(f"{base}/cases/{case.public_id}/follow-ups/new/")
    expect(tym.get_by_text("No follow-up is due yet.")).to_be_visible()
    assert_accessible(tym)

    # 7. The county sees its own actions of the plan, and why not the rest.
    hva = open_page()
    log_in_english(hva, base, "hva.pohjois")
    hva.goto(f"{base}/cases/{case.public_id}/plan/")
    expect(hva.locator("table.plan-actions")).to_contain_text("Päihdepalvelujen")
    expect(hva.get_by_text(re.compile("^Not disclosed")).first).to_be_visible()
    expect(hva.locator("main")).not_to_contain_text("Työllistyminen hitsaajaksi")
    assert_accessible(hva)
    hva.get_by_role("button", name=re.compile("^Start.*Päihdepalvelujen")).click()
    expect(hva.get_by_role("status")).to_contain_text("in progress")
    assert_accessible(hva)
