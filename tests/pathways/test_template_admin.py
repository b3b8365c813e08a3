"""The Django admin shows the pathway templates but changes none of them (issue 18): a
version is written only through the editor's services, which keep the rules (a published
version is never edited, the stages stay in time order)."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from pathways.models import PathwayTemplate, StageTemplate
from pathways.templates.services import template_version_new

from ..factories import user

pytestmark = pytest.mark.django_db


class _FormValues(HTMLParser):
    """What a browser would post back from the page's form, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data[name] = a.get("value") or "on"
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def form_values(html: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(html)
    return parser.data


def window_moved(admin: Client, template: PathwayTemplate) -> int:
    """Post the change page back with the first stage opening ten days earlier."""
    url = reverse("admin:pathways_pathwaytemplate_change", args=[template.pk])
    page = admin.get(url)
    assert page.status_code == 200
    data = form_values(page.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    first = template.stages.order_by("order").first()
    assert first is not None
    key = "stages-0-window_start"
    if key in data:
        data[key] = str(first.window_start - 10)
    return admin.post(url, data).status_code


@pytest.fixture
def admin(personas) -> Client:
    client = Client()
    client.force_login(user("admin"))
    return client


def stage_rows() -> list[tuple[int, int, int, int]]:
    return sorted(
        StageTemplate.objects.values_list("template_id", "order", "window_start", "window_end")
    )


def test_a_published_templates_stages_cannot_be_changed_in_the_admin(admin):
    published = PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=2)
    before = stage_rows()
    assert window_moved(admin, published) == 403
    assert stage_rows() == before


def test_a_drafts_stages_are_changed_only_in_the_editor(admin):
    published = PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=2)
    draft = template_version_new(template=published, user=user("koordinaattori.oulu"))
    before = stage_rows()
    assert window_moved(admin, draft) == 403
    assert stage_rows() == before


def test_templates_cannot_be_added_or_deleted_in_the_admin(admin):
    published = PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=2)
    count = PathwayTemplate.objects.count()
    assert admin.get(reverse("admin:pathways_pathwaytemplate_add")).status_code == 403
    delete = reverse("admin:pathways_pathwaytemplate_delete", args=[published.pk])
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:pathways_pathwaytemplate_changelist")
    action = {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"}
    admin.post(changelist, action)
    assert PathwayTemplate.objects.count() == count


def test_the_admin_shows_a_template_and_points_to_the_editor(admin):
    published = PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=2)
    editor = reverse("pathway-detail", args=[published.pk])
    listing = admin.get(reverse("admin:pathways_pathwaytemplate_changelist"))
    assert listing.status_code == 200
    assert f'href="{editor}"' in listing.content.decode()
    page = admin.get(reverse("admin:pathways_pathwaytemplate_change", args=[published.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert f'href="{editor}"' in content
    assert published.stages.order_by("order").first().name_fi in content
    assert 'name="stages-0-window_start"' not in content
