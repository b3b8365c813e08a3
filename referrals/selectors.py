"""Reads of client data, always on behalf of one agency, returning only what it may see."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Aggregate,
    CharField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, User
from notifications.models import Notification
from referrals.clients.identity import decrypt
from referrals.models import (
    AccessGrant,
    Client,
    ClientGroupObjectPermission,
    Consent,
    DataCategory,
    DisclosureRule,
    LegalBasis,
    Referral,
    ReferralStatus,
)

VIEW_CLIENT = "view_client"
DATA_CATEGORIES_CACHE_KEY = "polku:data-categories"
DATA_CATEGORIES_CACHE_SECONDS = 300

NOT_GRANTED = _("Not disclosed: no legal basis or consent gives this to your agency.")
ADDRESS_PROTECTED = _("Not disclosed: the client has a non-disclosure order (turvakielto).")


@dataclass(frozen=True)
class ClientAccess:
    """What one agency may see of one client, category by category, and why not the rest."""

    client: Client
    agency: Agency
    is_owner: bool
    categories: frozenset[str]
    all_categories: list[DataCategory]
    withheld: dict[str, str] = field(default_factory=dict)

    @property
    def shows(self) -> dict[str, bool]:
        return {code: code in self.categories for code in (*self.categories, *self.withheld)}

    def shown(self, code: str) -> bool:
        return code in self.categories

    def reason(self, code: str) -> str:
        return self.withheld.get(code, str(NOT_GRANTED))


def data_categories() -> list[DataCategory]:
    """Every data category, in order, from the cache.

    The seven categories are reference data that an administrator edits perhaps once in
    the service's life, and every client and referral page needs their names; the copy
    saves each page a query. The admin and `load_defaults` forget it on a change, and
    it expires in five minutes anyway (an edit from the shell shows then).
    """
    categories: list[DataCategory] | None = cache.get(DATA_CATEGORIES_CACHE_KEY)
    if categories is None:
        categories = list(DataCategory.objects.all())
        cache.set(DATA_CATEGORIES_CACHE_KEY, categories, DATA_CATEGORIES_CACHE_SECONDS)
    return categories


def data_categories_forget() -> None:
    cache.delete(DATA_CATEGORIES_CACHE_KEY)


def active_grants_q(*, prefix: str = "") -> Q:
    now = timezone.now()
    return Q(**{f"{prefix}revoked_at__isnull": True}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gt": now})
    )


def client_access(*, agency: Agency, client: Client) -> ClientAccess | None:
    """The agency's access to the client, or None when it has none.

    The recording agency sees everything. Any other agency needs the object permission
    on the client (django-guardian's row for the agency's group) and sees the categories
    of its active grants; both are read in one query. Contact details of a client under
    a non-disclosure order stay with the recording agency.
    """
    if client.recorded_by_id == agency.pk:
        categories = data_categories()
        codes = [category.code for category in categories]
        return ClientAccess(
            client=client,
            agency=agency,
            is_owner=True,
            categories=frozenset(codes),
            all_categories=categories,
        )
    permitted = ClientGroupObjectPermission.objects.filter(
        group_id=agency.group_id, content_object=client, permission__codename=VIEW_CLIENT
    )
    # The categories, the object permission and the active grants in one query.
    categories = list(
        DataCategory.objects.annotate(
            permitted=Exists(permitted),
            granted=Exists(
                AccessGrant.categories.through.objects.filter(
                    datacategory_id=OuterRef("pk"),
                    accessgrant__client=client,
                    accessgrant__agency=agency,
                ).filter(active_grants_q(prefix="accessgrant__"))
            ),
        )
    )
    codes = [category.code for category in categories]
    granted = {
        c.code
        for c in categories
        if getattr(c, "permitted", False) and getattr(c, "granted", False)
    }
    if not granted:
        return None
    withheld = {code: str(NOT_GRANTED) for code in codes if code not in granted}
    if client.address_protected and DataCategory.CONTACT in granted:
        granted.discard(DataCategory.CONTACT)
        withheld[DataCategory.CONTACT] = str(ADDRESS_PROTECTED)
    return ClientAccess(
        client=client,
        agency=agency,
        is_owner=False,
        categories=frozenset(granted),
        all_categories=categories,
        withheld=withheld,
    )


def client_for_agency(*, agency: Agency | None, public_id: UUID) -> ClientAccess:
    """The one access helper for a client page: the client and what to show, or 404."""
    if agency is None:
        raise Http404
    client = get_object_or_404(
        Client.objects.select_related("home_municipality", "recorded_by"), public_id=public_id
    )
    access = client_access(agency=agency, client=client)
    if access is None:
        raise Http404
    return access


def client_find_by_index(*, hetu_index: str) -> Client | None:
    return Client.objects.filter(hetu_index=hetu_index).first()


def referral_for_agency(*, agency: Agency | None, public_id: UUID) -> Referral:
    """A referral that the agency sent or received; any other is a 404. Drafts stay with
    their sender."""
    if agency is None:
        raise Http404
    visible = Q(sender_agency=agency) | (
        Q(recipient_agency=agency) & ~Q(status=ReferralStatus.DRAFT)
    )
    return get_object_or_404(
        Referral.objects.filter(visible)
        .select_related(
            "client__home_municipality",
            "client__recorded_by",
            "release__rise_unit",
            "release__municipality_after",
            "sender_agency",
            "sender_user",
            "recipient_agency",
            "recipient_person",
            "assigned_to",
            "basis",
        )
        # The disclosed categories' ids come with the referral, not in a query of their own.
        .annotate(category_ids=_referral_category_ids()),
        public_id=public_id,
    )


def referral_categories(*, referral: Referral) -> list[DataCategory]:
    """The categories the referral discloses, in order."""
    if not hasattr(referral, "category_ids"):
        return list(referral.categories.all())
    ids = {int(pk) for pk in (getattr(referral, "category_ids", "") or "").split(",") if pk}
    return [category for category in data_categories() if category.pk in ids]


def category_visible_q(*, agency: Agency, code: str) -> Q:
    """For a referral queryset: may `agency` see category `code` of the row's client now?

    For filtering only. A page's rows get their categories from
    `visible_categories_by_client`, so that PostgreSQL does not evaluate the subquery
    for every referral of the agency before it sorts and limits.
    """
    grants = AccessGrant.objects.filter(
        active_grants_q(),
        client_id=OuterRef("client_id"),
        agency=agency,
        categories__code=code,
    )
    return Q(Exists(grants))


def visible_categories_by_client(*, agency: Agency, client_ids: list[int]) -> dict[int, set[str]]:
    """Client id -> the categories `agency` may see now, for one page of rows."""
    visible: dict[int, set[str]] = {client_id: set() for client_id in client_ids}
    rows = AccessGrant.categories.through.objects.filter(
        active_grants_q(prefix="accessgrant__"),
        accessgrant__agency=agency,
        accessgrant__client_id__in=client_ids,
    ).values_list("accessgrant__client_id", "datacategory__code")
    for client_id, code in rows:
        visible[client_id].add(code)
    return visible


def referral_inbox(*, agency: Agency) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(recipient_agency=agency)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("client__home_municipality", "release", "sender_agency", "assigned_to")
    )


def referral_outbox(*, agency: Agency) -> QuerySet[Referral]:
    return Referral.objects.filter(sender_agency=agency).select_related(
        "client", "release", "recipient_agency", "recipient_person", "assigned_to"
    )


def navigation_unread_counts(*, user: User, agency: Agency | None) -> tuple[int, int]:
    """The agency's unread (sent, not yet opened) referrals and the user's unread
    notifications, for the navigation of every page, in one statement.

    Written out rather than composed: building it from two ORM subquery expressions took
    longer (1.2 ms) than running it (0.5 ms), on every page. `agency` None (a user who
    does no client work) counts no referrals.
    """
    # Only names from the models' metadata are formatted in; the values are parameters.
    quote = connection.ops.quote_name
    notifications = (
        f"SELECT COUNT(*) FROM {quote(Notification._meta.db_table)} "  # noqa: S608
        f"WHERE {quote(Notification._meta.get_field('recipient').column)} = %s "
        f"AND {quote(Notification._meta.get_field('read_at').column)} IS NULL"
    )
    referrals = (
        f"SELECT COUNT(*) FROM {quote(Referral._meta.db_table)} "  # noqa: S608
        f"WHERE {quote(Referral._meta.get_field('recipient_agency').column)} = %s "
        f"AND {quote(Referral._meta.get_field('status').column)} = %s"
    )
    with connection.cursor() as cursor:
        if agency is None:
            cursor.execute(f"SELECT 0, ({notifications})", [user.pk])
        else:
            cursor.execute(
                f"SELECT ({referrals}), ({notifications})",
                [agency.pk, ReferralStatus.SENT.value, user.pk],
            )
        unread_referrals, unread_notifications = cursor.fetchone()
    return int(unread_referrals), int(unread_notifications)


def client_referrals(*, agency: Agency, client: Client) -> QuerySet[Referral]:
    """The client's referrals that this agency sent or received."""
    return (
        Referral.objects.filter(client=client)
        .filter(
            Q(sender_agency=agency) | (Q(recipient_agency=agency) & ~Q(status=ReferralStatus.DRAFT))
        )
        .select_related("sender_agency", "recipient_agency", "basis")
    )


