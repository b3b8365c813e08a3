"""Reads of assessments, plans and outcomes, always on behalf of one agency.

Who sees what (on top of pathways.cases.selectors.case_for_agency, which decides whether the
agency sees the case at all):

- An assessment entry belongs to its domain's data category (DOMAIN_CATEGORY). Another
  agency's entry is shown only when the viewer's access shows that category; the
  agency's own entries are its own record and always shown to it.
- The summary of needs is of SUMMARY_CATEGORY.
- The plan (goals, actions, versions) and the outcomes are of PLAN_CATEGORY. The case's
  employment area, which leads the plan (Act 381/2023 §4), sees it without the
  category: the plan is its own record, not data disclosed to it. An agency that owns
  an action sees that action, and nothing else of the plan without the category.
- The employment area and coordinators change the summary and the plan, each only
  where they see it.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from agencies.models import Agency, AgencyKind, ContactPerson, Membership, Role, User
from agencies.selectors import serves_q
from core.dates import add_months
from pathways.cases.selectors import case_for_agency
from pathways.models import Case, CaseStage
from plans.models import (
    DOMAIN_CATEGORY,
    PLAN_CATEGORY,
    SUMMARY_CATEGORY,
    ActionStatus,
    Assessment,
    AssessmentEntry,
    Domain,
    EmploymentPlan,
    FollowUp,
    NeedLevel,
    Outcome,
    PlanAction,
    PlanGoal,
    PlanSignOff,
    PlanVersion,
)
from referrals.selectors import ClientAccess, active_grants_q, client_access

# Act 381/2023 §4 and §6: the plan within three months, reviewed at least every three.
PLAN_DUE_DAYS = 90
REVIEW_DAYS = 90
OPEN_ACTION = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

# Which kinds of agency answer a need in each domain (docs/design.md §2 and §5: the network
# follows the service need). Social work moved to the wellbeing services counties in
# 2023, but Helsinki and a few municipalities keep their own.
DOMAIN_AGENCY_KINDS: dict[str, tuple[str, ...]] = {
    Domain.WORK_CAPACITY: (AgencyKind.EMPLOYMENT_AREA,),
    Domain.EDUCATION: (AgencyKind.EMPLOYMENT_AREA,),
    Domain.HOUSING: (AgencyKind.MUNICIPALITY, AgencyKind.WELLBEING_AREA),
    Domain.FINANCES: (AgencyKind.MUNICIPALITY, AgencyKind.WELLBEING_AREA, AgencyKind.KELA),
    Domain.EVERYDAY_SKILLS: (AgencyKind.MUNICIPALITY, AgencyKind.WELLBEING_AREA),
    Domain.SUBSTANCE_USE: (AgencyKind.WELLBEING_AREA,),
    Domain.MENTAL_HEALTH: (AgencyKind.WELLBEING_AREA,),
    Domain.SOCIAL_NETWORK: (AgencyKind.NGO,),
}
DOMAIN_ORDER = {domain.value: index for index, domain in enumerate(Domain)}
KIND_ORDER = {kind.value: index for index, kind in enumerate(AgencyKind)}


# Rights --------------------------------------------------------------------------------


def agency_role(*, user: User, agency: Agency) -> str | None:
    return (
        Membership.objects.filter(user=user, agency=agency).values_list("role", flat=True).first()
    )


def case_lead_agency_ids(*, case_ids: list[int]) -> dict[int, int]:
    """Case id -> the employment area that answers for the case's employment stages (the
    first such stage), in one query for any number of cases."""
    lead: dict[int, int] = {}
    for case_id, agency_id in (
        CaseStage.objects.filter(
            case_id__in=case_ids, responsible_agency__kind=AgencyKind.EMPLOYMENT_AREA
        )
        .order_by("case_id", "stage__order")
        .values_list("case_id", "responsible_agency_id")
    ):
        lead.setdefault(case_id, agency_id)
    return lead


@dataclass(frozen=True)
class PlanRights:
    """What one agency (and its acting user's role) may see and do of a case's plan."""

    access: ClientAccess
    lead_id: int | None
    is_coordinator: bool

    @property
    def agency(self) -> Agency:
        return self.access.agency

    @property
    def is_lead(self) -> bool:
        return self.lead_id is not None and self.lead_id == self.agency.pk

    @property
    def sees_plan(self) -> bool:
        return self.is_lead or self.access.shown(PLAN_CATEGORY)

    @property
    def edits_plan(self) -> bool:
        return self.sees_plan and (self.is_lead or self.is_coordinator)

    @property
    def sees_summary(self) -> bool:
        return self.access.shown(SUMMARY_CATEGORY)

    @property
    def edits_summary(self) -> bool:
        """Writes the summary and completes or reopens the assessment."""
        return self.sees_summary and (self.is_lead or self.is_coordinator)

    def sees_action(self, owner_id: int) -> bool:
        return self.sees_plan or owner_id == self.agency.pk

    def moves_action(self, owner_id: int) -> bool:
        return self.edits_plan or owner_id == self.agency.pk

    def sees_entry(self, entry: AssessmentEntry) -> bool:
        return entry.agency_id == self.agency.pk or self.access.shown(DOMAIN_CATEGORY[entry.domain])

    @property
    def withheld_reason(self) -> str:
        return self.access.reason(PLAN_CATEGORY)


def plan_rights(*, case: Case, access: ClientAccess, role: str | None) -> PlanRights:
    lead = case_lead_agency_ids(case_ids=[case.pk]).get(case.pk)
    return PlanRights(access=access, lead_id=lead, is_coordinator=role == Role.COORDINATOR)


def plan_rights_for(*, case: Case, agency: Agency, user: User) -> PlanRights | None:
    """The rights of `user` acting for `agency`, or None when the agency cannot see the
    case's client at all (for services, which do not get the request's role)."""
    access = client_access(agency=agency, client=case.client)
    if access is None:
        return None
    return plan_rights(case=case, access=access, role=agency_role(user=user, agency=agency))


def case_and_rights(
    *, agency: Agency | None, public_id: UUID, role: str | None
) -> tuple[Case, PlanRights]:
    """The one access helper of these pages: the case as pathways.cases.selectors.case_for_agency
    gives it (or 404), with the agency's rights on its assessment and plan."""
    case, access = case_for_agency(agency=agency, public_id=public_id)
    return case, plan_rights(case=case, access=access, role=role)


