from typing import cast
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agencies.http import client_work_agency
from agencies.selectors import agency_client_workers
from core.dates import today
from core.http import AuthenticatedRequest
from core.pages import page_context
from core.paging import CappedPaginator
from history.models import ObjectKind
from history.selectors import change_history
from referrals.case_links import client_paths, referral_path
from referrals.filters import InboxFilter
from referrals.forms import AcceptForm, ConsentForm, NoteForm, ReturnForm
from referrals.models import (
    Consent,
    DataCategory,
    LogPurpose,
    Referral,
    ReferralStatus,
)
from referrals.page_selectors import ReferralFormPage, referral_form_build
from referrals.selectors import (
    ClientAccess,
    client_access,
    client_card,
    client_consents,
    client_for_agency,
    client_referrals,
    referral_categories,
    referral_for_agency,
    referral_inbox,
    referral_outbox,
    visible_categories_by_client,
)
from referrals.services import (
    ReferralConflict,
    consent_record,
    consent_withdraw,
    referral_accept,
    referral_allowed_moves,
    referral_close,
    referral_create,
    referral_open,
    referral_return,
    referral_send,
    referral_withdraw,
    use_log_write,
)

PAGE_SIZE = 25
# Moves that take only a note.
NOTED_MOVES = {"withdraw": referral_withdraw, "close": referral_close}


def _log_use(request: AuthenticatedRequest, access: ClientAccess, purpose: str) -> None:
    use_log_write(
        user=request.user,
        agency=access.agency,
        clients=[(access.client, access.categories)],
        purpose=purpose,
        path=request.path,
    )


# Clients and consent ---------------------------------------------------------------


@login_required
def client_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agency = client_work_agency(request)
    access = client_for_agency(agency=agency, public_id=public_id)
    _log_use(request, access, LogPurpose.CLIENT_RECORD)
    return render(
        request,
        "referrals/client_detail.html",
        {
            "access": access,
            "card": client_card(access=access),
            "consents": client_consents(access=access) if access.is_owner else [],
            "referrals": client_referrals(agency=agency, client=access.client),
            "paths": client_paths(access=access),
            "history": change_history(kind=ObjectKind.CLIENT, object_id=access.client.public_id),
        },
    )


def _owner_access(request: AuthenticatedRequest, public_id: UUID) -> ClientAccess:
    """Consent is recorded by the agency that recorded the client."""
    access = client_for_agency(agency=client_work_agency(request), public_id=public_id)
    if not access.is_owner:
        raise Http404
    return access


