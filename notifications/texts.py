"""What a notification says, in the active language, built from its kind and parameters.

The same text goes into e-mails, which are not a safe channel for client data: only the
parameters below are ever read, and none of them names a client. Anything else a caller
puts in `params` is ignored.

params (all optional):
    date     "YYYY-MM-DD": the release date, deadline, window date or send date
    stage    {"fi", "sv", "en"}: a stage's name
    message  {"fi", "sv", "en"}: a reminder rule's own text; when present it leads
    agency   {"fi", "sv", "en"}: an agency's name
    days     int: a number of days (no text uses it yet)
    time     "HH:MM": a time of day in Helsinki (a network meeting's start)
    ref      "P-7K3MQ9XZ": the reference of the case the notification is about
    case     the public id (UUID text) of that case, for the in-app list's label

Neither `ref` nor `case` is personal data: the reference is random, and it says which
case without saying whose. The e-mail carries the reference; only the in-app list, which
checks what the user's agency may see, turns a case id into the client's name.
"""

import datetime
import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.formats import date_text
from notifications.kinds import Variants, needs, notification_kind
from notifications.models import Notification

LANGUAGES = ("fi", "sv", "en")

# A kind's texts come with it from the app that sends it (notifications.kinds). A reminder
# rule's own message leads whatever the kind; stage and date follow it.
MESSAGE_TEXTS: Variants = (
    (needs("message", "stage", "date"), _("%(message)s (%(stage)s, %(date)s)")),
    (needs("message", "stage"), _("%(message)s (%(stage)s)")),
    (needs("message", "date"), _("%(message)s (%(date)s)")),
)


def _date(value: Any) -> str:
    """Finnish-style d.m.yyyy in every language, as Polku shows dates elsewhere."""
    if not isinstance(value, str):
        return ""
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return ""
    return date_text(day)


def _time(value: Any) -> str:
    """A "HH:MM" time as Finnish-style H.MM; anything else counts as absent."""
    if not isinstance(value, str):
        return ""
    try:
        moment = datetime.time.fromisoformat(value)
    except ValueError:
        return ""
    return f"{moment.hour}.{moment.minute:02d}"


def _localized(value: Any) -> str:
    """The active language's version of a {"fi", "sv", "en"} name, else the first found."""
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, Mapping):
        return ""
    active = (get_language() or "fi").split("-")[0]
    for language in (active, *LANGUAGES):
        text = value.get(language)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def _values(params: Any) -> dict[str, str]:
    """Only the known parameters, formatted; empty or malformed ones count as absent."""
    if not isinstance(params, Mapping):
        return {}
    values = {
        "date": _date(params.get("date")),
        "stage": _localized(params.get("stage")),
        "message": _localized(params.get("message")),
        "agency": _localized(params.get("agency")),
        "time": _time(params.get("time")),
    }
    return {name: value for name, value in values.items() if value}


# A case reference: a letter, a hyphen and a few of the reference alphabet's characters.
REFERENCE = re.compile(r"[A-Z]-[0-9A-Z]{4,10}")


def case_params(*, public_id: Any, reference: str) -> dict[str, str]:
    """The parameters that say which case a notification is about; producers add them to
    the params of every notification about a case."""
    return {"case": str(public_id), "ref": reference}


def notification_reference(notification: Notification) -> str:
    """The case's reference, or "" when the notification names none (or a malformed one)."""
    params = notification.params
    value = params.get("ref") if isinstance(params, Mapping) else None
    return value if isinstance(value, str) and REFERENCE.fullmatch(value) else ""


def notification_case_id(notification: Notification) -> str:
    """The case's public id as text, or "" when the notification names none."""
    params = notification.params
    value = params.get("case") if isinstance(params, Mapping) else None
    if not isinstance(value, str):
        return ""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return ""


def notification_case_line(notification: Notification) -> str:
    """ "Path P-7K3MQ9XZ" in the active language, or "" without a case: the line that
    says which case, in e-mails and wherever the client's name may not be shown."""
    reference = notification_reference(notification)
    return str(_("Path %(reference)s")) % {"reference": reference} if reference else ""


def _first_fit(variants: Variants, values: dict[str, str]) -> str | None:
    for needed, text in variants:
        if needed <= values.keys():
            return str(text) % {name: values[name] for name in needed}
    return None


def notification_text(notification: Notification) -> str:
    """The one-line message of the notification in the active language: the first of its
    kind's texts whose parameters are all present, else the kind's label."""
    values = _values(notification.params)
    if "message" in values:
        return _first_fit(MESSAGE_TEXTS, values) or values["message"]
    kind = notification_kind(notification.kind)
    if kind is None:
        return str(_("You have a new notification in Polku."))
    return _first_fit(kind.texts, values) or str(kind.label)


def notification_subject(notification: Notification) -> str:
    """An e-mail subject: the kind only, so that nothing about a client is in it."""
    kind = notification_kind(notification.kind)
    label = str(kind.label) if kind is not None else str(_("New notification"))
    return f"Polku: {label}"