# Assessment ----------------------------------------------------------------------------


def assessment_of(*, case: Case) -> Assessment | None:
    return (
        Assessment.objects.filter(case=case)
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=AssessmentEntry.objects.select_related("agency", "author").order_by(
                    "domain", "agency__name_fi"
                ),
            ),
            "suggested_agencies",
        )
        .first()
    )


@dataclass(frozen=True)
class DomainRow:
    """One domain of the assessment as one agency sees it."""

    domain: str
    label: str
    category: str
    shown: bool  # other agencies' entries of the domain are shown
    reason: str
    entries: list[AssessmentEntry]
    own: AssessmentEntry | None


def assessment_rows(*, assessment: Assessment | None, rights: PlanRights) -> list[DomainRow]:
    """Every domain, with the entries the agency may see (from the prefetched entries)."""
    by_domain: dict[str, list[AssessmentEntry]] = defaultdict(list)
    for entry in assessment.entries.all() if assessment else []:
        by_domain[entry.domain].append(entry)
    rows = []
    for domain in Domain:
        category = DOMAIN_CATEGORY[domain]
        shown = rights.access.shown(category)
        entries = [e for e in by_domain[domain.value] if rights.sees_entry(e)]
        rows.append(
            DomainRow(
                domain=domain.value,
                label=str(domain.label),
                category=category,
                shown=shown,
                reason="" if shown else rights.access.reason(category),
                entries=entries,
                own=next((e for e in entries if e.agency_id == rights.agency.pk), None),
            )
        )
    return rows


@dataclass(frozen=True)
class Suggestion:
    agency: Agency
    contacts: list[User]
    domains: list[str]


