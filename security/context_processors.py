from django.http import HttpRequest


def security(request: HttpRequest) -> dict[str, object]:
    return {
        # django-htmx's {% htmx_script %} looks for the nonce under this name.
        "csp_nonce": getattr(request, "csp_nonce", None),
        # On the verification pages the header offers only logging out.
        "two_factor_pending": getattr(request, "two_factor_pending", False),
    }
