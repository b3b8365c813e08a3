"""The accessibility statement (Act 306/2019): in Finnish, Swedish and English, open
without logging in, and linked from the footer of every page."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from accessibility.views import STATEMENT_DATE

from ..conftest import PERSONAS, demo_world_load
from ..test_permissions import EXPECTED, OK, ROUTES, objects, url_for

STATEMENT = reverse("accessibility-statement")

TEXTS = {
    "en": [
        "<h1>Accessibility statement</h1>",
        "Polku partially conforms to the accessibility requirements",
        "WCAG 2.1",
        "Content that is not accessible",
        "WCAG 1.4.10 Reflow",
        "axe-core",
        "390 pixels",
        "keyboard alone",
        "Finnish Transport and Communications Agency Traficom",
    ],
    "fi": [
        "<h1>Saavutettavuusseloste</h1>",
        "Polku täyttää saavutettavuusvaatimukset osittain",
        "WCAG 2.1",
        "Sisällöt, jotka eivät ole saavutettavia",
        "WCAG 1.4.10",
        "axe-core",
        "390 pikselin",
        "pelkällä näppäimistöllä",
        "Liikenne- ja viestintävirasto Traficom",
    ],
    "sv": [
        "<h1>Tillgänglighetsutlåtande</h1>",
        "Polku uppfyller tillgänglighetskraven delvis",
        "WCAG 2.1",
        "Innehåll som inte är tillgängligt",
        "WCAG 1.4.10",
        "axe-core",
        "390 pixlar",
        "enbart tangentbordet",
        "Transport- och kommunikationsverket Traficom",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_statement_in_each_language_without_logging_in(language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(STATEMENT)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    for text in TEXTS[language]:
        assert text in html
    # The date in the language's own format.
    with translation.override(language):
        prepared = date_format(STATEMENT_DATE)
    assert prepared in html
    assert "2026" in prepared
    # The supervisory authority's contact, as the Act requires.
    assert 'href="https://www.saavutettavuusvaatimukset.fi/"' in html
    assert 'href="mailto:saavutettavuus@traficom.fi"' in html
    # The feedback form: the message is required, the rest optional.
    assert 'name="message"' in html
    assert 'name="page"' in html
    assert 'name="name"' in html
    assert 'name="email"' in html


@pytest.mark.django_db
def test_finnish_is_the_default():
    html = Client().get(STATEMENT).content.decode()
    assert '<html lang="fi">' in html


def _full_page(response) -> str | None:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return None
    html = response.content.decode()
    return html if "<html" in html else None


@pytest.mark.django_db
@pytest.mark.permissions
def test_every_page_links_the_statement_in_its_footer(login):
    demo_world_load()  # the permission walk's objects: the whole demo
    link = f'<a href="{STATEMENT}?from='
    anonymous = Client()
    for name in ("login", "accessibility-statement"):
        html = _full_page(anonymous.get(reverse(name)))
        assert html is not None
        assert link in html.split('<footer class="site-footer">', 1)[1], name

    objs = objects()
    clients: dict[str, Client] = {}
    checked: list[str] = []
    for name in ROUTES:
        # Each page once, as a persona who may open it.
        persona = next((p for p in PERSONAS if EXPECTED[name][p] == OK), None)
        if persona is None:
            continue
        client = clients.setdefault(persona, login(persona))
        path = url_for(name, objs)
        html = _full_page(client.get(path))
        if html is None:
            continue
        footer = html.split('<footer class="site-footer">', 1)[1]
        # The link names the page it was followed from, for the form's "page" field.
        assert f'{link}{quote(path.split("?")[0])}"' in footer, name
        checked.append(name)
    # The pages of every kind: lists, details, forms, the DPO's and the administrator's.
    assert {"home", "inbox", "case-detail", "referral-new", "dpo-use-log"} <= set(checked)
    assert len(checked) > 40