def assessment_suggested_agencies(
    *, assessment: Assessment, access: ClientAccess | None = None
) -> list[tuple[Agency, list[User], list[str]]]:
    """The agencies the assessed needs call for, with their named contact persons and the
    domains that call for each: the active agencies of the right kinds that serve the
    client's municipality (after release on a release path), in three queries.

    A domain is data of its category (DOMAIN_CATEGORY): given `access`, only the entries
    that agency may see count, so the domains returned are ones it may be shown.
    """
    needs: set[str] = set()
    viewer = access.agency.pk if access else None
    for domain, agency_id in (
        AssessmentEntry.objects.filter(assessment=assessment)
        .exclude(need=NeedLevel.NONE)
        .values_list("domain", "agency_id")
    ):
        if access is None or agency_id == viewer or access.shown(DOMAIN_CATEGORY[domain]):
            needs.add(domain)
    if not needs:
        return []
    domains_by_kind: dict[str, list[str]] = defaultdict(list)
    for domain in sorted(needs, key=DOMAIN_ORDER.__getitem__):
        for kind in DOMAIN_AGENCY_KINDS[domain]:
            domains_by_kind[kind].append(domain)
    case = Case.objects.select_related(
        "release__municipality_after", "client__home_municipality"
    ).get(pk=assessment.case_id)
    municipality = (
        case.release.municipality_after if case.release else case.client.home_municipality
    )
    agencies = list(
        Agency.objects.filter(
            serves_q(municipality=municipality), kind__in=domains_by_kind, is_active=True
        )
    )
    contacts: dict[int, list[User]] = defaultdict(list)
    for contact in (
        ContactPerson.objects.filter(agency__in=agencies, person__is_active=True)
        .select_related("person")
        .order_by("agency_id", "topic__ordering", "person__last_name", "person__first_name")
    ):
        if contact.person not in contacts[contact.agency_id]:
            contacts[contact.agency_id].append(contact.person)
    agencies.sort(key=lambda a: (KIND_ORDER.get(a.kind, 99), a.name_fi))
    return [(a, contacts[a.pk], domains_by_kind[a.kind]) for a in agencies]


# Plan ----------------------------------------------------------------------------------


def plan_of(*, case: Case) -> EmploymentPlan | None:
    """The case's plan with its goals, actions and versions (and their sign-offs), in a
    fixed number of queries however many there are."""
    return (
        EmploymentPlan.objects.filter(case=case)
        .prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.order_by("order")),
            Prefetch(
                "actions",
                queryset=PlanAction.objects.select_related("owner_agency", "goal").order_by(
                    "due_on", "pk"
                ),
            ),
            Prefetch(
                "versions",
                queryset=PlanVersion.objects.select_related("created_by")
                .prefetch_related(
                    Prefetch(
                        "signoffs",
                        queryset=PlanSignOff.objects.select_related("agency", "user"),
                    )
                )
                .order_by("-number"),
            ),
        )
        .first()
    )


def plan_for_agency(
    *, agency: Agency | None, public_id: UUID, role: str | None
) -> tuple[Case, PlanRights, EmploymentPlan]:
    """The case's plan, for acting on it: a case the agency cannot see, or no plan, is a
    404."""
    case, rights = case_and_rights(agency=agency, public_id=public_id, role=role)
    plan = get_object_or_404(EmploymentPlan, case=case)
    plan.case = case
    return case, rights, plan


def plan_action_for_agency(
    *, agency: Agency | None, public_id: UUID, action_id: UUID, role: str | None
) -> tuple[Case, PlanRights, PlanAction]:
    """An action of the case's plan that the agency may see; any other is a 404."""
    case, rights, plan = plan_for_agency(agency=agency, public_id=public_id, role=role)
    action = get_object_or_404(
        PlanAction.objects.select_related("owner_agency"), plan=plan, public_id=action_id
    )
    if not rights.sees_action(action.owner_agency_id):
        raise Http404
    action.plan = plan
    return case, rights, action


def plan_version_for_agency(
    *, agency: Agency | None, public_id: UUID, number: int, role: str | None
) -> tuple[Case, PlanRights, PlanVersion]:
    case, rights, plan = plan_for_agency(agency=agency, public_id=public_id, role=role)
    version = get_object_or_404(
        PlanVersion.objects.select_related("created_by").prefetch_related(
            Prefetch("signoffs", queryset=PlanSignOff.objects.select_related("agency", "user"))
        ),
        plan=plan,
        number=number,
    )
    version.plan = plan
    return case, rights, version


def plan_due_on(*, plan: EmploymentPlan) -> date:
    return plan.started_on + timedelta(days=PLAN_DUE_DAYS)


def plan_review_due_on(*, plan: EmploymentPlan) -> date | None:
    return plan.reviewed_on + timedelta(days=REVIEW_DAYS) if plan.reviewed_on else None


def client_agencies(*, case: Case) -> QuerySet[Agency]:
    """The agencies that may see the case's client now: who may own a plan action."""
    client = case.client
    return (
        Agency.objects.filter(
            Q(pk=client.recorded_by_id)
            | Q(
                pk__in=client.grants.filter(active_grants_q()).values("agency_id"),
            ),
            is_active=True,
        )
        .distinct()
        .order_by("name_fi")
    )


