"""Pathway templates as YAML: export, import as a new version, and every error with its line."""

import io
from typing import Any

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from pathways.cases.selectors import template_latest
from pathways.models import (
    Case,
    CaseStage,
    ChecklistItem,
    PathwayTemplate,
    ReminderRule,
    StageTemplate,
)
from pathways.templates.checks import StageSpec, stage_problems
from pathways.templates.defaults import pathway_defaults_load, shipped_template_files
from pathways.templates.yaml_io import (
    TemplateImportError,
    template_export,
    template_import,
    template_text_decode,
)

from ..factories import mikko_case, user

pytestmark = pytest.mark.django_db

EVENTS = (
    "referral_sent, referral_opened, referral_accepted, referral_returned, "
    "assessment_completed, release_recorded, plan_signed, plan_reviewed, meeting_held, "
    "outcome_recorded, kela_registration_recorded."
)

# Line numbers matter below: the error cases point at them.
BASE = """\
code: test-path
anchor: release_date
name: {fi: Testipolku, sv: Teststig, en: Test path}
stages:
  - name: {fi: Valmistelu, sv: Förberedelse, en: Preparation}
    responsible: rise_prison
    window: [-90, -30]
    action: referral
    checklist:
      - {fi: Tehty, sv: Gjort, en: Done}
    reminders:
      - offset: -60
        audience: responsible
        message: {fi: Muista, sv: Kom ihåg, en: Remember}
  - name: {fi: Vapautuminen, sv: Frigivning, en: Release}
    responsible: rise_prison
    window: [0, 0]
    anchor: true
"""


def replace(line: int, text: str) -> str:
    lines = BASE.splitlines()
    lines[line - 1] = text
    return "\n".join(lines) + "\n"


def insert(after: int, text: str) -> str:
    lines = BASE.splitlines()
    lines[after:after] = text.splitlines()
    return "\n".join(lines) + "\n"


def snapshot(template: PathwayTemplate) -> dict[str, object]:
    """Everything an import carries over, without ids, version and dates."""

    def names(obj: Any) -> tuple[str, str, str]:
        return (obj.name_fi, obj.name_sv, obj.name_en)

    return {
        "code": template.code,
        "anchor": template.anchor,
        "name": names(template),
        "description": (template.description_fi, template.description_sv, template.description_en),
        "stages": [
            {
                "order": stage.order,
                "name": names(stage),
                "responsible": stage.responsible_kind,
                "window": (stage.window_start, stage.window_end),
                "anchor": stage.is_anchor,
                "action": stage.action,
                "events": (stage.start_events, stage.complete_events),
                "checklist": [
                    (item.order, names(item), item.ticked_on) for item in stage.checklist.all()
                ],
                "reminders": [
                    (reminder.offset_days, reminder.audience, names(reminder))
                    for reminder in stage.reminders.all()
                ],
            }
            for stage in template.stages.all()
        ],
    }


def counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (PathwayTemplate, StageTemplate, ChecklistItem, ReminderRule)
    )


def latest(code: str) -> PathwayTemplate:
    return PathwayTemplate.objects.filter(code=code).latest("version")


# The shipped templates.


def test_the_shipped_templates_are_loaded_as_published_versions_of_their_files(personas):
    files = shipped_template_files()
    assert [path.stem for path in files] == ["kela-guidance", "release-adult", "release-youth"]
    for path in files:
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["code"] == path.stem
        template = PathwayTemplate.objects.get(code=path.stem, version=2)
        assert template.published_at is not None
        assert template.created_by is None
        specs = [
            StageSpec(
                name=stage.name,
                responsible_kind=stage.responsible_kind,
                window_start=stage.window_start,
                window_end=stage.window_end,
                is_anchor=stage.is_anchor,
                action=stage.action,
            )
            for stage in template.stages.all()
        ]
        assert stage_problems(stages=specs) == []
        assert [stage.is_anchor for stage in template.stages.all()].count(True) == 1


