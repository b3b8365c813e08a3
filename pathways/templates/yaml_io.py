"""Pathway templates as YAML text: export one version, import a file as a new version.

The format is documented in docs/pathway-format.md. An import never touches a version
that exists: running cases keep the version they started on. Everything is checked
before anything is written, and every problem carries the line of the key or value
that caused it, so that a coordinator can fix the whole file in one go.
"""

import re
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from agencies.models import AgencyKind, User
from pathways.models import (
    AnchorKind,
    Audience,
    ChecklistItem,
    PathwayTemplate,
    ReminderRule,
    StageAction,
    StageTemplate,
)
from pathways.templates.checks import StageSpec, stage_problems
from pathways.templates.services import template_publish
from referrals.events import PathEvent

LANGUAGES = ("fi", "sv", "en")
NAME_MAX_LENGTH = 200  # LocalizedName's name fields
CODE_MAX_LENGTH = 50
MAX_DAYS = 3650  # ten years either side of the anchor; the fields hold ±32767
MAX_CHARACTERS = 1_000_000  # a long path is some tens of kilobytes; the editor takes 1 MB
MAX_DEPTH = 10  # levels of nested mappings and lists; a path needs five
CODE_RE = re.compile(r"[-a-zA-Z0-9_]+")

TEMPLATE_KEYS = ("code", "version", "anchor", "name", "description", "stages")
TEMPLATE_REQUIRED = ("code", "anchor", "name", "stages")
STAGE_KEYS = (
    "name",
    "responsible",
    "window",
    "anchor",
    "action",
    "starts_on",
    "completes_on",
    "checklist",
    "reminders",
)
CHECKLIST_KEYS = (*LANGUAGES, "ticked_on")
STAGE_REQUIRED = ("name", "responsible", "window")
REMINDER_KEYS = ("offset", "audience", "message")

# The key in the file that each field of checks.StageProblem comes from.
STAGE_FIELD_KEYS = {
    "responsible_kind": "responsible",
    "action": "action",
    "window_start": "window",
    "window_end": "window",
    "is_anchor": "anchor",
    "start_events": "starts_on",
    "complete_events": "completes_on",
}

MISSING_TEXT = {
    "fi": gettext_lazy("Give the text in Finnish."),
    "sv": gettext_lazy("Give the text in Swedish."),
    "en": gettext_lazy("Give the text in English."),
}


@dataclass(frozen=True)
class ImportProblem:
    line: int | None  # 1-based line in the file; None when the file has no lines to point at
    path: str  # e.g. "stages[3].window"; list positions count from 1, as stage order does
    message: str  # translated when the problem was found

    def text(self) -> str:
        values = {"line": self.line, "path": self.path, "message": self.message}
        if self.line is not None and self.path:
            return _("Line %(line)s, %(path)s: %(message)s") % values
        if self.line is not None:
            return _("Line %(line)s: %(message)s") % values
        if self.path:
            return _("%(path)s: %(message)s") % values
        return self.message


