from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, AgencyKind, ContactPerson, ContactTopic, Municipality
from agencies.selectors import municipality_list, name_terms_q, serves_q


def _by_local_name(queryset: QuerySet[Any]) -> QuerySet[Any]:
    language = (get_language() or "fi")[:2]
    return queryset.order_by(f"name_{language}")


def _municipalities(request: HttpRequest | None) -> QuerySet[Municipality]:
    # The chosen municipality's route is shown beside the results: fetch its areas with it.
    return _by_local_name(municipality_list())


def _agencies(request: HttpRequest | None) -> QuerySet[Agency]:
    return _by_local_name(Agency.objects.filter(is_active=True))


def _topics(request: HttpRequest | None) -> QuerySet[ContactTopic]:
    return ContactTopic.objects.all()


class ContactPersonFilter(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(label=_("Name"), method="filter_name")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Client's municipality"),
        queryset=_municipalities,
        method="filter_municipality",
        empty_label=_("Any municipality"),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of agency"),
        field_name="agency__kind",
        choices=AgencyKind.choices,
        empty_label=_("Any kind"),
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Agency"), queryset=_agencies, empty_label=_("Any agency")
    )
    topic = django_filters.ModelChoiceFilter(
        label=_("Topic"), queryset=_topics, empty_label=_("Any topic")
    )

    class Meta:
        model = ContactPerson
        fields = ["q", "municipality", "kind", "agency", "topic"]

    def filter_name(
        self, queryset: QuerySet[ContactPerson], name: str, value: str
    ) -> QuerySet[ContactPerson]:
        return queryset.filter(name_terms_q(value=value, prefix="person__"))

    def filter_municipality(
        self, queryset: QuerySet[ContactPerson], name: str, value: Municipality | None
    ) -> QuerySet[ContactPerson]:
        if value is None:
            return queryset
        return queryset.filter(serves_q(municipality=value, prefix="agency__"))