# Versions ------------------------------------------------------------------------------


def _names(agency: Agency) -> dict[str, Any]:
    return {"id": agency.pk, "fi": agency.name_fi, "sv": agency.name_sv, "en": agency.name_en}


def plan_snapshot(
    *,
    plan: EmploymentPlan,
    goals: list[PlanGoal],
    actions: list[PlanAction],
    signatories: list[Agency],
) -> dict[str, Any]:
    """The plan as it is now, as plain JSON: what a version freezes. Agency names go in as
    they are today, so that a version reads the same after an agency is renamed."""
    goal_order = {goal.pk: goal.order for goal in goals}
    return {
        "started_on": plan.started_on.isoformat(),
        "goals": [{"order": goal.order, "text": goal.text} for goal in goals],
        "actions": [
            {
                "id": str(action.public_id),
                "text": action.text,
                "goal": goal_order.get(action.goal_id) if action.goal_id else None,
                "owner": _names(action.owner_agency),
                "due_on": action.due_on.isoformat(),
                "status": action.status,
                "origin": action.origin,
            }
            for action in actions
        ],
        "signatories": [_names(agency) for agency in signatories],
    }


def _localized(names: dict[str, Any]) -> str:
    language = (get_language() or "fi")[:2]
    return str(names.get(language) or names.get("fi") or "")


@dataclass(frozen=True)
class VersionAction:
    text: str
    goal: int | None
    owner: str
    owner_id: int
    due_on: date
    status: str
    status_label: str
    origin: str


@dataclass(frozen=True)
class Signatory:
    agency: str
    agency_id: int
    signoff: PlanSignOff | None


@dataclass(frozen=True)
class VersionView:
    """A frozen version, read from its JSON, as one agency may see it."""

    version: PlanVersion
    goals: list[dict[str, Any]]
    actions: list[VersionAction]
    hidden_actions: bool  # some actions were left out: not the viewer's to see
    signatories: list[Signatory]
    signed: bool
    sees_plan: bool

    @property
    def signed_count(self) -> int:
        return sum(1 for s in self.signatories if s.signoff)


def version_signatory_ids(version: PlanVersion) -> set[int]:
    return {int(s["id"]) for s in version.content.get("signatories", [])}


def version_view(*, version: PlanVersion, rights: PlanRights) -> VersionView:
    content = version.content
    signoffs = {s.agency_id: s for s in version.signoffs.all()}
    actions = []
    hidden = False
    for item in content.get("actions", []):
        owner_id = int(item["owner"]["id"])
        if not rights.sees_action(owner_id):
            hidden = True
            continue
        status = str(item["status"])
        actions.append(
            VersionAction(
                text=str(item["text"]),
                goal=item.get("goal"),
                owner=_localized(item["owner"]),
                owner_id=owner_id,
                due_on=date.fromisoformat(item["due_on"]),
                status=status,
                status_label=str(ActionStatus(status).label)
                if status in ActionStatus.values
                else status,
                origin=str(item.get("origin", "")),
            )
        )
    signatories = [
        Signatory(agency=_localized(s), agency_id=int(s["id"]), signoff=signoffs.get(int(s["id"])))
        for s in content.get("signatories", [])
    ]
    return VersionView(
        version=version,
        goals=content.get("goals", []) if rights.sees_plan else [],
        actions=actions,
        hidden_actions=hidden,
        signatories=signatories,
        signed=all(s.signoff for s in signatories),
        sees_plan=rights.sees_plan,
    )


# Outcomes ------------------------------------------------------------------------------


def outcomes_of(*, case: Case) -> list[Outcome]:
    return list(
        Outcome.objects.filter(case=case).select_related("recorded_agency").order_by("-recorded_at")
    )


def follow_ups_of(*, case: Case) -> list[FollowUp]:
    return list(
        FollowUp.objects.filter(case=case).select_related("checked_agency").order_by("months")
    )


def follow_up_due_on(*, case: Case, months: int) -> date:
    """Follow-ups count from the anchor date: the release date on a release path."""
    return add_months(case.anchor_date, months)


def follow_ups_open(*, case: Case, today: date, done: set[int]) -> list[tuple[int, date]]:
    """(months, due date) of the follow-ups not yet recorded whose time has come."""
    return [
        (months, follow_up_due_on(case=case, months=months))
        for months in FollowUp.MONTHS
        if months not in done and follow_up_due_on(case=case, months=months) <= today
    ]
