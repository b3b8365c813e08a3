"""Writes of client data. Each function is one transaction; referral status changes only
along TRANSITIONS, through history.transitions."""

import json
import secrets
from collections.abc import Iterable
from datetime import date
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from agencies.models import Agency, Municipality, User
from agencies.selectors import agency_client_workers
from core.dates import end_of_day, today
from core.formats import timestamp_text
from history.models import ChangeAction, ObjectKind
from history.services import change_record
from history.transitions import Recorded, TransitionConflict, Transitions, transition_apply
from referrals.clients.identity import blind_index, encrypt, hetu_birth_date, hetu_normalise
from referrals.events import referral_event_announce
from referrals.models import (
    AccessGrant,
    Client,
    ClientGroupObjectPermission,
    Consent,
    DataCategory,
    DisclosureLogEntry,
    LegalBasis,
    LogPurpose,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Release,
    UseLogEntry,
)
from referrals.selectors import (
    VIEW_CLIENT,
    active_grants_q,
    basis_allowed_categories,
    client_find_by_index,
    consented_categories,
)

S = ReferralStatus


class ReferralConflict(TransitionConflict):
    """Someone else moved the referral first."""


def _conflict(referral: Referral) -> ReferralConflict:
    last = referral.events.select_related("actor").order_by("-at", "-pk").first()
    if last is None:
        return ReferralConflict(_("The referral cannot be moved from its current status."))
    return ReferralConflict(
        _("%(person)s already marked this referral %(status)s at %(time)s.")
        % {
            "person": last.actor.display_name,
            "status": S(last.status).label.lower(),
            "time": timestamp_text(last.at),
        }
    )


# Each move is recorded as the status it leads to.
TRANSITIONS: Transitions[Referral] = Transitions(
    moves={
        S.DRAFT: {"send": S.SENT, "withdraw": S.WITHDRAWN},
        S.SENT: {
            "open": S.OPENED,
            "accept": S.ACCEPTED,
            "return": S.RETURNED,
            "withdraw": S.WITHDRAWN,
        },
        S.OPENED: {"accept": S.ACCEPTED, "return": S.RETURNED, "withdraw": S.WITHDRAWN},
        S.ACCEPTED: {"close": S.CLOSED},
        S.RETURNED: {"close": S.CLOSED},
        S.WITHDRAWN: {},
        S.CLOSED: {},
    },
    actions={
        "send": ChangeAction.SENT,
        "open": ChangeAction.OPENED,
        "accept": ChangeAction.ACCEPTED,
        "return": ChangeAction.RETURNED,
        "withdraw": ChangeAction.WITHDRAWN,
        "close": ChangeAction.CLOSED,
    },
    conflict=_conflict,
)
# Which side of the referral may make each move.
SENDER_MOVES = frozenset({"send", "withdraw"})
RECIPIENT_MOVES = frozenset({"open", "accept", "return", "close"})
# Statuses in which the recipient no longer needs the client's data.
REVOKING = frozenset({S.RETURNED, S.WITHDRAWN, S.CLOSED})


# The client fields a record of the client's creation names when they were given.
CLIENT_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "home_municipality",
    "mother_tongue",
    "service_language",
    "phone",
    "email",
    "address",
    "address_protected",
)


# Clients ---------------------------------------------------------------------------


@transaction.atomic
def client_create(
    *,
    recorded_by: Agency,
    user: User | None = None,
    hetu: str = "",
    birth_date: date | None = None,
    first_name: str,
    last_name: str,
    home_municipality: Municipality,
    mother_tongue: str,
    service_language: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    address_protected: bool = False,
) -> Client:
    client = Client(
        recorded_by=recorded_by,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        home_municipality=home_municipality,
        mother_tongue=mother_tongue,
        service_language=service_language,
        phone=phone,
        email=email,
        address=address,
        address_protected=address_protected,
    )
    if hetu:
        code = hetu_normalise(hetu)
        index = blind_index(code)
        if client_find_by_index(hetu_index=index) is not None:
            # The code goes on the field's error: Django drops a code given beside a dict.
            raise ValidationError(
                {
                    "hetu": ValidationError(
                        _("A client with this identity code is already in Polku."),
                        code="duplicate",
                    )
                }
            )
        from_code = hetu_birth_date(code)
        if birth_date is not None and birth_date != from_code:
            raise ValidationError(
                {"birth_date": _("The date of birth does not match the identity code.")}
            )
        client.hetu_encrypted, client.hetu_index, client.birth_date = (
            encrypt(code),
            index,
            from_code,
        )
    else:
        if birth_date is None:
            raise ValidationError(
                {"birth_date": _("Give the date of birth when there is no identity code.")}
            )
        client.birth_date = birth_date
        # Readable, unguessable and unique; never derived from personal data.
        client.temporary_id = f"POLKU-{secrets.token_hex(4).upper()}"
    client.full_clean()
    client.save()
    change_record(
        kind=ObjectKind.CLIENT,
        object_id=client.public_id,
        user=user,
        agency=recorded_by,
        action=ChangeAction.CREATED,
        fields=[
            "hetu" if hetu else "temporary_id",
            *(name for name in CLIENT_FIELDS if getattr(client, name) not in ("", None, False)),
        ],
    )
    return client


