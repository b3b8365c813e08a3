import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.dates import today
from pathways.cases.services import release_case_start
from pathways.models import (
    Case,
    ChecklistItem,
    PathwayTemplate,
    ReminderRule,
    StageAction,
    StageTemplate,
)
from pathways.templates.services import (
    stage_delete,
    stage_move,
    stage_save,
    template_draft_update,
    template_publish,
    template_version_new,
)
from pathways.templates.yaml_io import template_export

from ..factories import ClientFactory, agency, demo_people, mikko_case, user

pytestmark = pytest.mark.django_db
PUBLISHED_REFUSAL = "A published version cannot be edited: make a new version."


@pytest.fixture(scope="module", autouse=True)
def world(module_world):
    """The demo's people and Mikko's path on the adult template."""
    module_world(demo_people)
    module_world(mikko_case)


def adult_shipped() -> PathwayTemplate:
    """The adult release path as shipped (pathways/data/release-adult.yaml)."""
    return PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=2)


def coordinator():
    return user("koordinaattori.oulu")


def start_case() -> Case:
    return release_case_start(
        agency=agency("rise-prison"),
        user=user("rise.oulu"),
        client=ClientFactory(),
        rise_unit=agency("rise-prison"),
        expected_date=today() + datetime.timedelta(days=60),
        release_type="conditional",
        municipality_after=agency("tym-oulu").employment_area.municipalities.get(name_fi="Oulu"),
    )


def stage_fields(**changes: Any) -> dict[str, Any]:
    return {
        "name_fi": "Seuranta",
        "name_sv": "Uppföljning",
        "name_en": "Follow-up",
        "responsible_kind": "employment_area",
        "window_start": 180,
        "window_end": 365,
        "is_anchor": False,
        "action": StageAction.NONE,
        "checklist": [],
        "reminders": [],
        **changes,
    }


def stage_post(
    *,
    checklist: list[dict[str, str]] = (),  # type: ignore[assignment]
    reminders: list[dict[str, Any]] = (),  # type: ignore[assignment]
    initial_checklist: int = 0,
    initial_reminders: int = 0,
    **changes: Any,
) -> dict[str, Any]:
    """The stage form as the browser posts it, with its two formsets."""
    data: dict[str, Any] = {
        "name_fi": "Seuranta",
        "name_sv": "Uppföljning",
        "name_en": "Follow-up",
        "responsible_kind": "employment_area",
        "window_start": "180",
        "window_end": "365",
        "action": "none",
        "checklist-TOTAL_FORMS": str(len(checklist)),
        "checklist-INITIAL_FORMS": str(initial_checklist),
        "checklist-MIN_NUM_FORMS": "0",
        "checklist-MAX_NUM_FORMS": "1000",
        "reminders-TOTAL_FORMS": str(len(reminders)),
        "reminders-INITIAL_FORMS": str(initial_reminders),
        "reminders-MIN_NUM_FORMS": "0",
        "reminders-MAX_NUM_FORMS": "1000",
        **changes,
    }
    for prefix, rows in (("checklist", checklist), ("reminders", reminders)):
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def coordinator_client(login):
    client = login("koordinaattori.oulu")
    client.cookies["polku_language"] = "en"
    return client


@pytest.fixture
def draft(personas) -> PathwayTemplate:
    return template_version_new(template=adult_shipped(), user=coordinator())


# Versioning


