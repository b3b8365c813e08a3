from typing import Any, NotRequired, TypedDict, Unpack

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from agencies.models import (
    Agency,
    AgencyKind,
    ContactChannel,
    ContactPerson,
    ContactTopic,
    EmploymentArea,
    KelaServiceArea,
    Membership,
    Municipality,
    Role,
    User,
    WellbeingArea,
)


class AgencyFields(TypedDict):
    """The agency row's own fields, as agency_create takes them; the areas default to
    none and the contact details to empty."""

    kind: AgencyKind
    name_fi: str
    name_sv: str
    name_en: str
    employment_area: NotRequired[EmploymentArea | None]
    wellbeing_area: NotRequired[WellbeingArea | None]
    kela_service_area: NotRequired[KelaServiceArea | None]
    email: NotRequired[str]
    phone: NotRequired[str]


@transaction.atomic
def agency_create(
    *, municipalities: list[Municipality] | None = None, **fields: Unpack[AgencyFields]
) -> Agency:
    """Create an agency with the Django group that object permissions are granted to."""
    agency = Agency(**fields)
    agency_group_attach(agency=agency)
    agency.full_clean()
    agency.save()
    if municipalities:
        agency.municipalities.set(municipalities)
    return agency


def agency_group_attach(*, agency: Agency) -> None:
    """Give a new agency the group that its members join and object permissions go to."""
    agency.group = Group.objects.create(name=f"agency:{agency.public_id}")


@transaction.atomic
def membership_set(*, user: User, agency: Agency, role: Role) -> Membership:
    """Make `user` a member of `agency` with `role` (creating or changing the membership)."""
    membership, _created = Membership.objects.update_or_create(
        user=user, agency=agency, defaults={"role": role}
    )
    user.groups.add(agency.group)
    return membership


@transaction.atomic
def membership_remove(*, user: User, agency: Agency) -> None:
    Membership.objects.filter(user=user, agency=agency).delete()
    user.groups.remove(agency.group)
    ContactPerson.objects.filter(agency=agency, person=user).delete()


@transaction.atomic
def contact_person_save(
    *,
    contact: ContactPerson,
    topic: ContactTopic,
    person: User,
    preferred_channel: ContactChannel | str,
    phone: str = "",
    secure_email: str = "",
    video_url: str = "",
    substitute: User | None = None,
    notes: str = "",
) -> ContactPerson:
    """Validate and store a named contact person of `contact.agency`, new or existing."""
    contact_person_check_members(agency=contact.agency, person=person, substitute=substitute)
    contact.topic = topic
    contact.person = person
    contact.preferred_channel = preferred_channel
    contact.phone = phone
    contact.secure_email = secure_email
    contact.video_url = video_url
    contact.substitute = substitute
    contact.notes = notes
    contact.full_clean()
    contact.save()
    return contact


def contact_person_set(
    *, agency: Agency, topic: ContactTopic, person: User, **details: Any
) -> ContactPerson:
    """Name `person` as the agency's contact person for `topic`, creating or updating."""
    contact = ContactPerson.objects.filter(
        agency=agency, topic=topic, person=person
    ).first() or ContactPerson(agency=agency)
    return contact_person_save(contact=contact, topic=topic, person=person, **details)


@transaction.atomic
def contact_person_delete(*, contact: ContactPerson) -> None:
    contact.delete()


def contact_person_check_members(*, agency: Agency, person: User, substitute: User | None) -> None:
    """Both the contact person and the substitute must belong to the agency."""
    people = [p for p in (person, substitute) if p is not None]
    members = set(
        Membership.objects.filter(agency=agency, user__in=people).values_list("user_id", flat=True)
    )
    errors = {}
    if person.pk not in members:
        errors["person"] = _("A contact person must be a member of the agency.")
    if substitute is not None and substitute.pk not in members:
        errors["substitute"] = _("The substitute must be a member of the agency.")
    if errors:
        raise ValidationError(errors, code="not_member")
