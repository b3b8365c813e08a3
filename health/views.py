from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from health.selectors import health_report


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    return JsonResponse(
        {
            "status": "ok" if report.ok else "error",
            "database": "ok" if report.database_ok else "error",
            "broker": "ok" if report.broker_ok else "error",
            "last_heartbeat": report.last_heartbeat.isoformat() if report.last_heartbeat else None,
            "heartbeat": "ok" if report.heartbeat_ok else "stale",
        },
        status=200 if report.ok else 503,
    )
