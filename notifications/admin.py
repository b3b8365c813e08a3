from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    """The outgoing e-mails: failed ones are filtered by status (they carry no client data:
    the texts name the kind, the date and a link)."""

    list_display = ("created_at", "kind", "to", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "key", "message_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_send_permission(self, request: HttpRequest) -> bool:
        """Sending again is a change to the message's state, not a look at it."""
        return bool(request.user.has_perm("notifications.change_outboxmessage"))

    @admin.action(description=_("Send the failed e-mails again"), permissions=["send"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        from notifications.outbox import outbox_retry

        count = outbox_retry(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("%(count)d e-mails will be sent again.") % {"count": count})