# Consent ---------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    client: Client,
    agency: Agency,
    user: User,
    recipient_agency: Agency | None,
    recipient_kind: str,
    categories: Iterable[DataCategory],
    given_on: date,
    method: str,
    valid_until: date | None,
    submission_key: UUID | None = None,
) -> Consent:
    """Record a consent. The same submission key returns the consent it already made."""
    if submission_key is not None:
        earlier = Consent.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    categories = list(categories)
    if not categories:
        raise ValidationError({"categories": _("Choose at least one kind of data.")})
    if given_on > today():
        raise ValidationError({"given_on": _("A consent cannot be given in the future.")})
    consent = Consent(
        client=client,
        recorded_by=agency,
        recorded_by_user=user,
        recipient_agency=recipient_agency,
        recipient_kind=recipient_kind,
        given_on=given_on,
        method=method,
        valid_until=valid_until,
        submission_key=submission_key,
    )
    consent.full_clean()
    consent.save()
    consent.categories.set(categories)
    change_record(
        kind=ObjectKind.CLIENT,
        object_id=client.public_id,
        user=user,
        agency=agency,
        action=ChangeAction.CONSENT_RECORDED,
        fields=[
            f"consents.{name}"
            for name in (
                "recipient_agency" if recipient_agency else "recipient_kind",
                "categories",
                "given_on",
                "method",
                *(["valid_until"] if valid_until else []),
            )
        ],
    )
    return consent


@transaction.atomic
def consent_withdraw(
    *, consent: Consent, user: User | None = None, agency: Agency | None = None
) -> int:
    """Withdraw the consent and revoke, at once, every grant that rests on it."""
    withdrawn = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        change_record(
            kind=ObjectKind.CLIENT,
            object_id=consent.client.public_id,
            user=user,
            agency=agency or consent.recorded_by,
            action=ChangeAction.CONSENT_WITHDRAWN,
            fields=["consents.withdrawn_at"],
        )
    return grants_revoke(
        grants=AccessGrant.objects.filter(consent=consent), reason=_("consent withdrawn")
    )


# Access grants ---------------------------------------------------------------------


def grants_revoke(*, grants: Iterable[AccessGrant], reason: str) -> int:
    """Revoke the grants; drop the agency's object permission where none is left."""
    grants = [g for g in grants if g.revoked_at is None]
    if not grants:
        return 0
    AccessGrant.objects.filter(pk__in=[g.pk for g in grants]).update(
        revoked_at=timezone.now(), revoke_reason=reason[:200]
    )
    for agency_id, client_id in {(g.agency_id, g.client_id) for g in grants}:
        still = AccessGrant.objects.filter(
            active_grants_q(), agency_id=agency_id, client_id=client_id
        )
        if not still.exists():
            # Guardian's direct row for the agency's group; deleting it is remove_perm's work
            # without first loading the agency, its group and the client.
            ClientGroupObjectPermission.objects.filter(
                group__agency__pk=agency_id,
                content_object_id=client_id,
                permission__codename=VIEW_CLIENT,
            ).delete()
    return len(grants)


def _grant(
    *,
    referral: Referral,
    categories: list[DataCategory],
    consent: Consent | None,
    basis: LegalBasis,
) -> AccessGrant:
    grant = AccessGrant.objects.create(
        client=referral.client,
        agency=referral.recipient_agency,
        basis=basis,
        referral=referral,
        consent=consent,
        valid_from=timezone.now(),
        valid_until=end_of_day(consent.valid_until) if consent and consent.valid_until else None,
    )
    grant.categories.set(categories)
    return grant


# Referrals -------------------------------------------------------------------------


