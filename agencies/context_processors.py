from django.http import HttpRequest


def active_agency(request: HttpRequest) -> dict[str, object]:
    return {"acting": getattr(request, "acting", None)}
