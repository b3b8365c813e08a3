from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from agencies.models import Agency, Membership
from agencies.selectors import membership_works_with_clients, user_memberships

ACTIVE_AGENCY_SESSION_KEY = "polku_active_agency"


class LanguageMiddleware:
    """Activate the language the user chose (cookie), else Finnish.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not
    consulted: Polku is a Finnish public-sector service whose default is Finnish
    whatever language a shared workstation's browser happens to be set to.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.get("Vary", "")
        if "Cookie" not in patch_vary:
            response["Vary"] = f"{patch_vary}, Cookie" if patch_vary else "Cookie"
        return response


@dataclass(frozen=True)
class Acting:
    """The agencies a user belongs to, and the one they act for now (chosen in the header)."""

    memberships: list[Membership]
    membership: Membership | None

    @property
    def agency(self) -> Agency | None:
        return self.membership.agency if self.membership else None

    @property
    def works_with_clients(self) -> bool:
        return membership_works_with_clients(membership=self.membership)


def acting_for(request: HttpRequest) -> Acting:
    user = request.user
    if not user.is_authenticated:
        return Acting(memberships=[], membership=None)
    memberships = list(user_memberships(user=user))
    wanted = request.session.get(ACTIVE_AGENCY_SESSION_KEY)
    active = next((m for m in memberships if str(m.agency.public_id) == wanted), None)
    return Acting(memberships=memberships, membership=active or next(iter(memberships), None))


class ActiveAgencyMiddleware:
    """Attach `request.acting`, evaluated on first use (one query)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting = SimpleLazyObject(lambda: acting_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)