def referral_check_disclosure(
    *,
    client: Client,
    sender: Agency,
    recipient: Agency,
    basis: LegalBasis,
    categories: list[DataCategory],
) -> dict[str, Consent]:
    """Check that the basis, or the client's consent, covers every category for the
    recipient. Returns the consents relied on, by category code."""
    if recipient.pk == sender.pk:
        raise ValidationError({"recipient_agency": _("Choose another agency than your own.")})
    if not categories:
        raise ValidationError({"categories": _("Choose at least one kind of data.")})
    consented = consented_categories(client=client, recipient=recipient, day=today())
    if basis.is_consent:
        if not consented:
            raise ValidationError(
                {"basis": _("No valid consent of the client covers this recipient.")}
            )
        allowed: set[str] = set()
    else:
        allowed = {
            rule.category.code
            for rule in basis_allowed_categories(basis=basis, discloser=sender, recipient=recipient)
        }
        if not allowed:
            raise ValidationError(
                {
                    "recipient_agency": _(
                        "%(basis)s does not allow disclosing to %(agency)s. Choose another "
                        "basis, or record the client's consent first."
                    )
                    % {"basis": basis, "agency": recipient}
                }
            )
    uncovered = [c for c in categories if c.code not in allowed and c.code not in consented]
    if uncovered:
        raise ValidationError(
            {
                "categories": ValidationError(
                    _("Neither the basis nor a valid consent covers: %(categories)s.")
                    % {"categories": ", ".join(str(c) for c in uncovered)},
                    code="not_covered",
                )
            }
        )
    return {c.code: consented[c.code] for c in categories if c.code not in allowed}


@transaction.atomic
def referral_create(
    *,
    client: Client,
    sender: Agency,
    user: User,
    recipient_agency: Agency,
    recipient_person: User | None,
    basis: LegalBasis,
    categories: list[DataCategory],
    message: str,
    release: Release | None = None,
    send: bool = True,
    submission_key: UUID | None = None,
) -> Referral:
    """Create a referral, and send it unless it is a draft. The same submission key
    returns the referral it already made."""
    if submission_key is not None:
        existing = Referral.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return existing
    referral_check_disclosure(
        client=client, sender=sender, recipient=recipient_agency, basis=basis, categories=categories
    )
    if (
        recipient_person is not None
        and not agency_client_workers(agency=recipient_agency)
        .filter(pk=recipient_person.pk)
        .exists()
    ):
        raise ValidationError(
            {"recipient_person": _("The contact person must belong to the recipient agency.")}
        )
    referral = Referral(
        client=client,
        release=release,
        sender_agency=sender,
        sender_user=user,
        recipient_agency=recipient_agency,
        recipient_person=recipient_person,
        basis=basis,
        message=message.strip(),
        submission_key=submission_key,
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        # A double submission that raced this one past the check above.
        return Referral.objects.get(submission_key=submission_key)
    referral.categories.set(categories)
    change_record(
        kind=ObjectKind.REFERRAL,
        object_id=referral.public_id,
        user=user,
        agency=sender,
        action=ChangeAction.CREATED,
        fields=[
            "recipient_agency",
            *(["recipient_person"] if recipient_person else []),
            "basis",
            "categories",
            *(["message"] if referral.message else []),
            *(["release"] if release else []),
        ],
    )
    if send:
        return referral_send(referral=referral, user=user, agency=sender)
    return referral


@transaction.atomic
def referral_send(*, referral: Referral, user: User, agency: Agency) -> Referral:
    """Send a draft: check the disclosure again, grant access and log the disclosure."""
    categories = list(referral.categories.all())
    consents = referral_check_disclosure(
        client=referral.client,
        sender=referral.sender_agency,
        recipient=referral.recipient_agency,
        basis=referral.basis,
        categories=categories,
    )
    referral = _transition(
        referral=referral, move="send", user=user, agency=agency, sent_at=timezone.now()
    )
    by_basis = [c for c in categories if c.code not in consents]
    if by_basis:
        _grant(referral=referral, categories=by_basis, consent=None, basis=referral.basis)
    consent_basis = LegalBasis.objects.get(is_consent=True) if consents else referral.basis
    for consent in {c.pk: c for c in consents.values()}.values():
        _grant(
            referral=referral,
            categories=[c for c in categories if consents.get(c.code) == consent],
            consent=consent,
            basis=consent_basis,
        )
    assign_perm(VIEW_CLIENT, referral.recipient_agency.group, referral.client)
    DisclosureLogEntry.objects.bulk_create(
        DisclosureLogEntry(
            client=referral.client,
            categories=sorted(c.code for c in group),
            discloser_agency=referral.sender_agency,
            discloser_user=user,
            recipient_agency=referral.recipient_agency,
            basis=consent_basis if consent else referral.basis,
            consent=consent,
            referral=referral,
            purpose=LogPurpose.REFERRAL,
        )
        for consent, group in _groups_by_consent(categories, consents)
    )
    return referral


def _groups_by_consent(
    categories: list[DataCategory], consents: dict[str, Consent]
) -> list[tuple[Consent | None, list[DataCategory]]]:
    groups: dict[int | None, tuple[Consent | None, list[DataCategory]]] = {}
    for category in categories:
        consent = consents.get(category.code)
        groups.setdefault(consent.pk if consent else None, (consent, []))[1].append(category)
    return list(groups.values())


def referral_open(*, referral: Referral, user: User, agency: Agency) -> Referral:
    """The recipient's first look marks a sent referral opened; later looks change nothing."""
    if referral.status != S.SENT or referral.recipient_agency_id != agency.pk:
        return referral
    try:
        return _transition(referral=referral, move="open", user=user, agency=agency)
    except ReferralConflict:
        referral.refresh_from_db()
        return referral


def referral_accept(*, referral: Referral, user: User, agency: Agency, assignee: User) -> Referral:
    if not agency_client_workers(agency=agency).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("The responsible person must belong to your agency.")})
    return _transition(
        referral=referral, move="accept", user=user, agency=agency, assigned_to=assignee
    )


