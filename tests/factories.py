"""Test factories that go through the services, one referral factory per status."""

import datetime
import itertools
from typing import Any

import factory

from agencies.models import Agency, Municipality, User
from referrals.clients.identity import hetu_make
from referrals.models import Client, DataCategory, LegalBasis, Referral
from referrals.services import (
    client_create,
    referral_accept,
    referral_close,
    referral_create,
    referral_open,
    referral_return,
    referral_withdraw,
)

_individual = itertools.count(10)


def agency(key: str) -> Agency:
    names = {
        "tym-oulu": "Oulun seudun työllisyysalue",
        "tym-tampere": "Tampereen seudun työllisyysalue",
        "hva-pohjois": "Pohjois-Pohjanmaan hyvinvointialue",
        "kela": "Kela, pohjoinen asiakaspalveluyksikkö",
        "priima": "Priima Butti -hanke",
        "rise-prison": "Oulun vankila",
        "rise-office": "Pohjois-Suomen yhdyskuntaseuraamustoimisto",
    }
    return Agency.objects.get(name_fi=names[key])


def user(username: str) -> User:
    return User.objects.get(username=username)


class ClientFactory(factory.Factory):
    class Meta:
        model = Client

    recorded_by = factory.LazyFunction(lambda: agency("rise-prison"))
    hetu = factory.LazyFunction(
        lambda: hetu_make(
            datetime.date(1980, 1, 1) + datetime.timedelta(days=next(_individual)), 200
        )
    )
    first_name = factory.Faker("first_name", locale="fi_FI")
    last_name = factory.Faker("last_name", locale="fi_FI")
    home_municipality = factory.LazyFunction(lambda: Municipality.objects.get(name_fi="Oulu"))
    mother_tongue = "fi"
    service_language = "fi"
    phone = "+358 40 123 4567"

    @classmethod
    def _create(cls, model_class: type[Client], *args: Any, **kwargs: Any) -> Client:
        return client_create(**kwargs)


def categories(*codes: str) -> list[DataCategory]:
    return list(DataCategory.objects.filter(code__in=codes))


def basis(code: str) -> LegalBasis:
    return LegalBasis.objects.get(code=code)


class DraftReferralFactory(factory.Factory):
    """A §28 referral from Oulu prison to Oulun seutu's named Rise contact person."""

    class Meta:
        model = Referral

    client = factory.SubFactory(ClientFactory)
    sender = factory.LazyFunction(lambda: agency("rise-prison"))
    user = factory.LazyFunction(lambda: user("rise.oulu"))
    recipient_agency = factory.LazyFunction(lambda: agency("tym-oulu"))
    recipient_person = factory.LazyFunction(lambda: user("tym.oulu"))
    basis = factory.LazyFunction(lambda: basis("1301-2021-28"))
    categories = factory.LazyFunction(lambda: categories("identity", "release", "service_needs"))
    message = "Testilähete"
    send = False

    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        return referral_create(**kwargs)


class SentReferralFactory(DraftReferralFactory):
    send = True


def _recipient_side(referral: Referral) -> dict[str, Any]:
    return {"user": user("tym.oulu"), "agency": referral.recipient_agency}


class OpenedReferralFactory(SentReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_open(referral=referral, **_recipient_side(referral))


class AcceptedReferralFactory(OpenedReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_accept(
            referral=referral, assignee=user("tym.oulu"), **_recipient_side(referral)
        )


class ReturnedReferralFactory(OpenedReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_return(referral=referral, reason="Väärä alue", **_recipient_side(referral))


class WithdrawnReferralFactory(SentReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_withdraw(referral=referral, user=kwargs["user"], agency=kwargs["sender"])


class ClosedReferralFactory(AcceptedReferralFactory):
    @classmethod
    def _create(cls, model_class: type[Referral], *args: Any, **kwargs: Any) -> Referral:
        referral = super()._create(model_class, *args, **kwargs)
        return referral_close(referral=referral, **_recipient_side(referral))