class TemplateImportError(ValidationError):
    """The file cannot be imported. `problems` lists each problem with its line and path;
    `messages`, as on any ValidationError, gives them as "Line 12, stages[3].window: …"."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems = list(problems)
        super().__init__([problem.text() for problem in self.problems])


# Reading: a SafeLoader whose mappings and lists remember where they stand in the file.


class _Mapping(dict[Any, Any]):
    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}
        self.repeated: list[tuple[Any, int]] = []  # PyYAML keeps the last of a repeated key

    def value_line(self, key: str) -> int:
        return self.value_lines.get(key, self.line)


class _List(list[Any]):
    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _LineLoader(yaml.SafeLoader):
    # A path is four levels deep (stages, a stage, its checklist, an item's texts); the
    # composer recurses once a level, so a file nested hundreds deep must stop early.
    max_depth = MAX_DEPTH
    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise _TooDeep(int(self.peek_event().start_mark.line) + 1)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_located_mapping(self, node: yaml.MappingNode) -> Iterator[_Mapping]:
        data = _Mapping(_line(node))
        yield data
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found an unhashable key",
                    key_node.start_mark,
                )
            if key in data:
                data.repeated.append((key, _line(key_node)))
            data[key] = self.construct_object(value_node)
            data.key_lines[key] = _line(key_node)
            data.value_lines[key] = _line(value_node)

    def construct_located_list(self, node: yaml.SequenceNode) -> Iterator[_List]:
        data = _List(_line(node))
        yield data
        for child in node.value:
            data.append(self.construct_object(child))
            data.item_lines.append(_line(child))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_located_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_located_list)


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _choices(values: Sequence[str]) -> str:
    return _("Use one of: %(choices)s.") % {"choices": ", ".join(values)}


Texts = dict[str, str]


@dataclass
class _Reminder:
    offset: int
    audience: str
    message: Texts


@dataclass
class _Stage:
    path: str
    line: int
    lines: dict[str, int]
    names: Texts
    responsible: str
    window_start: int
    window_end: int
    is_anchor: bool
    action: str
    start_events: list[str] = field(default_factory=list)
    complete_events: list[str] = field(default_factory=list)
    checklist: list[tuple[Texts, str]] = field(default_factory=list)
    reminders: list[_Reminder] = field(default_factory=list)


@dataclass
class _Template:
    code: str
    anchor: str
    names: Texts
    descriptions: Texts
    stages: list[_Stage]


class _Reader:
    """Checks the parsed document and collects every problem instead of stopping at one."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []

    def problem(self, line: int | None, path: str, message: str | Promise) -> None:
        self.problems.append(ImportProblem(line, path, str(message)))

    def keys(
        self, data: _Mapping, path: str, *, allowed: Sequence[str], required: Sequence[str] = ()
    ) -> None:
        for key, line in data.repeated:
            self.problem(
                line, _join(path, key), _("The key “%(key)s” appears twice.") % {"key": key}
            )
        for key in data:
            if key not in allowed:
                self.problem(
                    data.key_lines[key],
                    _join(path, key),
                    _("Unknown key “%(key)s”.") % {"key": key} + " " + _choices(allowed),
                )
        for key in required:
            if key not in data:
                self.problem(data.line, _join(path, key), _("This key is missing."))

    def mapping(self, value: object, line: int, path: str) -> _Mapping | None:
        if isinstance(value, _Mapping):
            return value
        self.problem(line, path, _("This must be a mapping of keys and values."))
        return None

    def texts(self, data: _Mapping, key: str, path: str, *, required: bool) -> Texts | None:
        """Finnish, Swedish and English text; with `required`, none of them empty."""
        path = _join(path, key)
        value = data.get(key)
        if value is None and not required:
            return dict.fromkeys(LANGUAGES, "")
        if not isinstance(value, _Mapping):
            if key in data:
                self.problem(
                    data.value_line(key),
                    path,
                    _("Give the text in Finnish, Swedish and English: a mapping of fi, sv and en."),
                )
            return None
        return self.language_texts(value, path, required=required)

    def language_texts(
        self,
        value: _Mapping,
        path: str,
        *,
        required: bool,
        allowed: Sequence[str] = LANGUAGES,
    ) -> Texts | None:
        self.keys(value, path, allowed=allowed)
        texts: Texts = {}
        valid = True
        for language in LANGUAGES:
            text = value.get(language)
            line = value.value_line(language)
            if text is None or (isinstance(text, str) and not text.strip()):
                if required:
                    self.problem(line, _join(path, language), MISSING_TEXT[language])
                    valid = False
                texts[language] = ""
            elif not isinstance(text, str):
                self.problem(line, _join(path, language), _("This must be text."))
                valid = False
            elif required and len(text.strip()) > NAME_MAX_LENGTH:
                self.problem(
                    line,
                    _join(path, language),
                    _("The text is too long: at most %(limit)s characters.")
                    % {"limit": NAME_MAX_LENGTH},
                )
                valid = False
            else:
                texts[language] = text.strip()
        return texts if valid else None

    def choice(
        self, data: _Mapping, key: str, path: str, *, values: Sequence[str], unknown: str
    ) -> str | None:
        """A value out of `values`; `unknown` is the message for one that is not."""
        value = data.get(key)
        if key not in data:
            return None
        if isinstance(value, str) and value in values:
            return value
        message = (unknown % {"value": value} + " " if value not in (None, "") else "") + _choices(
            values
        )
        self.problem(data.value_line(key), _join(path, key), message)
        return None

    def days(self, value: object, line: int, path: str) -> int | None:
        whole = isinstance(value, int) and not isinstance(value, bool)
        if whole and isinstance(value, int) and -MAX_DAYS <= value <= MAX_DAYS:
            return value
        self.problem(
            line,
            path,
            _("Give a whole number of days from %(min)s to %(max)s.")
            % {"min": -MAX_DAYS, "max": MAX_DAYS},
        )
        return None

    def template(self, document: object) -> _Template | None:
        if not isinstance(document, _Mapping):
            self.problem(
                1,
                "",
                _(
                    "The file must describe one pathway template: a mapping with the keys "
                    "code, anchor, name and stages."
                ),
            )
            return None
        self.keys(document, "", allowed=TEMPLATE_KEYS, required=TEMPLATE_REQUIRED)
        code = document.get("code")
        if "code" in document and not (
            isinstance(code, str) and CODE_RE.fullmatch(code) and len(code) <= CODE_MAX_LENGTH
        ):
            self.problem(
                document.value_line("code"),
                "code",
                _(
                    "Give a code of letters, digits, hyphens and underscores, at most "
                    "%(limit)s characters."
                )
                % {"limit": CODE_MAX_LENGTH},
            )
        version = document.get("version")
        if "version" in document and not (
            isinstance(version, int) and not isinstance(version, bool) and version >= 1
        ):
            self.problem(
                document.value_line("version"),
                "version",
                _("The version must be a whole number from 1 up."),
            )
        anchor = self.choice(
            document,
            "anchor",
            "",
            values=AnchorKind.values,
            unknown=_("Unknown anchor “%(value)s”."),
        )
        names = self.texts(document, "name", "", required=True)
        descriptions = self.texts(document, "description", "", required=False)
        stages = self.stages(document)
        if self.problems or not (
            isinstance(code, str) and anchor and names and descriptions and stages
        ):
            return None
        return _Template(code, anchor, names, descriptions, stages)

    def stages(self, document: _Mapping) -> list[_Stage] | None:
        if "stages" not in document:
            return None
        value = document["stages"]
        line = document.value_line("stages")
        if not isinstance(value, _List):
            self.problem(line, "stages", _("Give the stages as a list."))
            return None
        if not value:
            self.problem(line, "stages", _("A path needs at least one stage."))
            return None
        items = zip(value, value.item_lines, strict=True)
        stages = [
            self.stage(item, item_line, f"stages[{number}]")
            for number, (item, item_line) in enumerate(items, start=1)
        ]
        complete = [stage for stage in stages if stage is not None]
        self.stage_rules(complete)
        return complete if len(complete) == len(stages) else None

    def stage(self, value: object, line: int, path: str) -> _Stage | None:
        data = self.mapping(value, line, path)
        if data is None:
            return None
        self.keys(data, path, allowed=STAGE_KEYS, required=STAGE_REQUIRED)
        names = self.texts(data, "name", path, required=True)
        responsible = data.get("responsible")
        if "responsible" in data and not (isinstance(responsible, str) and responsible):
            self.problem(
                data.value_line("responsible"),
                _join(path, "responsible"),
                _choices(AgencyKind.values),
            )
        action = data.get("action", StageAction.NONE)
        if not (isinstance(action, str) and action):
            self.problem(
                data.value_line("action"), _join(path, "action"), _choices(StageAction.values)
            )
        window = self.window(data, path)
        is_anchor = data.get("anchor", False)
        if not isinstance(is_anchor, bool):
            self.problem(
                data.value_line("anchor"), _join(path, "anchor"), _("This must be true or false.")
            )
        start_events = self.events(data, "starts_on", path)
        complete_events = self.events(data, "completes_on", path)
        checklist = self.checklist(data, path)
        reminders = self.reminders(data, path)
        if (
            names is None
            or window is None
            or not (isinstance(responsible, str) and responsible)
            or not (isinstance(action, str) and action)
            or not isinstance(is_anchor, bool)
        ):
            return None
        # Unknown agency kinds and actions are left to checks.stage_problems; a problem in
        # the checklist or reminders does not keep the stage from those checks.
        return _Stage(
            path=path,
            line=data.line,
            lines={key: data.value_line(key) for key in STAGE_KEYS},
            names=names,
            responsible=responsible,
            window_start=window[0],
            window_end=window[1],
            is_anchor=is_anchor,
            action=action,
            start_events=start_events,
            complete_events=complete_events,
            checklist=checklist,
            reminders=reminders,
        )

    def events(self, data: _Mapping, key: str, path: str) -> list[str]:
        """A list of path events; unknown ones are problems here, repeats and clashes are
        left to checks.stage_problems."""
        events = []
        for value, line, item_path in self.list_of(data, key, path):
            if isinstance(value, str) and value in PathEvent.values:
                events.append(value)
                continue
            unknown = (
                _("Unknown event “%(value)s”.") % {"value": value} + " "
                if value not in (None, "")
                else ""
            )
            self.problem(line, item_path, unknown + _choices(PathEvent.values))
        return events

    def window(self, data: _Mapping, path: str) -> tuple[int, int] | None:
        if "window" not in data:
            return None
        value = data["window"]
        path = _join(path, "window")
        if not (isinstance(value, _List) and len(value) == 2):
            self.problem(
                data.value_line("window"),
                path,
                _("Give the window as two whole numbers of days from the anchor: [opens, closes]."),
            )
            return None
        start = self.days(value[0], value.item_lines[0], path)
        end = self.days(value[1], value.item_lines[1], path)
        if start is None or end is None:
            return None
        return start, end

    def list_of(self, data: _Mapping, key: str, path: str) -> Iterator[tuple[object, int, str]]:
        """Each item of an optional list, with its line and path."""
        value = data.get(key)
        if value is None:
            return
        if not isinstance(value, _List):
            self.problem(data.value_line(key), _join(path, key), _("This must be a list."))
            return
        for number, (item, line) in enumerate(zip(value, value.item_lines, strict=True), start=1):
            yield item, line, f"{_join(path, key)}[{number}]"

    def checklist(self, data: _Mapping, path: str) -> list[tuple[Texts, str]]:
        """Each item's texts and the event that ticks it ("" for none)."""
        items = []
        for value, line, item_path in self.list_of(data, "checklist", path):
            item = self.mapping(value, line, item_path)
            if item is None:
                continue
            texts = self.language_texts(item, item_path, required=True, allowed=CHECKLIST_KEYS)
            ticked_on = (
                self.choice(
                    item,
                    "ticked_on",
                    item_path,
                    values=PathEvent.values,
                    unknown=_("Unknown event “%(value)s”."),
                )
                or ""
            )
            if texts is not None:
                items.append((texts, ticked_on))
        return items

    def reminders(self, data: _Mapping, path: str) -> list[_Reminder]:
        reminders: list[_Reminder] = []
        seen: set[tuple[int, str]] = set()
        for value, line, item_path in self.list_of(data, "reminders", path):
            item = self.mapping(value, line, item_path)
            if item is None:
                continue
            self.keys(item, item_path, allowed=REMINDER_KEYS, required=REMINDER_KEYS)
            offset = (
                self.days(item["offset"], item.value_line("offset"), _join(item_path, "offset"))
                if "offset" in item
                else None
            )
            audience = self.choice(
                item,
                "audience",
                item_path,
                values=Audience.values,
                unknown=_("Unknown audience “%(value)s”."),
            )
            message = self.texts(item, "message", item_path, required=True)
            if offset is None or audience is None or message is None:
                continue
            if (offset, audience) in seen:
                self.problem(
                    line,
                    item_path,
                    _("This stage already has a reminder to the same audience on the same day."),
                )
                continue
            seen.add((offset, audience))
            reminders.append(_Reminder(offset, audience, message))
        return reminders

    def stage_rules(self, stages: list[_Stage]) -> None:
        """The rules the editor keeps too, over the stages that could be read."""
        language = (get_language() or "fi")[:2]
        specs = [
            StageSpec(
                name=stage.names.get(language) or stage.names["fi"],
                responsible_kind=stage.responsible,
                window_start=stage.window_start,
                window_end=stage.window_end,
                is_anchor=stage.is_anchor,
                action=stage.action,
                start_events=stage.start_events,
                complete_events=stage.complete_events,
            )
            for stage in stages
        ]
        for problem in stage_problems(stages=specs):
            stage = stages[problem.index]
            key = STAGE_FIELD_KEYS.get(problem.field)
            message = problem.message
            if problem.field == "responsible_kind":
                message += " " + _choices(AgencyKind.values)
            elif problem.field == "action":
                message += " " + _choices(StageAction.values)
            self.problem(
                stage.lines[key] if key else stage.line,
                _join(stage.path, key) if key else stage.path,
                message,
            )