def referral_return(*, referral: Referral, user: User, agency: Agency, reason: str) -> Referral:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the sender why the referral is returned.")})
    return _transition(
        referral=referral,
        move="return",
        user=user,
        agency=agency,
        note=reason,
        return_reason=reason,
    )


def referral_withdraw(
    *, referral: Referral, user: User, agency: Agency, note: str = ""
) -> Referral:
    return _transition(referral=referral, move="withdraw", user=user, agency=agency, note=note)


def referral_close(*, referral: Referral, user: User, agency: Agency, note: str = "") -> Referral:
    return _transition(referral=referral, move="close", user=user, agency=agency, note=note)


def referral_allowed_moves(*, referral: Referral, agency: Agency) -> frozenset[str]:
    """The statuses `agency` may move the referral into now."""
    return frozenset(
        TRANSITIONS.moves[referral.status][move]
        for move in _moves_of(referral=referral, agency=agency)
    )


def _moves_of(*, referral: Referral, agency: Agency) -> frozenset[str]:
    """The moves `agency` may make on the referral now: only the recipient opens, accepts
    or returns it; a returned referral is the sender's to close."""
    moves = TRANSITIONS.allowed(referral.status)
    returned = {"close"} if referral.status == S.RETURNED else set()
    if referral.sender_agency_id == agency.pk:
        return moves & (SENDER_MOVES | returned)
    if referral.recipient_agency_id == agency.pk:
        return moves & (RECIPIENT_MOVES - returned)
    return frozenset()


@transaction.atomic
def _transition(
    *,
    referral: Referral,
    move: str,
    user: User,
    agency: Agency,
    note: str = "",
    **changes: object,
) -> Referral:
    """Make the move if `agency` may make it now; exactly one of two racing moves wins."""
    referral = transition_apply(
        transitions=TRANSITIONS,
        obj=referral,
        move=move,
        user=user,
        agency=agency,
        changes=changes,
        may=lambda locked: move in _moves_of(referral=locked, agency=agency),
        event=lambda locked, to: ReferralEvent.objects.create(
            referral=locked, status=to, actor=user, actor_agency=agency, note=note
        ),
        recorded=Recorded(
            kind=ObjectKind.REFERRAL, object_id=referral.public_id, fields=["status", *changes]
        ),
    )
    if referral.status in REVOKING:
        grants_revoke(grants=referral.grants.all(), reason=str(S(referral.status).label))
    referral_event_announce(referral=referral, status=referral.status, user=user, agency=agency)
    return referral


# Logs ------------------------------------------------------------------------------


def use_log_write(
    *,
    user: User,
    agency: Agency,
    clients: Iterable[tuple[Client | int, Iterable[str]]],
    purpose: str,
    path: str,
) -> None:
    """One use-log row per client shown, with the categories shown (Act 703/2023 §10).

    One executemany statement in autocommit, not bulk_create: a page that lists clients
    writes its log with a single round trip and no transaction of its own.
    """
    now = timezone.now()
    rows = [
        (
            now,
            user.pk,
            user.username,
            agency.pk,
            client if isinstance(client, int) else client.pk,
            json.dumps(sorted(set(codes))),
            purpose,
            path[:300],
        )
        for client, codes in clients
    ]
    if not rows:
        return
    table = connection.ops.quote_name(UseLogEntry._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(column)
        for column in (
            "at",
            "user_id",
            "username",
            "agency_id",
            "client_id",
            "categories",
            "purpose",
            "path",
        )
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608
            rows,
        )
