from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.http import AuthenticatedRequest
from notifications.case_labels import case_names
from notifications.forms import EmailDeliveryForm
from notifications.inbox_services import (
    email_delivery_set,
    notification_read,
    notifications_read_all,
)
from notifications.models import Notification
from notifications.selectors import notification_for_user, notification_list
from notifications.texts import notification_case_id, notification_case_line, notification_text

PAGE_SIZE = 25


@dataclass(frozen=True)
class NotificationRow:
    notification: Notification
    text: str
    client: str  # the client's name, where the acting agency may see it
    case_line: str  # "Path P-7K3MQ9XZ", or "" when the notification names no case


@login_required
def notification_list_view(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    acting = request.acting
    case_ids = {notification_case_id(n) for n in page} - {""}
    # Every case of the page in one read, named as far as the acting agency may see.
    names = case_names(
        user=request.user,
        agency=acting.agency if acting.works_with_clients else None,
        case_ids=case_ids,
        path=request.path,
    )
    rows = [
        NotificationRow(
            notification=n,
            text=notification_text(n),
            client=names.get(notification_case_id(n), ""),
            case_line=notification_case_line(n),
        )
        for n in page
    ]
    return render(request, "notifications/notification_list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_open(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Mark the notification read and go where it points."""
    notification = notification_for_user(user=request.user, public_id=public_id)
    notification_read(user=request.user, notification=notification)
    target = notification.url
    # Links are written by Polku, but a stored one must still never send anyone off-site.
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("notification-list")
    return HttpResponseRedirect(target)


@login_required
@require_POST
def notifications_read_all_view(request: AuthenticatedRequest) -> HttpResponse:
    count = notifications_read_all(user=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)d notification was marked as read.",
                "%(count)d notifications were marked as read.",
                count,
            )
            % {"count": count},
        )
    return redirect("notification-list")


@login_required
def notification_settings(request: AuthenticatedRequest) -> HttpResponse:
    form = EmailDeliveryForm(
        request.POST if request.method == "POST" else None,
        initial={"email_delivery": request.user.email_delivery},
    )
    if request.method == "POST" and form.is_valid():
        try:
            email_delivery_set(user=request.user, value=form.cleaned_data["email_delivery"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification settings were saved."))
            return redirect("notification-settings")
    return render(request, "notifications/notification_settings.html", {"form": form})