def consents_valid_on(*, client: Client, day: date) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(client=client, withdrawn_at__isnull=True, given_on__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .select_related("recipient_agency")
        .prefetch_related("categories")
    )


def consented_categories(*, client: Client, recipient: Agency, day: date) -> dict[str, Consent]:
    """Category code -> a valid consent that lets `recipient` receive it."""
    covered: dict[str, Consent] = {}
    for consent in consents_valid_on(client=client, day=day):
        if consent.recipient_agency_id == recipient.pk or consent.recipient_kind == recipient.kind:
            for category in consent.categories.all():
                covered.setdefault(category.code, consent)
    return covered


def basis_allowed_categories(
    *, basis: LegalBasis, discloser: Agency, recipient: Agency
) -> QuerySet[DisclosureRule]:
    return DisclosureRule.objects.filter(
        basis=basis, discloser_kind=discloser.kind, recipient_kind=recipient.kind
    ).select_related("category")


@dataclass(frozen=True)
class CardSection:
    code: str
    title: str
    visible: bool
    reason: str
    rows: list[tuple[str, str]]


def client_card(*, access: ClientAccess) -> list[CardSection]:
    """The client's data as one agency may see it, one section per data category.

    Templates render these sections and never read the client model themselves, so a
    category that is not disclosed cannot leak through a template.
    """
    client = access.client
    rows: dict[str, list[tuple[str, str]]] = {
        DataCategory.IDENTITY: [
            (str(_("Name")), f"{client.first_name} {client.last_name}"),
            (
                str(_("Personal identity code")),
                decrypt(client.hetu_encrypted) if client.hetu_encrypted else str(_("none")),
            ),
            *(
                [(str(_("Temporary identifier")), client.temporary_id)]
                if client.temporary_id
                else []
            ),
            (str(_("Date of birth")), client.birth_date.strftime("%d.%m.%Y")),
            (str(_("Home municipality")), str(client.home_municipality)),
            (str(_("Mother tongue")), str(client.get_mother_tongue_display())),
            (str(_("Service language")), str(client.get_service_language_display())),
        ],
        DataCategory.CONTACT: [
            (str(_("Phone")), client.phone or "–"),
            (str(_("E-mail")), client.email or "–"),
            (str(_("Address")), client.address or "–"),
        ],
        DataCategory.RELEASE: [
            (
                str(_("Release")),
                f"{release.expected_date:%d.%m.%Y} · {release.get_release_type_display()} · "
                f"{release.rise_unit} · {release.municipality_after}",
            )
            # Read only when shown: data an agency may not see is not fetched either.
            for release in (
                client.releases.select_related("rise_unit", "municipality_after")
                if access.shown(DataCategory.RELEASE)
                else []
            )
        ],
    }
    sections = []
    for category in access.all_categories:
        visible = access.shown(category.code)
        sections.append(
            CardSection(
                code=category.code,
                title=str(category),
                visible=visible,
                reason="" if visible else access.reason(category.code),
                rows=rows.get(category.code, []) if visible else [],
            )
        )
    return sections


class _Ids(Aggregate):
    """A related object's ids as one "1,2,3" string, so that a list and each row's
    categories come in one query (GROUP_CONCAT in SQLite, STRING_AGG in PostgreSQL)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s::text, ',')",
            **extra_context,
        )


def _referral_category_ids() -> Subquery:
    """The ids of the outer referral's categories, as a correlated "1,2,3" subquery."""
    # Any: django-stubs does not know the annotation on the auto-created through model.
    through: Any = Referral.categories.through
    return Subquery(
        through.objects.filter(referral_id=OuterRef("pk"))
        .order_by()
        .values("referral_id")
        .annotate(ids=_Ids("datacategory_id"))
        .values("ids"),
        output_field=CharField(),
    )


def client_consents(*, access: ClientAccess) -> list[tuple[Consent, list[DataCategory]]]:
    """The client's consents with the categories each covers, in one query."""
    by_id = {category.pk: category for category in access.all_categories}
    consents = (
        Consent.objects.filter(client=access.client)
        .select_related("recipient_agency")
        .annotate(category_ids=_Ids("categories__id"))
    )
    return [
        (
            consent,
            [by_id[int(pk)] for pk in (consent.category_ids or "").split(",") if pk],
        )
        for consent in consents
    ]