def test_a_new_version_copies_stages_checklists_and_reminders(personas):
    shipped = adult_shipped()
    assert ChecklistItem.objects.filter(stage__template=shipped).exists()
    assert ReminderRule.objects.filter(stage__template=shipped).exists()

    new = template_version_new(template=shipped, user=coordinator())

    assert (new.code, new.version, new.published_at, new.created_by) == (
        shipped.code,
        shipped.version + 1,
        None,
        coordinator(),
    )
    assert (new.name_fi, new.anchor, new.description_en) == (
        shipped.name_fi,
        shipped.anchor,
        shipped.description_en,
    )

    def shape(template):
        return [
            (
                s.order,
                s.name_fi,
                s.responsible_kind,
                s.window_start,
                s.window_end,
                s.is_anchor,
                s.action,
                s.start_events,
                s.complete_events,
                [
                    (i.order, i.name_fi, i.name_sv, i.name_en, i.ticked_on)
                    for i in s.checklist.all()
                ],
                [(r.offset_days, r.audience, r.name_fi) for r in s.reminders.all()],
            )
            for s in template.stages.all()
        ]

    assert shape(new) == shape(shipped)
    # The events that move the path are copied too (the shipped path names them).
    referral = new.stages.get(action=StageAction.REFERRAL)
    assert (referral.start_events, referral.complete_events) == (
        ["referral_sent"],
        ["referral_accepted"],
    )
    assert [i.ticked_on for i in referral.checklist.all()] == ["", "", "referral_sent"]
    assert not set(new.stages.values_list("pk", flat=True)) & set(
        shipped.stages.values_list("pk", flat=True)
    )
    # One draft per code: asking again leads to the same draft.
    assert template_version_new(template=shipped, user=coordinator()) == new


