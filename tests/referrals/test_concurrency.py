import threading

import pytest
from django.db import connection, connections

from referrals.models import Referral, ReferralEvent
from referrals.services import ReferralConflict, referral_accept

from ..factories import SentReferralFactory, agency, user


@pytest.mark.django_db(transaction=True)
def test_two_people_accept_at_once_and_exactly_one_wins(personas):
    if connection.vendor != "postgresql":
        pytest.skip("row locking is proven on PostgreSQL (CI runs it); SQLite has no row locks")
    referral = SentReferralFactory()
    people = [user("tym.oulu"), user("koordinaattori.oulu")]
    oulu = agency("tym-oulu")
    start = threading.Barrier(len(people))
    outcomes: dict[str, str] = {}

    def accept(person) -> None:
        try:
            start.wait()
            referral_accept(
                referral=Referral.objects.get(pk=referral.pk),
                user=person,
                agency=oulu,
                assignee=person,
            )
            outcomes[person.username] = "won"
        except ReferralConflict as conflict:
            outcomes[person.username] = conflict.messages[0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = next(name for name in outcomes if name not in winners)
    winner = user(winners[0])
    assert winner.display_name in outcomes[loser]
    assert Referral.objects.get(pk=referral.pk).assigned_to == winner
    assert ReferralEvent.objects.filter(referral=referral, status="accepted").count() == 1