def _parse(text: str) -> _Template:
    if len(text) > MAX_CHARACTERS:
        raise TemplateImportError(
            [
                ImportProblem(
                    None,
                    "",
                    _("The file is too large: at most %(limit)s characters.")
                    % {"limit": MAX_CHARACTERS},
                )
            ]
        )
    text = text.removeprefix("\ufeff")
    try:
        document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, int(error.position)) + 1
        character = f"#x{int(error.character):04x}" if isinstance(error.character, int) else "?"
        raise TemplateImportError(
            [
                ImportProblem(
                    line,
                    "",
                    _("The file has a character that YAML does not allow (%(character)s).")
                    % {"character": character},
                )
            ]
        ) from error
    except _TooDeep as error:
        raise TemplateImportError(
            [
                ImportProblem(
                    error.line,
                    "",
                    _("The file nests lists and mappings too deep: at most %(limit)s levels.")
                    % {"limit": MAX_DEPTH},
                )
            ]
        ) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if isinstance(error, yaml.composer.ComposerError) and error.problem == (
            "but found another document"
        ):
            message = _(
                "The file must hold one template: remove the second “---” and what follows."
            )
        else:
            # PyYAML's own words, in English: they name the token it stumbled on.
            message = _("Broken YAML syntax: %(detail)s.") % {
                "detail": error.problem or error.context or ""
            }
        raise TemplateImportError(
            [ImportProblem(int(mark.line) + 1 if mark else None, "", message)]
        ) from error
    if document is None:
        raise TemplateImportError([ImportProblem(None, "", _("The file is empty."))])
    reader = _Reader()
    template = reader.template(document)
    if reader.problems or template is None:
        raise TemplateImportError(
            sorted(reader.problems, key=lambda p: (p.line is None, p.line or 0))
        )
    return template


