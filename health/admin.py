from django.contrib import admin

from health.models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin[Heartbeat]):
    list_display = ("name", "last_run_at", "run_count")
    readonly_fields = ("name", "last_run_at", "run_count")
