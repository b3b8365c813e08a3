"""The assessment, plan, version and follow-up pages as one agency may see them, built
without a request so that their rules can be tested directly. Apart from plans.selectors
because they ask plans.services which moves an action allows, and it imports those
selectors.

Each page names the data categories it shows (`logged`): the view use-logs them."""

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from agencies.models import Agency, User
from core.dates import today
from pathways.models import Case
from plans.forms import (
    ActionForm,
    EntriesForm,
    FollowUpForm,
    GoalForm,
    OutcomeForm,
    SummaryForm,
    summary_form_build,
)
from plans.models import (
    PLAN_CATEGORY,
    SUMMARY_CATEGORY,
    Assessment,
    Domain,
    EmploymentPlan,
    FollowUp,
    Outcome,
    PlanAction,
    PlanGoal,
    PlanVersion,
)
from plans.selectors import (
    OPEN_ACTION,
    DomainRow,
    PlanRights,
    VersionView,
    assessment_of,
    assessment_rows,
    assessment_suggested_agencies,
    client_agencies,
    follow_ups_of,
    follow_ups_open,
    outcomes_of,
    plan_due_on,
    plan_of,
    plan_review_due_on,
    version_view,
)
from plans.services import plan_action_allowed_moves
from referrals.models import LogPurpose
from referrals.selectors import ClientAccess


@dataclass(frozen=True)
class CasePlanPage:
    """What every page here has; a page's template and use-log purpose are its class's."""

    template: ClassVar[str]
    purpose: ClassVar[str] = LogPurpose.PLAN

    case: Case
    access: ClientAccess
    rights: PlanRights
    logged: frozenset[str]  # the data categories shown, besides the name in the heading


@dataclass(frozen=True)
class AssessmentPage(CasePlanPage):
    template: ClassVar[str] = "plans/assessment.html"
    purpose: ClassVar[str] = LogPurpose.ASSESSMENT

    assessment: Assessment | None
    completed: bool
    rows: list[DomainRow]
    entries_form: EntriesForm | None  # None once completed
    summary_form: SummaryForm | None  # None once completed, or not the agency's to write
    suggestions: list[tuple[Agency, list[User], list[str]]]  # agency, contacts, domains
    summary_reason: str
    error: str


def assessment_page_build(
    *,
    case: Case,
    rights: PlanRights,
    entries_form: EntriesForm | None = None,
    summary_form: SummaryForm | None = None,
    error: str = "",
) -> AssessmentPage:
    """The assessment; a refused change passes its form, with the errors on it."""
    assessment = assessment_of(case=case)
    rows = assessment_rows(assessment=assessment, rights=rights)
    completed = assessment is not None and assessment.completed_at is not None
    suggestions = (
        assessment_suggested_agencies(assessment=assessment, access=rights.access)
        if assessment is not None and rights.sees_summary
        else []
    )
    if entries_form is None and not completed:
        entries_form = EntriesForm(own=[row.own for row in rows if row.own])
    if summary_form is None and not completed and rights.edits_summary:
        summary_form = summary_form_build(assessment, [s[0] for s in suggestions])
    logged = {row.category for row in rows if row.entries}
    if rights.sees_summary and assessment is not None:
        logged.add(SUMMARY_CATEGORY)
    return AssessmentPage(
        case=case,
        access=rights.access,
        rights=rights,
        logged=frozenset(logged),
        assessment=assessment,
        completed=completed,
        rows=rows,
        entries_form=entries_form if not completed else None,
        summary_form=summary_form if not completed else None,
        suggestions=[
            (agency, contacts, [str(Domain(d).label) for d in domains])
            for agency, contacts, domains in suggestions
        ],
        summary_reason=rights.access.reason(SUMMARY_CATEGORY),
        error=error,
    )


@dataclass(frozen=True)
class ActionRow:
    action: PlanAction
    moves: tuple[str, ...]
    overdue: bool


def _may_sign(view: VersionView | None, rights: PlanRights) -> bool:
    """The acting agency signs `view` off and has not yet."""
    return view is not None and any(
        s.agency_id == rights.agency.pk and s.signoff is None for s in view.signatories
    )


@dataclass(frozen=True)
class PlanPage(CasePlanPage):
    template: ClassVar[str] = "plans/plan.html"

    plan: EmploymentPlan | None
    goals: list[PlanGoal]
    actions: list[ActionRow]
    hidden_actions: bool  # some actions are not the agency's to see
    latest: VersionView | None
    may_sign: bool
    due_on: date | None  # the first plan's deadline, until it is reviewed
    review_on: date | None
    today: date
    outcomes: list[Outcome]
    follow_ups: list[FollowUp]
    follow_ups_open: list[tuple[int, date]]
    goal_form: GoalForm | None  # None unless the agency edits the plan
    action_form: ActionForm | None
    plan_reason: str
    error: str