def template_text_decode(*, data: bytes) -> str:
    """The text of an uploaded or read file; anything but UTF-8 is a problem on its line."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise TemplateImportError(
            [ImportProblem(line, "", _("This line is not UTF-8 text; save the file as UTF-8."))]
        ) from error


@transaction.atomic
def template_import(
    *, text: str, user: User | None, publish: bool = False, version: int | None = None
) -> PathwayTemplate:
    """Create the next version of the template the YAML text describes: published at once
    with `publish`, otherwise a draft. Raises TemplateImportError with every problem
    found, having written nothing.

    The rows and the publish are one transaction: a failure at any step, the publish's
    rules (`services.template_publish`, the same as the editor's) included, leaves no
    part of the version behind.

    `version` gives the new version's number instead (the shipped defaults keep the
    number of their file); it must be above every version of the code."""
    if isinstance(text, bytes):  # an upload's content, passed as it came
        text = template_text_decode(data=text)
    parsed = _parse(text)
    latest = PathwayTemplate.objects.filter(code=parsed.code).aggregate(latest=Max("version"))
    try:
        with transaction.atomic():
            template = PathwayTemplate.objects.create(
                code=parsed.code,
                version=max(version or 0, (latest["latest"] or 0) + 1),
                anchor=parsed.anchor,
                name_fi=parsed.names["fi"],
                name_sv=parsed.names["sv"],
                name_en=parsed.names["en"],
                description_fi=parsed.descriptions["fi"],
                description_sv=parsed.descriptions["sv"],
                description_en=parsed.descriptions["en"],
                published_at=None,
                created_by=user,
            )
    except IntegrityError as error:
        raise TemplateImportError(
            [
                ImportProblem(
                    None,
                    "code",
                    _("Another version of this template was saved at the same time; import again."),
                )
            ]
        ) from error
    checklist: list[ChecklistItem] = []
    reminders: list[ReminderRule] = []
    for order, parsed_stage in enumerate(parsed.stages, start=1):
        stage = StageTemplate.objects.create(
            template=template,
            order=order,
            name_fi=parsed_stage.names["fi"],
            name_sv=parsed_stage.names["sv"],
            name_en=parsed_stage.names["en"],
            responsible_kind=parsed_stage.responsible,
            window_start=parsed_stage.window_start,
            window_end=parsed_stage.window_end,
            is_anchor=parsed_stage.is_anchor,
            action=parsed_stage.action,
            start_events=parsed_stage.start_events,
            complete_events=parsed_stage.complete_events,
        )
        checklist.extend(
            ChecklistItem(stage=stage, order=item_order, ticked_on=ticked_on, **_name_fields(texts))
            for item_order, (texts, ticked_on) in enumerate(parsed_stage.checklist, start=1)
        )
        reminders.extend(
            ReminderRule(
                stage=stage,
                offset_days=reminder.offset,
                audience=reminder.audience,
                **_name_fields(reminder.message),
            )
            for reminder in parsed_stage.reminders
        )
    ChecklistItem.objects.bulk_create(checklist)
    ReminderRule.objects.bulk_create(reminders)
    if publish:
        try:
            template = template_publish(template=template, user=user)
        except ValidationError as error:
            raise TemplateImportError(
                [ImportProblem(None, "", message) for message in error.messages]
            ) from error
    return template


def _name_fields(texts: Texts) -> dict[str, str]:
    return {f"name_{language}": texts[language] for language in LANGUAGES}


# Writing.


class _Flow(list[Any]):
    """A short list written in flow style, [-90, -30], as the format shows it."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key; PyYAML's default puts "- " flush with it.
        super().increase_indent(flow, False)

    def choose_scalar_style(self) -> str:
        # 'Kela''s deadline' is how single quotes escape; "Kela's deadline" reads better.
        style = str(super().choose_scalar_style())
        if style == "'" and "'" in str(getattr(self.event, "value", "")):
            return '"'
        return style