def test_the_release_paths_keep_their_nine_stages(personas):
    for code in (PathwayTemplate.ADULT_RELEASE, PathwayTemplate.YOUTH_RELEASE):
        template = PathwayTemplate.objects.get(code=code, version=2)
        stages = list(template.stages.all())
        assert len(stages) == 9
        assert [stage.order for stage in stages] == list(range(1, 10))
        assert all(1 <= stage.checklist.count() <= 3 for stage in stages)
        meeting = next(stage for stage in stages if stage.name_fi == "Verkostopalaveri")
        assert (meeting.window_start, meeting.window_end, meeting.action) == (
            14,
            90,
            "network_meeting",
        )
        assert [stage.name_fi for stage in stages if stage.action == "referral"] == [
            "Yhteydenotto nimettyyn yhteyshenkilöön / TYM-lähete"
            if code == PathwayTemplate.ADULT_RELEASE
            else "Tiedot asiakkaasta työllisyyspalvelujen yhteyshenkilölle"
        ]
    adult = PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=2)
    job_seeking = adult.stages.get(name_fi="Työnhaun käynnistäminen")
    assert (job_seeking.window_start, job_seeking.window_end) == (-90, -30)
    assert "Työnhaku käynnistetty" in [item.name_fi for item in job_seeking.checklist.all()]
    reminder = ReminderRule.objects.get(stage__template=adult)
    assert (reminder.offset_days, reminder.audience) == (-95, "responsible")


def test_the_kela_guidance_path(personas):
    template = PathwayTemplate.objects.get(code=PathwayTemplate.KELA_GUIDANCE, version=2)
    assert template.anchor == "kela_instruction"
    stages = list(template.stages.all())
    assert [
        (stage.name_en, stage.responsible_kind, stage.window_start, stage.window_end)
        for stage in stages
    ] == [
        ("Kela's instruction", "kela", 0, 0),
        ("Referral to employment services", "kela", 0, 7),
        (
            "Apply for primary benefits and register as a full-time job seeker",
            "employment_area",
            0,
            30,
        ),
        ("Recording the outcome", "kela", 30, 44),
    ]
    assert stages[0].is_anchor
    assert stages[1].action == "referral"
    assert stages[0].checklist.count() == 2
    assert [(r.offset_days, r.audience) for r in stages[2].reminders.all()] == [
        (14, "responsible"),
        (21, "contact_person"),
        (21, "responsible"),
    ]


def test_loading_the_defaults_again_never_overwrites_a_version(personas):
    text = template_export(template=template_latest(code=PathwayTemplate.ADULT_RELEASE))
    mine = template_import(text=text, user=user("koordinaattori.oulu"), publish=True)
    before = counts()
    pathway_defaults_load()
    assert counts() == before
    assert template_latest(code=PathwayTemplate.ADULT_RELEASE) == mine


def test_every_shipped_file_imports_again_as_a_new_draft(personas):
    for path in shipped_template_files():
        template = template_import(text=path.read_text(encoding="utf-8"), user=None)
        assert template.version == 3
        assert template.published_at is None
        assert snapshot(template) == snapshot(
            PathwayTemplate.objects.get(code=path.stem, version=2)
        )


# Export and import.


def test_export_then_import_gives_an_equal_template_as_a_new_version(personas):
    original = PathwayTemplate.objects.get(code=PathwayTemplate.ADULT_RELEASE, version=2)
    text = template_export(template=original)
    assert text.startswith("code: release-adult\nversion: 2\nanchor: release_date\nname:\n")
    assert "Työnhaun käynnistäminen" in text  # allow_unicode: no \xf6 escapes
    assert "window: [-90, -30]" in text
    assert "starts_on: [referral_sent]\n    completes_on: [referral_accepted]\n" in text
    assert "ticked_on: referral_sent\n" in text
    copy = template_import(text=text, user=user("koordinaattori.oulu"))
    assert copy.pk != original.pk
    assert copy.version == latest(PathwayTemplate.ADULT_RELEASE).version == 3
    assert snapshot(copy) == snapshot(original)
    referral = copy.stages.get(action="referral")
    assert (referral.start_events, referral.complete_events) == (
        ["referral_sent"],
        ["referral_accepted"],
    )
    assert template_export(template=copy) == text.replace(
        f"version: {original.version}\n", f"version: {copy.version}\n"
    )


