"""What the send form suggests: the recipient by routing, its named contact person, the
legal basis, and for each data category whether the basis or the client's consent
covers it."""

from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, AgencyKind, ContactPerson, User
from agencies.selectors import agency_list
from referrals.models import Client, DataCategory, LegalBasis, Release
from referrals.selectors import basis_allowed_categories, consented_categories

# The contact topic of employment services' named Rise contact person.
RISE_CONTACT_TOPIC = "rise"


def suggested_recipient(*, client: Client, release: Release | None) -> Agency | None:
    """The employment area's agency for where the client lives after release."""
    municipality = release.municipality_after if release else client.home_municipality
    return (
        agency_list(municipality=municipality)
        .filter(kind=AgencyKind.EMPLOYMENT_AREA, employment_area=municipality.employment_area)
        .first()
    )


def named_contact(*, recipient: Agency | None) -> User | None:
    if recipient is None:
        return None
    contact = (
        ContactPerson.objects.filter(agency=recipient, topic__code=RISE_CONTACT_TOPIC)
        .select_related("person")
        .first()
    )
    return contact.person if contact else None


def suggested_basis(*, sender: Agency, recipient: Agency | None) -> LegalBasis | None:
    if recipient is None:
        return None
    return (
        LegalBasis.objects.filter(
            rules__discloser_kind=sender.kind, rules__recipient_kind=recipient.kind
        )
        .order_by("ordering")
        .first()
    )


def category_hints(
    *, client: Client, sender: Agency, recipient: Agency | None, basis: LegalBasis | None
) -> dict[str, tuple[str, str]]:
    """Category code -> ("basis" | "consent" | "none", a hint for the form)."""
    if recipient is None or basis is None:
        return {}
    rules = (
        {}
        if basis.is_consent
        else {
            rule.category.code: rule
            for rule in basis_allowed_categories(basis=basis, discloser=sender, recipient=recipient)
        }
    )
    consented = consented_categories(client=client, recipient=recipient, day=timezone.localdate())
    hints = {}
    for category in DataCategory.objects.all():
        if category.code in rules:
            limitation = rules[category.code].limitation
            text = _("Allowed by the basis") + (f" ({limitation})" if limitation else "")
            hints[category.code] = ("basis", text)
        elif category.code in consented:
            hints[category.code] = ("consent", _("Covered by the client's consent"))
        else:
            hints[category.code] = ("none", _("Not allowed: needs the client's consent"))
    return hints