def test_a_published_version_cannot_be_edited(personas):
    shipped = adult_shipped()
    stage = shipped.stages.get(order=1)
    attempts = [
        lambda: template_draft_update(template=shipped, user=coordinator(), name_en="Changed"),
        lambda: stage_save(template=shipped, stage=None, **stage_fields()),
        lambda: stage_save(template=shipped, stage=stage, **stage_fields()),
        lambda: stage_delete(template=shipped, stage=stage),
        lambda: stage_move(template=shipped, stage=stage, position=3),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert [e.code for e in error.value.error_list] == ["published"]
    shipped.refresh_from_db()
    assert shipped.name_en == "Adult release path (employment cooperation model)"
    assert shipped.stages.count() == 9


def test_editing_a_published_version_in_the_browser_is_refused(coordinator_client):
    shipped = adult_shipped()
    stage = shipped.stages.first()
    for url in (
        reverse("pathway-edit", args=[shipped.pk]),
        reverse("stage-new", args=[shipped.pk]),
        reverse("stage-edit", args=[shipped.pk, stage.pk]),
    ):
        response = coordinator_client.post(url, stage_post(), follow=True)
        assert response.redirect_chain == [(reverse("pathway-detail", args=[shipped.pk]), 302)]
        assert PUBLISHED_REFUSAL in response.content.decode()
    response = coordinator_client.post(
        reverse("stage-delete", args=[shipped.pk, stage.pk]), follow=True
    )
    assert PUBLISHED_REFUSAL in response.content.decode()
    assert shipped.stages.count() == 9
    assert StageTemplate.objects.filter(name_en="Follow-up").count() == 0


def test_publishing_moves_new_cases_while_running_cases_keep_their_version(
    coordinator_client, login
):
    shipped = adult_shipped()
    running = mikko_case()
    assert running.template == shipped

    response = coordinator_client.post(reverse("pathway-new-version", args=[shipped.pk]))
    new = PathwayTemplate.objects.get(code=shipped.code, version=shipped.version + 1)
    assert response["Location"] == reverse("pathway-detail", args=[new.pk])
    response = coordinator_client.post(
        reverse("stage-new", args=[new.pk]),
        stage_post(checklist=[{"name_fi": "Soitto", "name_sv": "Samtal", "name_en": "Call"}]),
    )
    assert response.status_code == 302, response.context["form"].errors
    # A draft is not yet used.
    assert start_case().template == shipped

    response = coordinator_client.post(reverse("pathway-publish", args=[new.pk]), follow=True)
    assert f"Version {new.version} is published" in response.content.decode()
    new.refresh_from_db()
    assert new.published_at is not None

    new_case = start_case()
    assert new_case.template == new
    assert [s.stage.name_en for s in new_case.stages.all()][-1] == "Follow-up"
    running.refresh_from_db()
    assert running.template == shipped
    assert running.stages.filter(stage__template=shipped).count() == 9

    rise = login("rise.oulu")
    rise.cookies["polku_language"] = "en"
    for case, version in ((new_case, 3), (running, 2)):
        text = rise.get(reverse("case-detail", args=[case.public_id])).content.decode()
        assert f"version {version}" in text


def test_publish_needs_stages_that_keep_the_rules(draft):
    for stage in list(draft.stages.all()):
        stage_delete(template=draft, stage=stage)
    with pytest.raises(ValidationError) as error:
        template_publish(template=draft, user=coordinator())
    assert [e.code for e in error.value.error_list] == ["no_stages"]
    draft.refresh_from_db()
    assert draft.published_at is None


def test_an_older_draft_is_not_published_over_a_newer_version(draft):
    newer = template_version_new(template=draft, user=coordinator())
    assert newer == draft
    template_publish(template=draft, user=coordinator())
    with pytest.raises(ValidationError):
        template_publish(template=draft, user=coordinator())


def test_draft_names_and_anchor_are_edited(coordinator_client, draft):
    response = coordinator_client.post(
        reverse("pathway-edit", args=[draft.pk]),
        {
            "name_fi": "Uusi nimi",
            "name_sv": "Nytt namn",
            "name_en": "New name",
            "description_fi": "",
            "description_sv": "",
            "description_en": "",
            "anchor": "case_start",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.name_en, draft.anchor) == ("New name", "case_start")


# The stage form


def test_a_stage_is_added_where_asked_with_its_checklist_and_reminders(coordinator_client, draft):
    response = coordinator_client.post(
        reverse("stage-new", args=[draft.pk]),
        stage_post(
            window_start="-150",
            window_end="-140",
            responsible_kind="rise_prison",
            position="2",
            checklist=[
                {"name_fi": "Eka", "name_sv": "Första", "name_en": "First"},
                {"name_fi": "Toka", "name_sv": "Andra", "name_en": "Second"},
                {"name_fi": "", "name_sv": "", "name_en": ""},  # the empty extra row
            ],
            reminders=[
                {
                    "offset_days": "-150",
                    "audience": "responsible",
                    "name_fi": "Muista",
                    "name_sv": "Kom ihåg",
                    "name_en": "Remember",
                },
                # The empty extra row, as the browser posts it.
                {"offset_days": "", "audience": "responsible", "name_fi": "", "name_sv": ""},
            ],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    stages = list(draft.stages.all())
    assert [s.order for s in stages] == list(range(1, 11))
    added = stages[1]
    assert added.name_en == "Follow-up"
    assert [i.name_en for i in added.checklist.order_by("order")] == ["First", "Second"]
    assert [(r.offset_days, r.name_en) for r in added.reminders.all()] == [(-150, "Remember")]

    # Editing it again: the first item deleted, the order of the rest is the list's.
    response = coordinator_client.post(
        reverse("stage-edit", args=[draft.pk, added.pk]),
        stage_post(
            window_start="-150",
            window_end="-140",
            responsible_kind="rise_prison",
            position="2",
            initial_checklist=2,
            initial_reminders=1,
            checklist=[
                {"name_fi": "Eka", "name_sv": "Första", "name_en": "First", "DELETE": "on"},
                {"name_fi": "Toka", "name_sv": "Andra", "name_en": "Second"},
                {"name_fi": "Kolmas", "name_sv": "Tredje", "name_en": "Third"},
            ],
            reminders=[
                {
                    "offset_days": "-150",
                    "audience": "responsible",
                    "name_fi": "Muista",
                    "name_sv": "Kom ihåg",
                    "name_en": "Remember",
                    "DELETE": "on",
                }
            ],
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert [i.name_en for i in added.checklist.order_by("order")] == ["Second", "Third"]
    assert not added.reminders.exists()


def test_the_stage_page_shows_the_saved_checklist(coordinator_client, draft):
    stage = draft.stages.get(order=1)
    items = list(stage.checklist.order_by("order"))
    page = coordinator_client.get(reverse("stage-edit", args=[draft.pk, stage.pk]))
    assert page.status_code == 200
    forms = page.context["checklist"].forms
    assert [f["name_en"].value() for f in forms] == [*(i.name_en for i in items), None]
    assert page.context["form"]["position"].value() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"window_start": "200", "window_end": "190"},
            "window_end",
            "A stage's window cannot close before it opens.",
        ),
        (
            {"window_start": "-40", "window_end": "-20"},
            "window_start",
            "Stages go in time order: this one opens before “Employment”.",
        ),
        ({"is_anchor": "on"}, "window_start", "The anchor stage's window is day 0."),
        (
            {"window_start": "0", "window_end": "0", "is_anchor": "on"},
            "is_anchor",
            "A path has only one anchor stage.",
        ),
        ({"name_sv": ""}, "name_sv", "This field is required."),
        ({"window_start": "99999"}, "window_start", None),
    ],
)
def test_stage_errors_land_on_their_fields_and_nothing_is_saved(
    coordinator_client, draft, changes, field, message
):
    before = list(draft.stages.values_list("pk", "order", "window_start"))
    response = coordinator_client.post(reverse("stage-new", args=[draft.pk]), stage_post(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in errors[field]
    assert list(draft.stages.values_list("pk", "order", "window_start")) == before


def test_an_overlapping_acting_stage_is_an_error_on_its_window(coordinator_client, draft):
    contact = draft.stages.get(order=2)  # Rise sends the referral on days -120 … -60
    assert contact.action == StageAction.REFERRAL
    response = coordinator_client.post(
        reverse("stage-new", args=[draft.pk]),
        stage_post(
            responsible_kind="rise_prison",
            window_start="-100",
            window_end="-80",
            action="referral",
            position="3",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["window_start"] == [
        "The window overlaps “Contact with the named contact person / referral”, which the "
        "same agency kind acts in the same way."
    ]
    assert draft.stages.count() == 9


def test_a_change_that_breaks_a_later_stage_names_that_stage(coordinator_client, draft):
    first = draft.stages.get(order=1)  # -180 … -30, the next opens at -120
    response = coordinator_client.post(
        reverse("stage-edit", args=[draft.pk, first.pk]),
        stage_post(window_start="-110", window_end="-30", responsible_kind="rise_prison"),
    )
    assert response.context["form"].errors["window_start"] == [
        "“Contact with the named contact person / referral”: Stages go in time order: this "
        "one opens before “Follow-up”."
    ]
    first.refresh_from_db()
    assert first.window_start == -180


def test_two_reminders_to_the_same_people_on_the_same_day_are_refused(coordinator_client, draft):
    reminder = {
        "offset_days": "190",
        "audience": "coordinator",
        "name_fi": "a",
        "name_sv": "b",
        "name_en": "c",
    }
    response = coordinator_client.post(
        reverse("stage-new", args=[draft.pk]), stage_post(reminders=[reminder, reminder])
    )
    assert response.status_code == 200
    assert [e.code for e in response.context["reminders"].non_form_errors().as_data()] == [
        "duplicate_reminder"
    ]
    assert draft.stages.count() == 9


def test_stages_move_only_into_time_order(draft):
    stages = list(draft.stages.all())
    network = next(s for s in stages if s.name_en == "Network meeting")  # 14 … 90, eighth
    stage_move(template=draft, stage=network, position=7)  # before services (14 …)
    assert [s.name_en for s in draft.stages.all()][6:8] == [
        "Network meeting",
        "Services and network cooperation",
    ]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        stage_move(template=draft, stage=network, position=1)
    assert "position" in error.value.message_dict
    assert [s.order for s in draft.stages.all()] == list(range(1, 10))


def test_deleting_a_stage_renumbers_the_rest(coordinator_client, draft):
    second = draft.stages.get(order=2)
    response = coordinator_client.post(reverse("stage-delete", args=[draft.pk, second.pk]))
    assert response.status_code == 302
    assert [s.order for s in draft.stages.all()] == list(range(1, 9))
    assert not StageTemplate.objects.filter(pk=second.pk).exists()


# Pages, export and import


def test_the_list_groups_versions_by_code_with_running_cases(coordinator_client, draft):
    page = coordinator_client.get(reverse("pathway-list"))
    families = {f.code: f for f in page.context["families"]}
    adult = families[PathwayTemplate.ADULT_RELEASE]
    assert [v.version for v in adult.versions] == [3, 2]
    assert adult.versions[0].running == 0
    assert adult.versions[1].running == Case.objects.filter(template=adult_shipped()).count() > 0
    text = page.content.decode()
    assert "Draft" in text
    assert "Published" in text


def test_the_detail_page_offers_what_the_state_allows(coordinator_client, draft):
    shipped_page = coordinator_client.get(reverse("pathway-detail", args=[adult_shipped().pk]))
    assert shipped_page.context["draft"] == draft
    assert reverse("stage-new", args=[adult_shipped().pk]) not in shipped_page.content.decode()
    page = coordinator_client.get(reverse("pathway-detail", args=[draft.pk])).content.decode()
    for name in ("stage-new", "pathway-publish", "pathway-edit", "pathway-export"):
        assert reverse(name, args=[draft.pk]) in page


def test_export_downloads_the_version_as_yaml(coordinator_client):
    shipped = adult_shipped()
    response = coordinator_client.get(reverse("pathway-export", args=[shipped.pk]))
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"] == 'attachment; filename="release-adult-v2.yaml"'
    assert response.content.decode() == template_export(template=shipped)


def upload(text: str) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("path.yaml", text.encode(), "application/yaml")}


def test_an_imported_file_becomes_a_draft(coordinator_client):
    text = template_export(template=adult_shipped())
    response = coordinator_client.post(reverse("pathway-import"), upload(text))
    imported = PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=3)
    assert response["Location"] == reverse("pathway-detail", args=[imported.pk])
    assert imported.published_at is None
    assert imported.stages.count() == 9


def test_import_problems_are_shown_with_their_lines(coordinator_client):
    text = template_export(template=adult_shipped()).replace(
        "window: [-120, -60]", "window: [-60, -120]"
    )
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if "[-60, -120]" in row)
    response = coordinator_client.post(reverse("pathway-import"), upload(text))
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(error.startswith(f"Line {line}, stages[2].window") for error in errors), errors
    assert f"Line {line}" in response.content.decode()
    assert PathwayTemplate.objects.filter(code=PathwayTemplate.ADULT_RELEASE).count() == 1


def test_a_file_that_is_not_utf8_is_a_problem_on_the_field(coordinator_client):
    response = coordinator_client.post(
        reverse("pathway-import"), {"file": SimpleUploadedFile("x.yaml", b"code: \xff\n")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


# Who may


URLS = [
    ("get", "pathway-list", False),
    ("get", "pathway-import", False),
    ("get", "pathway-detail", True),
    ("get", "pathway-edit", True),
    ("get", "pathway-export", True),
    ("get", "stage-new", True),
    ("post", "pathway-new-version", True),
    ("post", "pathway-publish", True),
]


@pytest.mark.parametrize(
    "username", ["rise.oulu", "tym.oulu", "hva.pohjois", "tietosuoja", "admin"]
)
def test_only_coordinators_use_the_editor(login, draft, username):
    client = login(username)
    stage = draft.stages.first()
    for method, name, takes_pk in URLS:
        url = reverse(name, args=[draft.pk] if takes_pk else [])
        assert getattr(client, method)(url).status_code == 403, name
    for name in ("stage-edit", "stage-delete"):
        assert client.post(reverse(name, args=[draft.pk, stage.pk])).status_code == 403
    assert client.post(reverse("pathway-import"), upload("code: x")).status_code == 403
    draft.refresh_from_db()
    assert draft.published_at is None
    assert draft.stages.count() == 9


def test_the_navigation_offers_pathways_to_coordinators_only(login):
    link = f'href="{reverse("pathway-list")}"'
    assert link in login("koordinaattori.oulu").get(reverse("home")).content.decode()
    for username in ("tym.oulu", "rise.oulu", "admin"):
        assert link not in login(username).get(reverse("home")).content.decode()
