from dataclasses import dataclass
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.models import (
    Agency,
    ContactPerson,
    EmploymentArea,
    KelaServiceArea,
    Membership,
    Municipality,
    Role,
    User,
    WellbeingArea,
)


@dataclass(frozen=True)
class Route:
    """Where a client from a municipality belongs."""

    municipality: Municipality
    wellbeing_area: WellbeingArea
    employment_area: EmploymentArea
    kela_service_area: KelaServiceArea


def municipality_route(*, municipality: Municipality) -> Route:
    return Route(
        municipality=municipality,
        wellbeing_area=municipality.wellbeing_area,
        employment_area=municipality.employment_area,
        kela_service_area=municipality.kela_service_area,
    )


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.filter(is_active=True).select_related(
        "wellbeing_area", "employment_area", "kela_service_area"
    )


def serves_q(*, municipality: Municipality, prefix: str = "") -> Q:
    """Agencies (reached through `prefix`) that serve `municipality`, as one SQL condition."""
    listed = Agency.municipalities.through.objects.filter(
        agency_id=OuterRef(f"{prefix}pk"),
        municipality_id=municipality.pk,
    )
    return (
        Q(**{f"{prefix}employment_area_id": municipality.employment_area_id})
        | Q(**{f"{prefix}wellbeing_area_id": municipality.wellbeing_area_id})
        | Q(**{f"{prefix}kela_service_area_id": municipality.kela_service_area_id})
        | Q(Exists(listed))
    )


def agency_list(*, municipality: Municipality | None = None) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(is_active=True)
    if municipality is not None:
        agencies = agencies.filter(serves_q(municipality=municipality))
    return agencies.select_related("employment_area", "wellbeing_area", "kela_service_area")


def agency_served_municipalities(*, agency: Agency) -> QuerySet[Municipality]:
    listed = Agency.municipalities.through.objects.filter(
        agency_id=agency.pk, municipality_id=OuterRef("pk")
    )
    condition = Q(Exists(listed))
    if agency.employment_area_id:
        condition |= Q(employment_area_id=agency.employment_area_id)
    if agency.wellbeing_area_id:
        condition |= Q(wellbeing_area_id=agency.wellbeing_area_id)
    if agency.kela_service_area_id:
        condition |= Q(kela_service_area_id=agency.kela_service_area_id)
    return Municipality.objects.filter(condition, is_active=True)


def contact_person_list() -> QuerySet[ContactPerson]:
    return ContactPerson.objects.filter(
        agency__is_active=True, person__is_active=True
    ).select_related("agency", "topic", "person", "substitute")


def user_memberships(*, user: User) -> QuerySet[Membership]:
    # The oldest membership is the default agency until the user picks another.
    return (
        Membership.objects.filter(user=user, agency__is_active=True)
        .select_related("agency")
        .order_by("created_at", "pk")
    )


# Roles that keep their agency's contact-person directory.
DIRECTORY_KEEPERS = frozenset({Role.COORDINATOR, Role.AGENCY_ADMIN})


def membership_keeps_directory(*, membership: Membership | None) -> bool:
    return membership is not None and membership.role in DIRECTORY_KEEPERS


def contact_person_for_keeper(*, membership: Membership | None, public_id: UUID) -> ContactPerson:
    """The acting agency's own contact entry, for a coordinator to edit; anything else is a 404."""
    if membership is None or not membership_keeps_directory(membership=membership):
        raise Http404
    return get_object_or_404(contact_person_list(), agency=membership.agency, public_id=public_id)


def agency_members(*, agency: Agency) -> QuerySet[User]:
    return User.objects.filter(memberships__agency=agency, is_active=True).order_by(
        "last_name", "first_name"
    )


# Roles that work with clients (Act 703/2023 §9: access is role-based). Data protection
# officers and agency administrators read logs and keep settings, not client records.
CLIENT_WORK_ROLES = frozenset({Role.STAFF, Role.CONTACT_PERSON, Role.COORDINATOR})


def membership_works_with_clients(*, membership: Membership | None) -> bool:
    return membership is not None and membership.role in CLIENT_WORK_ROLES


def name_terms_q(*, value: str, prefix: str) -> Q:
    """Every word of `value` (at most five) in the first or last name under `prefix`."""
    condition = Q()
    for term in value.split()[:5]:
        condition &= Q(**{f"{prefix}first_name__icontains": term}) | Q(
            **{f"{prefix}last_name__icontains": term}
        )
    return condition


def agency_client_workers(*, agency: Agency) -> QuerySet[User]:
    """The agency's people who may receive, and be responsible for, client work."""
    return User.objects.filter(
        memberships__agency=agency, memberships__role__in=CLIENT_WORK_ROLES, is_active=True
    ).order_by("last_name", "first_name")


@dataclass(frozen=True)
class AgencyPeople:
    """Whom reminders about an agency's work reach."""

    coordinators: frozenset[int]
    contact_persons: frozenset[int]
    substitutes: dict[int, int]  # contact person's user id -> their substitute's


def agency_people(*, agency_ids: set[int]) -> dict[int, AgencyPeople]:
    """Coordinators and named contact persons of many agencies, in two queries."""
    coordinators: dict[int, set[int]] = {pk: set() for pk in agency_ids}
    for agency_id, user_id in Membership.objects.filter(
        agency_id__in=agency_ids, role=Role.COORDINATOR, user__is_active=True
    ).values_list("agency_id", "user_id"):
        coordinators[agency_id].add(user_id)
    contacts: dict[int, set[int]] = {pk: set() for pk in agency_ids}
    substitutes: dict[int, dict[int, int]] = {pk: {} for pk in agency_ids}
    for agency_id, person_id, substitute_id in ContactPerson.objects.filter(
        agency_id__in=agency_ids, person__is_active=True
    ).values_list("agency_id", "person_id", "substitute_id"):
        contacts[agency_id].add(person_id)
        if substitute_id is not None:
            substitutes[agency_id][person_id] = substitute_id
    return {
        pk: AgencyPeople(
            coordinators=frozenset(coordinators[pk]),
            contact_persons=frozenset(contacts[pk]),
            substitutes=substitutes[pk],
        )
        for pk in agency_ids
    }