def test_a_multiline_description_survives_the_round_trip(personas):
    text = replace(2, "anchor: case_start\ndescription:\n  fi: |\n    Rivi 1\n    Rivi 2\n  sv: ''")
    template = template_import(text=text, user=None)
    assert (template.description_fi, template.description_sv, template.description_en) == (
        "Rivi 1\nRivi 2",
        "",
        "",
    )
    again = template_import(text=template_export(template=template), user=None)
    assert snapshot(again) == snapshot(template)
    assert again.version == 2


def test_import_makes_the_next_version_a_draft_and_leaves_the_running_ones_alone(personas):
    mikko_case()  # an adult on the path
    current = template_latest(code=PathwayTemplate.ADULT_RELEASE)
    cases = list(Case.objects.filter(template=current).values_list("pk", flat=True))
    assert cases
    case_stages = sorted(CaseStage.objects.filter(case__in=cases).values_list("pk", "stage_id"))
    before = snapshot(current)
    coordinator = user("koordinaattori.oulu")
    text = template_export(template=current).replace("window: [-90, -30]", "window: [-100, -30]")

    draft = template_import(text=text, user=coordinator)

    assert draft.version == current.version + 1
    assert draft.published_at is None
    assert draft.created_by == coordinator
    assert draft.stages.get(order=3).window_start == -100
    current.refresh_from_db()
    assert snapshot(current) == before
    assert list(Case.objects.filter(template=current).values_list("pk", flat=True)) == cases
    assert sorted(CaseStage.objects.filter(case__in=cases).values_list("pk", "stage_id")) == (
        case_stages
    )
    # A draft is not what new cases get.
    assert template_latest(code=PathwayTemplate.ADULT_RELEASE) == current

    published = template_import(text=text, user=coordinator, publish=True)
    assert published.version == current.version + 2
    assert published.published_at is not None
    assert template_latest(code=PathwayTemplate.ADULT_RELEASE) == published


def test_a_new_code_starts_at_version_one(personas):
    template = template_import(text=BASE, user=None)
    assert (template.code, template.version) == ("test-path", 1)
    assert template.name_sv == "Teststig"
    first = template.stages.get(order=1)
    assert first.action == "referral"
    assert [item.name_en for item in first.checklist.all()] == ["Done"]
    assert [(r.offset_days, r.audience, r.name_sv) for r in first.reminders.all()] == [
        (-60, "responsible", "Kom ihåg")
    ]
    assert template.stages.get(order=2).is_anchor


def test_the_file_version_is_only_informational(personas):
    template = template_import(text="version: 7\n" + BASE, user=None)
    assert template.version == 1


def test_the_error_is_a_validation_error_with_every_problem():
    assert issubclass(TemplateImportError, ValidationError)


