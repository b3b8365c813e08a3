import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from guardian.core import ObjectPermissionChecker

from referrals.models import (
    AccessGrant,
    DisclosureLogEntry,
    Referral,
    ReferralStatus,
    UseLogEntry,
)
from referrals.services import (
    TRANSITIONS,
    ReferralConflict,
    consent_record,
    referral_accept,
    referral_create,
    referral_return,
    referral_send,
    referral_withdraw,
)

from ..factories import (
    AcceptedReferralFactory,
    ClientFactory,
    ClosedReferralFactory,
    DraftReferralFactory,
    OpenedReferralFactory,
    ReturnedReferralFactory,
    SentReferralFactory,
    WithdrawnReferralFactory,
    agency,
    basis,
    categories,
    demo_people,
    user,
)

pytestmark = pytest.mark.django_db
S = ReferralStatus


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people, with the named contact persons that routing suggests."""
    module_world(demo_people)


def can_view(agency_key: str, referral: Referral) -> bool:
    return ObjectPermissionChecker(agency(agency_key).group).has_perm(
        "view_client", referral.client
    )


def test_transition_table_is_the_documented_one():
    assert TRANSITIONS.targets(S.DRAFT) == {S.SENT, S.WITHDRAWN}
    assert TRANSITIONS.targets(S.SENT) == {S.OPENED, S.ACCEPTED, S.RETURNED, S.WITHDRAWN}
    assert TRANSITIONS.targets(S.OPENED) == {S.ACCEPTED, S.RETURNED, S.WITHDRAWN}
    assert TRANSITIONS.targets(S.ACCEPTED) == {S.CLOSED}
    assert TRANSITIONS.targets(S.RETURNED) == {S.CLOSED}
    assert TRANSITIONS.targets(S.WITHDRAWN) == TRANSITIONS.targets(S.CLOSED) == frozenset()


def test_a_draft_discloses_nothing_until_sent(personas):
    draft: Referral = DraftReferralFactory()
    assert not AccessGrant.objects.filter(referral=draft).exists()
    assert not can_view("tym-oulu", draft)
    referral = referral_send(referral=draft, user=user("rise.oulu"), agency=agency("rise-prison"))
    assert referral.status == S.SENT
    assert referral.sent_at is not None


def test_sending_grants_access_and_logs_the_disclosure(personas):
    referral = SentReferralFactory()
    grant = AccessGrant.objects.get(referral=referral)
    assert grant.agency == agency("tym-oulu")
    assert set(grant.categories.values_list("code", flat=True)) == {
        "identity",
        "release",
        "service_needs",
    }
    assert grant.basis.code == "1301-2021-28"
    assert can_view("tym-oulu", referral)
    assert not can_view("tym-tampere", referral)
    entry = DisclosureLogEntry.objects.get(referral=referral)
    assert entry.discloser_agency == agency("rise-prison")
    assert entry.recipient_agency == agency("tym-oulu")
    assert entry.discloser_user == user("rise.oulu")
    assert entry.categories == ["identity", "release", "service_needs"]
    assert entry.basis.code == "1301-2021-28"
    assert list(referral.events.values_list("status", flat=True)) == [S.SENT]


@pytest.mark.parametrize(
    ("factory", "status", "keeps_access"),
    [
        (OpenedReferralFactory, S.OPENED, True),
        (AcceptedReferralFactory, S.ACCEPTED, True),
        (ReturnedReferralFactory, S.RETURNED, False),
        (WithdrawnReferralFactory, S.WITHDRAWN, False),
        (ClosedReferralFactory, S.CLOSED, False),
    ],
)
def test_each_status_and_what_it_does_to_access(personas, factory, status, keeps_access):
    referral = factory()
    assert referral.status == status
    assert can_view("tym-oulu", referral) is keeps_access
    assert AccessGrant.objects.filter(referral=referral, revoked_at__isnull=keeps_access).exists()


def test_return_needs_a_reason_on_its_field(personas):
    referral = OpenedReferralFactory()
    with pytest.raises(ValidationError) as error:
        referral_return(
            referral=referral, user=user("tym.oulu"), agency=agency("tym-oulu"), reason="  "
        )
    assert list(error.value.message_dict) == ["reason"]
    referral.refresh_from_db()
    assert referral.status == S.OPENED


def test_only_the_right_side_moves_a_referral(personas):
    referral = SentReferralFactory()
    with pytest.raises(ReferralConflict):
        referral_accept(
            referral=referral,
            user=user("rise.oulu"),
            agency=agency("rise-prison"),
            assignee=user("rise.oulu"),
        )
    with pytest.raises(ReferralConflict):
        referral_withdraw(referral=referral, user=user("tym.oulu"), agency=agency("tym-oulu"))
    accepted = referral_accept(
        referral=referral,
        user=user("tym.oulu"),
        agency=agency("tym-oulu"),
        assignee=user("koordinaattori.oulu"),
    )
    assert accepted.assigned_to == user("koordinaattori.oulu")
    # Withdrawal is possible only before acceptance.
    with pytest.raises(ReferralConflict):
        referral_withdraw(referral=accepted, user=user("rise.oulu"), agency=agency("rise-prison"))


def test_the_responsible_person_belongs_to_the_recipient(personas):
    referral = SentReferralFactory()
    with pytest.raises(ValidationError) as error:
        referral_accept(
            referral=referral,
            user=user("tym.oulu"),
            agency=agency("tym-oulu"),
            assignee=user("tym.tampere"),
        )
    assert list(error.value.message_dict) == ["assignee"]


def test_a_late_second_accept_is_told_who_won(personas):
    referral = SentReferralFactory()
    first = Referral.objects.get(pk=referral.pk)
    second = Referral.objects.get(pk=referral.pk)
    referral_accept(
        referral=first, user=user("tym.oulu"), agency=agency("tym-oulu"), assignee=user("tym.oulu")
    )
    with pytest.raises(ReferralConflict) as error:
        referral_accept(
            referral=second,
            user=user("koordinaattori.oulu"),
            agency=agency("tym-oulu"),
            assignee=user("koordinaattori.oulu"),
        )
    assert "Tiina Toivonen" in error.value.messages[0]
    assert Referral.objects.get(pk=referral.pk).assigned_to == user("tym.oulu")


def test_the_same_form_submitted_twice_creates_one_referral(personas):
    key = uuid.uuid4()
    first = SentReferralFactory(submission_key=key)
    second = SentReferralFactory(client=first.client, submission_key=key)
    assert first.pk == second.pk
    assert Referral.objects.filter(client=first.client).count() == 1
    assert DisclosureLogEntry.objects.filter(client=first.client).count() == 1


def test_closing_keeps_the_timeline_for_both_sides(personas, login):
    referral = ClosedReferralFactory()
    for username in ("rise.oulu", "tym.oulu"):
        response = login(username).get(reverse("referral-detail", args=[referral.public_id]))
        assert [e.status for e in response.context["events"]] == [
            S.SENT,
            S.OPENED,
            S.ACCEPTED,
            S.CLOSED,
        ]


def test_recipient_sees_only_the_granted_categories(personas, login):
    referral = SentReferralFactory()
    response = login("tym.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    card = {section.code: section for section in response.context["card"]}
    assert card["identity"].visible
    assert card["release"].visible
    assert not card["contact"].visible
    assert "Ei luovutettu" in card["contact"].reason
    assert referral.client.phone not in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == S.OPENED
    log = UseLogEntry.objects.filter(client=referral.client, user=user("tym.oulu")).latest("at")
    assert log.categories == ["identity", "release", "service_needs"]
    assert log.agency == agency("tym-oulu")
    assert log.path == reverse("referral-detail", args=[referral.public_id])


def test_address_protection_keeps_contact_details_with_the_recorder(personas, login):
    client = ClientFactory(address_protected=True, phone="+358 40 999 8888")
    consent_record(
        client=client,
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency("tym-oulu"),
        recipient_kind="",
        categories=categories("contact"),
        given_on=client.created_at.date(),
        method="written",
        valid_until=None,
    )
    referral = referral_create(
        client=client,
        sender=agency("rise-prison"),
        user=user("rise.oulu"),
        recipient_agency=agency("tym-oulu"),
        recipient_person=None,
        basis=basis("1301-2021-28"),
        categories=categories("identity", "contact"),
        message="",
    )
    response = login("tym.oulu").get(reverse("referral-detail", args=[referral.public_id]))
    card = {section.code: section for section in response.context["card"]}
    assert not card["contact"].visible
    assert "turvakielto" in card["contact"].reason
    assert "999 8888" not in response.content.decode()
    own = login("rise.oulu").get(reverse("client-detail", args=[client.public_id]))
    assert "+358 40 999 8888" in own.content.decode()


def test_the_named_contact_is_chosen_among_the_recipients_people(personas, login):
    mikko = ClientFactory()
    rise = login("rise.oulu")
    url = reverse("referral-new", args=[mikko.public_id])
    form = rise.get(url).context["form"]
    assert form.initial["recipient_agency"] == agency("tym-oulu")
    assert form.initial["recipient_person"] == user("tym.oulu")
    people = set(form.fields["recipient_person"].queryset.values_list("username", flat=True))
    assert people == {"tym.oulu", "koordinaattori.oulu"}  # not the data protection officer
    tampere = rise.get(url, {"recipient_agency": agency("tym-tampere").pk}).context["form"]
    assert tampere.initial["recipient_person"] == user("tym.tampere")
    response = rise.post(
        url,
        {
            "recipient_agency": agency("tym-oulu").pk,
            "recipient_person": user("tym.tampere").pk,
            "basis": basis("1301-2021-28").pk,
            "categories": [c.pk for c in categories("identity")],
            "message": "",
            "submission_key": str(uuid.uuid4()),
        },
    )
    assert "recipient_person" in response.context["form"].errors
    assert not Referral.objects.filter(client=mikko).exists()
