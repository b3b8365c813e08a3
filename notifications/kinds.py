"""The kinds of notification, each registered by the app that sends it.

Notifications know only users: the apps above (referrals, pathways, plans, meetings) say
what their notifications are called and what they say, by registering their kinds here in
their AppConfig.ready(). The kind columns take their choices from this registry through a
function, so the migration names the function rather than the list, and a new kind needs
no migration here.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import TextChoices
from django.utils.functional import Promise

# A kind's texts, tried in order: the first whose parameters are all present wins, so a
# missing optional parameter gives a shorter sentence rather than a gap; when none fits,
# the kind's label is the text (the parameters: notifications.texts).
Variants = tuple[tuple[frozenset[str], Promise], ...]


def needs(*names: str) -> frozenset[str]:
    """The parameters a text needs, for a kind's Variants."""
    return frozenset(names)


@dataclass(frozen=True)
class Kind:
    value: str
    label: str | Promise
    texts: Variants
    # The TextChoices that registered the kind, so that a second app cannot take its value.
    owner: type[TextChoices]


_kinds: dict[str, Kind] = {}


def notification_kinds_register(*, kinds: type[TextChoices], texts: Mapping[str, Variants]) -> None:
    """Called once by a sending app's AppConfig.ready(): `kinds` names and labels the app's
    notifications, `texts` says what each of them says."""
    unknown = set(texts) - set(kinds.values)
    if unknown:
        raise ImproperlyConfigured(f"Texts for unknown notification kinds: {sorted(unknown)}")
    for member in kinds:
        known = _kinds.get(member.value)
        if known is not None and known.owner is not kinds:
            raise ImproperlyConfigured(
                f"Notification kind {member.value!r} is registered by both "
                f"{known.owner.__qualname__} and {kinds.__qualname__}"
            )
    for member in kinds:
        _kinds[member.value] = Kind(
            value=member.value, label=member.label, texts=texts.get(member.value, ()), owner=kinds
        )


def notification_kind_choices() -> list[tuple[str, str | Promise]]:
    """The choices of a kind column: every registered kind, in the order registered."""
    return [(kind.value, kind.label) for kind in _kinds.values()]


def notification_kind(value: str) -> Kind | None:
    return _kinds.get(value)