def _represent_flow(dumper: _Dumper, data: _Flow) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _represent_text(dumper: _Dumper, data: str) -> yaml.Node:
    # Several lines read best as a literal block; the emitter quotes when it must.
    return dumper.represent_scalar(
        "tag:yaml.org,2002:str", data, style="|" if "\n" in data else None
    )


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(str, _represent_text)


def _texts(obj: object, prefix: str) -> Texts:
    return {language: str(getattr(obj, f"{prefix}_{language}")) for language in LANGUAGES}


def template_export(*, template: PathwayTemplate) -> str:
    """YAML text of one template version in the format template_import reads."""
    document: dict[str, Any] = {
        "code": template.code,
        "version": template.version,
        "anchor": template.anchor,
        "name": _texts(template, "name"),
    }
    descriptions = _texts(template, "description")
    if any(descriptions.values()):
        document["description"] = descriptions
    stages = []
    for stage in template.stages.prefetch_related("checklist", "reminders"):
        item: dict[str, Any] = {
            "name": _texts(stage, "name"),
            "responsible": stage.responsible_kind,
            "window": _Flow([stage.window_start, stage.window_end]),
        }
        if stage.is_anchor:
            item["anchor"] = True
        if stage.action != StageAction.NONE:
            item["action"] = stage.action
        if stage.start_events:
            item["starts_on"] = _Flow(stage.start_events)
        if stage.complete_events:
            item["completes_on"] = _Flow(stage.complete_events)
        checklist = [
            {**_texts(check, "name"), **({"ticked_on": check.ticked_on} if check.ticked_on else {})}
            for check in stage.checklist.all()
        ]
        if checklist:
            item["checklist"] = checklist
        reminders = [
            {
                "offset": reminder.offset_days,
                "audience": reminder.audience,
                "message": _texts(reminder, "name"),
            }
            for reminder in stage.reminders.all()
        ]
        if reminders:
            item["reminders"] = reminders
        stages.append(item)
    document["stages"] = stages
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=10_000,  # one value on one line: easier to edit than folded text
    )
    return text
