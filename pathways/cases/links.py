"""What the apps below pathways show of a client's paths: the case a referral belongs to
and the next step on it, the cases on the client page, the cases behind the referral
reminders, and the client's name on the in-app notifications.

Referrals and notifications cannot import pathways; `register()` (called from
PathwaysConfig.ready()) hands them these reads through their registries
(referrals.case_links, notifications.case_labels).

A case's *current stage* is its first stage in progress (by stage order), or when none
is in progress, its first stage not started yet: a stage that an event or a person has
started counts as current even while an earlier one still waits.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from agencies.models import Agency, AgencyKind, User
from core.dates import today
from notifications.case_labels import case_labeller_register
from pathways.cases.selectors import SETTLED, case_stage_checklist, case_stage_windows
from pathways.models import (
    Case,
    CaseStage,
    CaseStatus,
    ChecklistItem,
    ChecklistTick,
    PathwayTemplate,
    StageStatus,
)
from referrals.case_links import (
    CaseLink,
    CaseRef,
    ChecklistEntry,
    NextStep,
    PathReader,
    ReferralPath,
    path_reader_register,
)
from referrals.models import DataCategory, LogPurpose, Referral, ReferralStatus
from referrals.selectors import ClientAccess, category_visible_q
from referrals.services import use_log_write


def case_current_stage(stages: Iterable[CaseStage]) -> CaseStage | None:
    """The first stage in progress, else the first not started; None when all are settled.
    `stages` must have their template stage loaded."""
    ordered = sorted(stages, key=lambda case_stage: case_stage.stage.order)
    for status in (StageStatus.IN_PROGRESS, StageStatus.NOT_STARTED):
        for case_stage in ordered:
            if case_stage.status == status:
                return case_stage
    return None


def _guidance_cases(*, client_ids: Collection[int], sender_ids: Collection[int]) -> QuerySet[Case]:
    return Case.objects.filter(
        template__code=PathwayTemplate.KELA_GUIDANCE,
        client_id__in=client_ids,
        started_by_id__in=sender_ids,
    )


def case_for_referral(*, referral: Referral) -> Case | None:
    """The case a referral belongs to: the path of the release it was sent about, or for
    Kela's guidance referral (which has no release), the newest guidance path Kela had
    started for the client when it made the referral. A free referral has none."""
    if referral.release_id is not None:
        return (
            Case.objects.select_related("template").filter(release_id=referral.release_id).first()
        )
    if referral.sender_agency.kind != AgencyKind.KELA:
        return None
    return (
        _guidance_cases(client_ids=[referral.client_id], sender_ids=[referral.sender_agency_id])
        .select_related("template")
        .filter(created_at__lte=referral.created_at)
        .order_by("-created_at")
        .first()
    )


def _link(case: Case) -> CaseLink:
    return CaseLink(
        public_id=case.public_id,
        reference=case.reference,
        name=case.template.name,
        closed=case.status == CaseStatus.CLOSED,
    )


def case_next_step(*, case: Case, access: ClientAccess) -> NextStep:
    """The stage of the case that is now the agency's: its current stage among those it
    answers for, with the window (where the release date may be shown) and the checklist."""
    stages = list(
        CaseStage.objects.filter(case=case, responsible_agency=access.agency)
        .exclude(status__in=SETTLED)
        .select_related("stage")
        .prefetch_related(
            Prefetch("stage__checklist", queryset=ChecklistItem.objects.order_by("order")),
            Prefetch("ticks", queryset=ChecklistTick.objects.all()),
        )
    )
    current = case_current_stage(stages)
    if current is None:
        return NextStep()
    # A release path's windows would give away the release date (as on the case page).
    windows_shown = access.shown(DataCategory.RELEASE) or case.release_id is None
    window = (
        case_stage_windows(case=case, today=today(), stages=[current])[0] if windows_shown else None
    )
    return NextStep(
        stage=current.stage.name,
        status=current.status,
        status_label=str(current.get_status_display()),
        opens=window.opens if window else None,
        closes=window.closes if window else None,
        state=window.state if window else "",
        overdue=window.overdue if window else False,
        window_withheld=not windows_shown,
        checklist=[
            ChecklistEntry(text=line.item.name, done=line.tick is not None)
            for line in case_stage_checklist(case_stage=current)
        ],
    )


def referral_path(referral: Referral, access: ClientAccess) -> ReferralPath | None:
    """The referral's case; for the agency that accepted it, also what comes next."""
    case = case_for_referral(referral=referral)
    if case is None:
        return None
    accepted_here = (
        referral.status == ReferralStatus.ACCEPTED
        and referral.recipient_agency_id == access.agency.pk
        and case.status == CaseStatus.ACTIVE
    )
    return ReferralPath(
        case=_link(case),
        next_step=case_next_step(case=case, access=access) if accepted_here else None,
    )