def _action_rows(
    plan: EmploymentPlan | None, rights: PlanRights, day: date
) -> tuple[list[ActionRow], bool]:
    """The actions the agency may see, and whether any were left out."""
    every = list(plan.actions.all()) if plan else []
    rows = [
        ActionRow(
            action=a,
            moves=plan_action_allowed_moves(action=a, rights=rights),
            overdue=a.due_on < day and a.status in OPEN_ACTION,
        )
        for a in every
        if rights.sees_action(a.owner_agency_id)
    ]
    return rows, len(rows) < len(every)


def plan_page_build(
    *,
    case: Case,
    rights: PlanRights,
    goal_form: GoalForm | None = None,
    action_form: ActionForm | None = None,
    error: str = "",
) -> PlanPage:
    """The plan with the forms the agency may use; a refused change passes its form."""
    plan = plan_of(case=case)
    day = today()
    goals = list(plan.goals.all()) if plan and rights.sees_plan else []
    actions, hidden_actions = _action_rows(plan, rights, day)
    versions = list(plan.versions.all()) if plan else []
    latest = version_view(version=versions[0], rights=rights) if versions else None
    outcomes = outcomes_of(case=case) if rights.sees_plan else []
    follow_ups = follow_ups_of(case=case) if rights.sees_plan else []
    editing = plan is not None and rights.edits_plan
    if editing and action_form is None:
        action_form = ActionForm(goals=goals, agencies=client_agencies(case=case))
    return PlanPage(
        case=case,
        access=rights.access,
        rights=rights,
        logged=frozenset({PLAN_CATEGORY} if (goals or actions or outcomes or latest) else ()),
        plan=plan,
        goals=goals,
        actions=actions,
        hidden_actions=hidden_actions,
        latest=latest,
        may_sign=_may_sign(latest, rights),
        due_on=plan_due_on(plan=plan) if plan and plan.reviewed_on is None else None,
        review_on=plan_review_due_on(plan=plan) if plan else None,
        today=day,
        outcomes=outcomes,
        follow_ups=follow_ups,
        follow_ups_open=follow_ups_open(case=case, today=day, done={f.months for f in follow_ups})
        if outcomes and rights.edits_plan
        else [],
        goal_form=(goal_form if goal_form is not None else GoalForm()) if editing else None,
        action_form=action_form if editing else None,
        plan_reason=rights.withheld_reason,
        error=error,
    )


@dataclass(frozen=True)
class VersionPage(CasePlanPage):
    template: ClassVar[str] = "plans/version_detail.html"

    view: VersionView
    is_newest: bool
    may_sign: bool  # only the newest version is signed off
    plan_reason: str
    error: str


def version_page_build(
    *, case: Case, rights: PlanRights, version: PlanVersion, error: str = ""
) -> VersionPage:
    """A frozen version as it was signed off, however the plan has changed since."""
    view = version_view(version=version, rights=rights)
    newest = version.plan.versions.order_by("-number").values_list("number", flat=True)
    is_newest = newest.first() == version.number
    return VersionPage(
        case=case,
        access=rights.access,
        rights=rights,
        logged=frozenset({PLAN_CATEGORY} if (view.goals or view.actions) else ()),
        view=view,
        is_newest=is_newest,
        may_sign=is_newest and _may_sign(view, rights),
        plan_reason=rights.withheld_reason,
        error=error,
    )


@dataclass(frozen=True)
class FollowUpPage(CasePlanPage):
    """The follow-up form with the outcome it follows and the follow-ups made and due."""

    template: ClassVar[str] = "plans/follow_up_form.html"

    form: FollowUpForm
    outcome: Outcome | None
    follow_ups: list[FollowUp]
    open: list[tuple[int, date]]


def follow_up_page_build(*, case: Case, rights: PlanRights, form: FollowUpForm) -> FollowUpPage:
    outcomes = outcomes_of(case=case)
    follow_ups = follow_ups_of(case=case)
    return FollowUpPage(
        case=case,
        access=rights.access,
        rights=rights,
        logged=frozenset({PLAN_CATEGORY} if outcomes else ()),
        form=form,
        outcome=outcomes[0] if outcomes else None,
        follow_ups=follow_ups,
        open=follow_ups_open(case=case, today=today(), done={f.months for f in follow_ups}),
    )


@dataclass(frozen=True)
class OutcomePage(CasePlanPage):
    """The outcome form: it shows nothing of the client but the name."""

    template: ClassVar[str] = "plans/outcome_form.html"

    form: OutcomeForm


def outcome_page_build(*, case: Case, rights: PlanRights, form: OutcomeForm) -> OutcomePage:
    return OutcomePage(
        case=case, access=rights.access, rights=rights, logged=frozenset(), form=form
    )
