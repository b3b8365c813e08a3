"""The send form's page, built without a request so that what it suggests can be tested
directly: the recipient by routing, its named contact person, the legal basis, and for
each data category whether the basis or the client's consent covers it."""

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.forms import BoundField
from django.http import QueryDict

from agencies.models import Agency, User
from agencies.selectors import agency_client_workers
from referrals.forms import ReferralForm
from referrals.models import DataCategory, LegalBasis, Release
from referrals.selectors import ClientAccess
from referrals.suggestions import (
    category_hints,
    named_contact,
    suggested_basis,
    suggested_recipient,
)


def _posted_pk(value: str | None) -> int:
    """A chosen row id, or 0 (which matches nothing) for anything that is not one: the
    values come straight from the query string or the form, before any validation."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0


def _posted_uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class ReferralFormPage:
    """The send form and what it is about; the names are the template's."""

    form: ReferralForm
    access: ClientAccess
    release: Release | None
    # Each category's checkbox with what covers it ("basis", "consent" or "none") and a hint.
    category_rows: list[tuple[Any, ...]]


def _category_rows(form: ReferralForm, hints: dict[str, tuple[str, str]]) -> list[tuple[Any, ...]]:
    codes = dict(DataCategory.objects.values_list("pk", "code"))
    field: BoundField = form["categories"]
    return [
        (checkbox, *hints.get(codes[int(str(checkbox.data["value"]))], ("", "")))
        for checkbox in field
    ]


def referral_form_build(
    *, access: ClientAccess, query: QueryDict, posted: QueryDict | None
) -> ReferralFormPage:
    """The form for `access.agency` to refer `access.client`. `query` is the page's GET
    parameters: the release the referral is about, and the values chosen so far when the
    form asks again for suggestions (htmx, or the no-JS "update" button). `posted` is the
    submitted form, None on a look."""
    sender = access.agency
    release_id = _posted_uuid(
        query.get("release") or (posted.get("release") if posted is not None else None)
    )
    release = (
        Release.objects.filter(client=access.client, public_id=release_id)
        .select_related("municipality_after__employment_area")
        .first()
        if release_id
        else None
    )
    chosen = posted if posted is not None else query
    recipient = Agency.objects.filter(pk=_posted_pk(chosen.get("recipient_agency"))).first()
    recipient = recipient or suggested_recipient(client=access.client, release=release)
    # The named contact person is chosen among the recipient agency's own people.
    contact_people = agency_client_workers(agency=recipient) if recipient else User.objects.none()
    basis = LegalBasis.objects.filter(pk=_posted_pk(chosen.get("basis"))).first()
    basis = basis or suggested_basis(sender=sender, recipient=recipient)
    hints = category_hints(client=access.client, sender=sender, recipient=recipient, basis=basis)
    if posted is not None:
        form = ReferralForm(posted, sender=sender, contact_people=contact_people)
    else:
        allowed = [code for code, (cover, _text) in hints.items() if cover == "basis"]
        form = ReferralForm(
            initial={
                "recipient_agency": recipient,
                "recipient_person": (
                    chosen.get("recipient_person") or named_contact(recipient=recipient)
                ),
                "basis": basis,
                "categories": DataCategory.objects.filter(code__in=allowed),
                "message": chosen.get("message", ""),
                "submission_key": uuid.uuid4(),
            },
            sender=sender,
            contact_people=contact_people,
        )
    return ReferralFormPage(
        form=form, access=access, release=release, category_rows=_category_rows(form, hints)
    )
