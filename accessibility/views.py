import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accessibility.forms import FeedbackForm
from accessibility.services import accessibility_feedback_create

# The day the statement was prepared or last reviewed: change it with the statement.
STATEMENT_DATE = datetime.date(2026, 12, 6)


@require_http_methods(["GET", "POST"])
def statement(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (Act 306/2019) with its feedback form, open to anyone,
    logged in or not. `from` names the page the footer link was followed from."""
    came_from = request.GET.get("from", "")
    initial = {"page": came_from if came_from.startswith("/") else ""}
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        accessibility_feedback_create(**form.cleaned_data, language=get_language())
        messages.success(request, _("Thank you. Your feedback was sent to Polku's administrator."))
        return redirect("accessibility-statement")
    return render(
        request,
        "accessibility/statement.html",
        {"form": form, "statement_date": STATEMENT_DATE, "address": settings.POLKU_BASE_URL},
    )