# Errors: each gives the line and path of what caused it, and nothing is saved.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            replace(6, "    responsible: rise_prison: x"),
            "Line 6: Broken YAML syntax: mapping values are not allowed here.",
            id="broken-syntax",
        ),
        pytest.param(
            replace(6, "    responsible: prison"),
            "Line 6, stages[1].responsible: Unknown agency kind “prison”. Use one of: "
            "rise_prison, rise_community_sanctions, employment_area, wellbeing_area, kela, "
            "municipality, ngo.",
            id="unknown-agency-kind",
        ),
        pytest.param(
            replace(7, "    window: [-30, -90]"),
            "Line 7, stages[1].window: A stage's window cannot close before it opens.",
            id="inverted-window",
        ),
        pytest.param(
            insert(
                14,
                "  - name: {fi: Toinen, sv: Andra, en: Second}\n"
                "    responsible: rise_prison\n"
                "    window: [-60, -10]\n"
                "    action: referral",
            ),
            "Line 17, stages[2].window: The window overlaps “Preparation”, which the same "
            "agency kind acts in the same way.",
            id="overlapping-acting-stages",
        ),
        pytest.param(
            replace(7, "    window: [10, 20]"),
            "Line 17, stages[2].window: Stages go in time order: this one opens before "
            "“Preparation”.",
            id="stages-out-of-order",
        ),
        pytest.param(
            replace(3, "name: {fi: Testipolku, en: Test path}"),
            "Line 3, name.sv: Give the text in Swedish.",
            id="missing-language",
        ),
        pytest.param(
            replace(10, "      - {fi: Tehty, sv: Gjort, en: ''}"),
            "Line 10, stages[1].checklist[1].en: Give the text in English.",
            id="empty-language",
        ),
        pytest.param(
            insert(7, "    colour: red"),
            "Line 8, stages[1].colour: Unknown key “colour”. Use one of: name, responsible, "
            "window, anchor, action, starts_on, completes_on, checklist, reminders.",
            id="unknown-key",
        ),
        pytest.param(
            insert(8, "    starts_on: [referral_snt]"),
            f"Line 9, stages[1].starts_on[1]: Unknown event “referral_snt”. Use one of: {EVENTS}",
            id="unknown-stage-event",
        ),
        pytest.param(
            insert(8, "    starts_on: [referral_sent]\n    completes_on: [referral_sent]"),
            "Line 9, stages[1].starts_on: “referral sent” cannot both start and complete the "
            "stage.",
            id="event-starts-and-completes",
        ),
        pytest.param(
            replace(10, "      - {fi: Tehty, sv: Gjort, en: Done, ticked_on: sent}"),
            "Line 10, stages[1].checklist[1].ticked_on: Unknown event “sent”. Use one of: "
            f"{EVENTS}",
            id="unknown-tick-event",
        ),
        pytest.param(
            replace(12, "      - offset: two weeks"),
            "Line 12, stages[1].reminders[1].offset: Give a whole number of days from -3650 "
            "to 3650.",
            id="non-integer-offset",
        ),
        pytest.param(
            replace(12, "      - offset: 1.5"),
            "Line 12, stages[1].reminders[1].offset: Give a whole number of days from -3650 "
            "to 3650.",
            id="fractional-offset",
        ),
        pytest.param(
            replace(17, "    window: [0, 0.5]"),
            "Line 17, stages[2].window: Give a whole number of days from -3650 to 3650.",
            id="fractional-window",
        ),
        pytest.param(
            replace(17, "    window: 0"),
            "Line 17, stages[2].window: Give the window as two whole numbers of days from the "
            "anchor: [opens, closes].",
            id="window-not-a-pair",
        ),
        pytest.param(
            replace(2, "anchor: birthday"),
            "Line 2, anchor: Unknown anchor “birthday”. Use one of: release_date, referral_date, "
            "kela_instruction, case_start.",
            id="unknown-anchor",
        ),
        pytest.param(
            replace(13, "        audience: everyone"),
            "Line 13, stages[1].reminders[1].audience: Unknown audience “everyone”. Use one of: "
            "responsible, contact_person, coordinator.",
            id="unknown-audience",
        ),
        pytest.param(
            replace(8, "    action: dance"),
            "Line 8, stages[1].action: Unknown action “dance”. Use one of: none, referral, "
            "network_meeting.",
            id="unknown-action",
        ),
        pytest.param(
            replace(18, "    anchor: yes please"),
            "Line 18, stages[2].anchor: This must be true or false.",
            id="anchor-not-boolean",
        ),
        pytest.param(
            replace(7, ""),
            "Line 5, stages[1].window: This key is missing.",
            id="missing-key",
        ),
        pytest.param(
            insert(1, "code: other"),
            "Line 2, code: The key “code” appears twice.",
            id="repeated-key",
        ),
        pytest.param(
            replace(1, "code: not a slug!"),
            "Line 1, code: Give a code of letters, digits, hyphens and underscores, at most 50 "
            "characters.",
            id="bad-code",
        ),
        pytest.param(
            insert(
                14, "      - {offset: -60, audience: responsible, message: {fi: a, sv: b, en: c}}"
            ),
            "Line 15, stages[1].reminders[2]: This stage already has a reminder to the same "
            "audience on the same day.",
            id="repeated-reminder",
        ),
        pytest.param(
            BASE.split("  - name: {fi: Valmistelu")[0].replace("stages:", "stages: []"),
            "Line 4, stages: A path needs at least one stage.",
            id="no-stages",
        ),
        pytest.param(
            "- code: test-path\n",
            "Line 1: The file must describe one pathway template: a mapping with the keys code, "
            "anchor, name and stages.",
            id="not-a-mapping",
        ),
        pytest.param("# nothing here\n", "The file is empty.", id="empty"),
        pytest.param(
            BASE + "---\ncode: second\n",
            "Line 19: The file must hold one template: remove the second “---” and what follows.",
            id="two-documents",
        ),
        pytest.param(
            BASE.replace("Tehty", "Teh\x07ty"),
            "Line 10: The file has a character that YAML does not allow (#x0007).",
            id="control-character",
        ),
        pytest.param(
            BASE.replace("Tehty", "!!python/object/apply:os.system [ls]"),
            "Line 10: Broken YAML syntax: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'.",
            id="unsafe-tag",
        ),
    ],
)
def test_each_error_gives_its_line_and_path_and_saves_nothing(personas, text, expected):
    before = counts()
    with translation.override("en"), pytest.raises(TemplateImportError) as caught:
        template_import(text=text, user=user("koordinaattori.oulu"))
    assert caught.value.messages == [expected]
    assert counts() == before