@login_required
def consent_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    access = _owner_access(request, public_id)
    form = ConsentForm(request.POST or None, initial={"given_on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(
                client=access.client,
                agency=access.agency,
                user=request.user,
                recipient_agency=data["recipient_agency"],
                recipient_kind=data["recipient_kind"],
                categories=data["categories"],
                given_on=data["given_on"],
                method=data["method"],
                valid_until=data["valid_until"],
                submission_key=data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect("client-detail", public_id=access.client.public_id)
    # The form shows no category of the client's data, but opening it is a use of the record.
    use_log_write(
        user=request.user,
        agency=access.agency,
        clients=[(access.client, [])],
        purpose=LogPurpose.CLIENT_RECORD,
        path=request.path,
    )
    return render(request, "referrals/consent_form.html", {"form": form, "client": access.client})


@login_required
@require_POST
def consent_withdraw_view(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agency = client_work_agency(request)
    consent = get_object_or_404(
        Consent.objects.select_related("client"), public_id=public_id, recorded_by=agency
    )
    revoked = consent_withdraw(consent=consent, user=request.user, agency=agency)
    messages.success(
        request,
        _("The consent was withdrawn; %(count)d access grant(s) resting on it ended.")
        % {"count": revoked},
    )
    return redirect("client-detail", public_id=consent.client.public_id)


# Sending ---------------------------------------------------------------------------


def _referral_create(request: AuthenticatedRequest, page: ReferralFormPage) -> HttpResponse | None:
    """Save the referral as a draft or send it; None when refused, with the error on the
    form."""
    data = page.form.cleaned_data
    try:
        referral = referral_create(
            client=page.access.client,
            sender=page.access.agency,
            user=request.user,
            recipient_agency=data["recipient_agency"],
            recipient_person=data["recipient_person"],
            basis=data["basis"],
            categories=list(data["categories"]),
            message=data["message"],
            release=page.release,
            send="draft" not in request.POST,
            submission_key=data["submission_key"],
        )
    except ValidationError as error:
        page.form.add_error(None, error)
        return None
    if referral.status == ReferralStatus.DRAFT:
        messages.success(request, _("The referral was saved as a draft."))
    else:
        messages.success(
            request,
            _("The referral was sent to %(agency)s.") % {"agency": referral.recipient_agency},
        )
    return redirect("referral-detail", public_id=referral.public_id)


@login_required
def referral_new(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    access = client_for_agency(agency=client_work_agency(request), public_id=public_id)
    posted = request.POST if request.method == "POST" else None
    page = referral_form_build(access=access, query=request.GET, posted=posted)
    if posted is not None and page.form.is_valid() and (done := _referral_create(request, page)):
        return done
    _log_use(request, access, LogPurpose.REFERRAL)
    return render(request, "referrals/referral_form.html", page_context(page))


# One referral ----------------------------------------------------------------------


def _resend_url(referral: Referral) -> str:
    """Where the sender of a returned referral sends it to another recipient."""
    url = reverse("referral-new", args=[referral.client.public_id])
    return f"{url}?release={referral.release.public_id}" if referral.release else url


def _referral_context(
    request: AuthenticatedRequest,
    referral: Referral,
    accept_form: AcceptForm | None = None,
    return_form: ReturnForm | None = None,
) -> dict[str, object]:
    """What the referral page and its actions panel show. `access` is the viewer's
    access to the client, None when its grants have ended; `path` the referral's case
    when the viewer may open it, with the next step for the agency that accepted it."""
    agency = client_work_agency(request)
    access = client_access(agency=agency, client=referral.client)
    is_sender = referral.sender_agency_id == agency.pk
    return {
        "referral": referral,
        "access": access,
        "path": referral_path(referral=referral, access=access),
        "resend_url": _resend_url(referral)
        if access and is_sender and referral.status == ReferralStatus.RETURNED
        else "",
        "events": referral.events.select_related("actor", "actor_agency"),
        "moves": referral_allowed_moves(referral=referral, agency=agency),
        "is_sender": is_sender,
        "accept_form": accept_form
        or AcceptForm(
            members=agency_client_workers(agency=agency), initial={"assignee": request.user}
        ),
        "return_form": return_form or ReturnForm(),
        "note_form": NoteForm(),
        "history": change_history(kind=ObjectKind.REFERRAL, object_id=referral.public_id),
    }


def _referral_page(
    request: AuthenticatedRequest,
    context: dict[str, object],
    categories: list[DataCategory],
    status: int = 200,
) -> HttpResponse:
    """The referral page: `context` with the client's card where the viewer still has
    access, use-logged."""
    access = cast(ClientAccess | None, context["access"])
    context["card"] = client_card(access=access) if access else None
    context["categories"] = categories
    if access:
        _log_use(request, access, LogPurpose.REFERRAL)
    return render(request, "referrals/referral_detail.html", context, status=status)


@login_required
def referral_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    agency = client_work_agency(request)
    referral = referral_for_agency(agency=agency, public_id=public_id)
    categories = referral_categories(referral=referral)
    referral = referral_open(referral=referral, user=request.user, agency=agency)
    return _referral_page(request, _referral_context(request, referral), categories)


def _move_apply(
    request: AuthenticatedRequest,
    referral: Referral,
    action: str,
    accept_form: AcceptForm,
    return_form: ReturnForm,
) -> Referral:
    """Make the move `action` asks for, with what its form gave."""
    agency, user = client_work_agency(request), request.user
    if action == "accept":
        if not accept_form.is_valid():
            raise ValidationError({"assignee": accept_form.errors["assignee"]})
        assignee = accept_form.cleaned_data["assignee"]
        return referral_accept(referral=referral, user=user, agency=agency, assignee=assignee)
    if action == "return":
        return_form.is_valid()
        reason = return_form.cleaned_data.get("reason", "")
        return referral_return(referral=referral, user=user, agency=agency, reason=reason)
    if action in NOTED_MOVES:
        note_form = NoteForm(request.POST)
        note_form.is_valid()
        note = note_form.cleaned_data.get("note", "")
        return NOTED_MOVES[action](referral=referral, user=user, agency=agency, note=note)
    if action == "send":
        return referral_send(referral=referral, user=user, agency=agency)
    raise Http404


def _move_error(failure: ValidationError, accept_form: AcceptForm, return_form: ReturnForm) -> str:
    """Put a refused move's errors on the form fields they are about; the rest as text."""
    errors = failure.message_dict if hasattr(failure, "error_dict") else {"": failure.messages}
    if "reason" in errors:
        return_form.add_error("reason", errors.pop("reason"))
    if "assignee" in errors:
        accept_form.add_error("assignee", errors.pop("assignee"))
    return " ".join(message for messages_ in errors.values() for message in messages_)


@login_required
@require_POST
def referral_move(request: AuthenticatedRequest, public_id: UUID, action: str) -> HttpResponse:
    """Accept, return, withdraw, close or send a referral. An htmx request gets the actions
    panel back in place; a plain form post gets the page."""
    agency = client_work_agency(request)
    referral = referral_for_agency(agency=agency, public_id=public_id)
    accept_form = AcceptForm(request.POST, members=agency_client_workers(agency=agency))
    return_form = ReturnForm(request.POST)
    error, status = "", 200
    try:
        referral = _move_apply(request, referral, action, accept_form, return_form)
    except ValidationError as failure:
        error = _move_error(failure, accept_form, return_form)
        referral.refresh_from_db()
        status = 409 if isinstance(failure, ReferralConflict) else 400
    else:
        messages.success(
            request,
            _("Saved: the referral is now %(status)s.")
            % {"status": referral.get_status_display().lower()},
        )
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect("referral-detail", public_id=referral.public_id)
    context = _referral_context(request, referral, accept_form=accept_form, return_form=return_form)
    context["error"] = error
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps only successful responses; the panel shows the errors in place.
        return render(request, "referrals/_referral_actions.html", context)
    return _referral_page(request, context, referral_categories(referral=referral), status)


# Lists -----------------------------------------------------------------------------


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    agency = client_work_agency(request)
    filterset = InboxFilter(
        request.GET, queryset=referral_inbox(agency=agency), request=request, agency=agency
    )
    referrals = filterset.qs if filterset.is_valid() else referral_inbox(agency=agency).none()
    page = CappedPaginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    visible = visible_categories_by_client(agency=agency, client_ids=[r.client_id for r in page])
    rows = [
        (
            referral,
            "identity" in visible[referral.client_id],
            "release" in visible[referral.client_id],
        )
        for referral in page
    ]
    shown = [
        (referral.client_id, sorted({"identity", "release"} & visible[referral.client_id]))
        for referral, identity, _release in rows
        if identity
    ]
    if shown:
        use_log_write(
            user=request.user,
            agency=agency,
            clients=shown,
            purpose=LogPurpose.INBOX,
            path=request.path,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/inbox.html",
        {"filter": filterset, "page": page, "rows": rows, "query_string": query.urlencode()},
    )


@login_required
def outbox(request: AuthenticatedRequest) -> HttpResponse:
    agency = client_work_agency(request)
    page = CappedPaginator(referral_outbox(agency=agency), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    if page.object_list:
        use_log_write(
            user=request.user,
            agency=agency,
            clients=[(r.client_id, ["identity"]) for r in page],
            purpose=LogPurpose.REFERRAL,
            path=request.path,
        )
    return render(request, "referrals/outbox.html", {"page": page})
