"""The inbox's sort options are worded in the reader's language, the descending ones
too (django-filter's own "(descending)" suffix is English in every language)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from referrals.filters import InboxFilter

LABELS = {
    "en": {
        "": "Newest first",
        "sent": "Oldest sent first",
        "-sent": "Newest sent first",
        "release": "Release date, earliest first",
        "-release": "Release date, latest first",
    },
    "fi": {
        "": "Uusimmat ensin",
        "sent": "Vanhimmat lähetetyt ensin",
        "-sent": "Uusimmat lähetetyt ensin",
        "release": "Vapautumispäivä, aikaisin ensin",
        "-release": "Vapautumispäivä, myöhäisin ensin",
    },
    "sv": {
        "": "Nyaste först",
        "sent": "Äldsta skickade först",
        "-sent": "Senast skickade först",
        "release": "Frigivningsdag, tidigaste först",
        "-release": "Frigivningsdag, senaste först",
    },
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_sort_option_has_a_label_of_its_own(language):
    field = InboxFilter.base_filters["order"].field
    with translation.override(language):
        choices = {value: str(label) for value, label in field.choices}
    assert choices == LABELS[language]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_inbox_offers_them_in_the_readers_language(login, language):
    client = login("tym.oulu")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("inbox"), {"order": "-release"}).content.decode()
    assert "descending" not in html
    for value, label in LABELS[language].items():
        selected = " selected" if value == "-release" else ""
        assert f'<option value="{value}"{selected}>{label}</option>' in html