def test_every_problem_is_reported_at_once_in_line_order(personas):
    text = replace(2, "anchor: birthday").replace("responsible: prison", "x")
    text = text.replace("window: [-90, -30]", "window: [-30, -90]").replace(
        "offset: -60", "offset: soon"
    )
    before = counts()
    with translation.override("en"), pytest.raises(TemplateImportError) as caught:
        template_import(text=text, user=None)
    assert [(p.line, p.path) for p in caught.value.problems] == [
        (2, "anchor"),
        (7, "stages[1].window"),
        (12, "stages[1].reminders[1].offset"),
    ]
    assert counts() == before


def test_messages_follow_the_active_language(personas):
    with translation.override("sv"), pytest.raises(TemplateImportError) as caught:
        template_import(text=replace(7, "    window: [-30, -90]"), user=None)
    problem = caught.value.problems[0]
    assert (problem.line, problem.path) == (7, "stages[1].window")
    assert problem.message != "A stage's window cannot close before it opens."


def test_a_file_that_is_not_utf8_names_the_line():
    data = BASE.replace("Förberedelse", "F\xf6rberedelse").encode("latin-1")
    with translation.override("en"), pytest.raises(TemplateImportError) as caught:
        template_text_decode(data=data)
    assert caught.value.messages == ["Line 5: This line is not UTF-8 text; save the file as UTF-8."]
    assert template_text_decode(data=b"\xef\xbb\xbf" + BASE.encode()) == BASE


# The commands.


def test_export_and_import_commands(personas, tmp_path):
    out = io.StringIO()
    call_command("export_pathway", PathwayTemplate.KELA_GUIDANCE, stdout=out)
    assert out.getvalue().startswith("code: kela-guidance\n")
    target = tmp_path / "kela.yaml"
    call_command("export_pathway", PathwayTemplate.KELA_GUIDANCE, "--version", "2", "-o", target)
    assert target.read_text(encoding="utf-8") == out.getvalue()

    out = io.StringIO()
    call_command("import_pathway", target, stdout=out)
    draft = latest(PathwayTemplate.KELA_GUIDANCE)
    assert (draft.version, draft.published_at) == (3, None)
    assert "version 3 (a draft)" in out.getvalue()
    call_command("import_pathway", target, "--publish", stdout=io.StringIO())
    assert latest(PathwayTemplate.KELA_GUIDANCE).published_at is not None

    # The latest published version by default; a draft only when asked for.
    call_command("import_pathway", target, stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_pathway", PathwayTemplate.KELA_GUIDANCE, stdout=out)
    assert "version: 4\n" in out.getvalue()


def test_the_import_command_prints_the_problems_and_fails(personas, tmp_path):
    source = tmp_path / "broken.yaml"
    source.write_text(replace(6, "    responsible: prison"), encoding="utf-8")
    before = counts()
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_pathway", source, stderr=err)
    assert f"{source}: Line 6, stages[1].responsible: Unknown agency kind “prison”." in (
        err.getvalue()
    )
    assert counts() == before

    source.write_bytes("code: t\nname: {fi: \xe4}\n".encode("latin-1"))
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError):
        call_command("import_pathway", source, stderr=err)
    assert "Line 2: This line is not UTF-8 text" in err.getvalue()


def test_the_export_command_refuses_what_does_not_exist(personas):
    with pytest.raises(CommandError, match="No version 99"):
        call_command("export_pathway", PathwayTemplate.ADULT_RELEASE, "--version", "99")
    template_import(text=BASE, user=None)
    with pytest.raises(CommandError, match="No published version"):
        call_command("export_pathway", "test-path")