def client_paths(access: ClientAccess) -> list[CaseLink]:
    """The client's cases; an agency that may see the client may open each of them."""
    return [
        _link(case)
        for case in Case.objects.filter(client=access.client)
        .select_related("template")
        .order_by("status", "-created_at")
    ]


def referral_cases(referrals: Sequence[Referral]) -> dict[int, CaseRef]:
    """Referral pk -> its case, in at most two queries for any number of referrals (which
    come with their sender agency loaded)."""
    found: dict[int, CaseRef] = {}
    by_release = {r.release_id: r.pk for r in referrals if r.release_id is not None}
    for release_id, public_id, reference in Case.objects.filter(
        release_id__in=by_release
    ).values_list("release_id", "public_id", "reference"):
        found[by_release[release_id]] = CaseRef(public_id=public_id, reference=reference)
    guidance = [
        r for r in referrals if r.release_id is None and r.sender_agency.kind == AgencyKind.KELA
    ]
    if not guidance:
        return found
    started: dict[tuple[int, int], list[tuple[datetime, CaseRef]]] = defaultdict(list)
    for client_id, sender_id, created_at, public_id, reference in (
        _guidance_cases(
            client_ids={r.client_id for r in guidance},
            sender_ids={r.sender_agency_id for r in guidance},
        )
        .order_by("-created_at")
        .values_list("client_id", "started_by_id", "created_at", "public_id", "reference")
    ):
        started[(client_id, sender_id)].append(
            (created_at, CaseRef(public_id=public_id, reference=reference))
        )
    for referral in guidance:
        newest_first = started.get((referral.client_id, referral.sender_agency_id), [])
        ref = next((ref for at, ref in newest_first if at <= referral.created_at), None)
        if ref is not None:
            found[referral.pk] = ref
    return found


def notification_case_names(
    user: User, agency: Agency, case_ids: Collection[str], path: str
) -> dict[str, str]:
    """Case public id -> the client's name, for the cases whose client's identity the
    agency may see now; in one query, and use-logged in one statement. The names of the
    other clients are not read at all."""
    ids = []
    for value in case_ids:
        try:
            ids.append(UUID(value))
        except ValueError:
            continue
    if not ids:
        return {}
    identity_visible = Q(client__recorded_by=agency) | category_visible_q(
        agency=agency, code=DataCategory.IDENTITY
    )
    rows = list(
        Case.objects.filter(identity_visible, public_id__in=ids).values_list(
            "public_id", "client_id", "client__first_name", "client__last_name"
        )
    )
    if rows:
        use_log_write(
            user=user,
            agency=agency,
            clients=[(client_id, [DataCategory.IDENTITY]) for _p, client_id, _f, _l in rows],
            purpose=LogPurpose.CASE_WORK,
            path=path,
        )
    return {str(public_id): f"{first} {last}" for public_id, _c, first, last in rows}


def register() -> None:
    path_reader_register(
        PathReader(
            referral_path=referral_path,
            client_paths=client_paths,
            referral_cases=referral_cases,
        )
    )
    case_labeller_register(notification_case_names)
