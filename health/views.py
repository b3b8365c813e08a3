from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from health.selectors import health_report


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    report = health_report()
    # A stale heartbeat is "degraded" with 200: the load balancer keeps a web node that
    # serves pages while the workers are behind (docs/adr/0005); only "error" is 503.
    return JsonResponse(
        {
            "status": report.status,
            "failing": report.failing,
            "database": "ok" if report.database_ok else "error",
            "broker": "ok" if report.broker_ok else "error",
            "last_heartbeat": report.last_heartbeat.isoformat() if report.last_heartbeat else None,
            "heartbeat": "ok" if report.heartbeat_ok else "stale",
        },
        status=200 if report.ok else 503,
    )
