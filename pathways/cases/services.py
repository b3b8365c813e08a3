from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, ParamSpec, cast
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind, Membership, Municipality, User
from core.dates import today
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from history.transitions import Recorded, transition_apply
from pathways.cases.selectors import case_may_close, release_template_for, responsible_agencies
from pathways.cases.transitions import CASE_TRANSITIONS
from pathways.models import Case, CaseStage, PathwayTemplate
from referrals.models import Client, Release
from referrals.selectors import client_access
from referrals.services import client_create

RISE_KINDS = frozenset({AgencyKind.RISE_PRISON, AgencyKind.RISE_COMMUNITY_SANCTIONS})
MAX_YEARS_AHEAD = 3


def years_ahead(*, day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def release_date_check(*, expected_date: date) -> None:
    now = today()
    if expected_date < now:
        raise ValidationError(
            {
                "expected_date": ValidationError(
                    _("The release date cannot be in the past."), code="past"
                )
            }
        )
    if expected_date > years_ahead(day=now, years=MAX_YEARS_AHEAD):
        raise ValidationError(
            {
                "expected_date": ValidationError(
                    _("The release date must be within three years from today."), code="too_far"
                )
            }
        )


class _DuplicateSubmission(Exception):
    pass


P = ParamSpec("P")


def _earlier_case_on_duplicate(func: Callable[P, Case]) -> Callable[P, Case]:
    """Outside the transaction: a racing duplicate submission gets the case the other made."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Case:
        try:
            return func(*args, **kwargs)
        except _DuplicateSubmission:
            return Case.objects.get(release__submission_key=cast(UUID, kwargs["submission_key"]))

    return wrapper


@_earlier_case_on_duplicate
@transaction.atomic
def release_case_start(
    *,
    agency: Agency,
    user: User,
    client: Client | None,
    new_client: dict[str, Any] | None = None,
    rise_unit: Agency,
    expected_date: date,
    release_type: str,
    municipality_after: Municipality,
    submission_key: UUID | None = None,
) -> Case:
    """Log an upcoming release and start the client's release path (youth variant under
    30), recording the client first when `new_client` is given. Submitting the same form
    twice returns the case it already started."""
    if submission_key is not None:
        earlier = Case.objects.filter(release__submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    if agency.kind not in RISE_KINDS:
        raise ValidationError(_("Only the Criminal Sanctions Agency logs releases."))
    if rise_unit.kind not in RISE_KINDS:
        raise ValidationError({"rise_unit": _("Choose a prison or a community sanctions office.")})
    release_date_check(expected_date=expected_date)
    if client is not None and client_access(agency=agency, client=client) is None:
        # The form says so on its field; this keeps the rule for every other way in. The
        # code goes on the field's error: a dict's own `code` would be dropped.
        raise ValidationError(
            {
                "hetu": ValidationError(
                    _(
                        "This client is recorded by another agency. Ask them to refer the "
                        "client to your agency."
                    ),
                    code="not_yours",
                )
            }
        )
    if client is None:
        if new_client is None:
            raise ValidationError(_("Find the client or give their details."))
        client = client_create(recorded_by=agency, user=user, **new_client)
    release = Release(
        client=client,
        rise_unit=rise_unit,
        expected_date=expected_date,
        release_type=release_type,
        municipality_after=municipality_after,
        submission_key=submission_key,
    )
    release.full_clean()
    try:
        with transaction.atomic():
            release.save()
    except IntegrityError as error:
        # The same form, submitted twice at once: undo this one whole, client included.
        raise _DuplicateSubmission from error
    return _case_start(
        client=client,
        template=release_template_for(birth_date=client.birth_date, release_date=expected_date),
        release=release,
        agency=agency,
        user=user,
        anchor_date=expected_date,
    )


def _case_start(
    *,
    client: Client,
    template: PathwayTemplate,
    release: Release | None = None,
    agency: Agency,
    user: User,
    anchor_date: date,
) -> Case:
    """The steps every start of a path shares: the case on its template version, its
    stages and the change record. Private, inside the transaction of a start service
    (release_case_start, kela.services.kela_guidance_start), which keeps the rules of who
    may start which path."""
    case = Case.objects.create(
        client=client,
        template=template,
        release=release,
        started_by=agency,
        started_by_user=user,
        anchor_date=anchor_date,
    )
    case_stages_create(case=case)
    change_record(
        kind=ObjectKind.CASE,
        object_id=case.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.STARTED,
        fields=["template", "anchor_date", *(["release"] if release else []), "stages"],
    )
    return case


def case_stages_create(*, case: Case) -> None:
    """The case's stages from its template version, each with the agency that answers
    for it: the starting agency when it is of the stage's kind, otherwise the agency of
    that kind serving the client's municipality (after release, where given)."""
    stages = list(case.template.stages.all())
    responsible = responsible_agencies(
        case=case, kinds={stage.responsible_kind for stage in stages}
    )
    CaseStage.objects.bulk_create(
        CaseStage(
            case=case,
            stage=stage,
            responsible_agency=responsible.get(stage.responsible_kind),
            responsible_person=case.started_by_user
            if stage.responsible_kind == case.started_by.kind
            else None,
        )
        for stage in stages
    )


def _case_move(*, case: Case, membership: Membership, move: str, **changes: object) -> Case:
    if not case_may_close(case=case, membership=membership):
        raise PermissionDenied
    return transition_apply(
        transitions=CASE_TRANSITIONS,
        obj=case,
        move=move,
        user=membership.user,
        agency=membership.agency,
        changes=changes,
        recorded=Recorded(kind=ObjectKind.CASE, object_id=case.public_id, fields=["status"]),
    )


@transaction.atomic
def case_close(*, case: Case, membership: Membership) -> Case:
    """End the path: its reminders stop, and retention counts from this day once the
    client has no other open path or live referral."""
    return _case_move(case=case, membership=membership, move="close", closed_at=timezone.now())


@transaction.atomic
def case_reopen(*, case: Case, membership: Membership) -> Case:
    return _case_move(case=case, membership=membership, move="reopen", closed_at=None)
