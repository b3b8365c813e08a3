"""An import is one transaction (issue 18): the template row, its stages, checklist items,
reminder rules and the publish are written together or not at all, whether the import
comes from the service, the editor or `manage.py import_pathway`."""

import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.utils import translation

from pathways.models import PathwayTemplate
from pathways.templates import yaml_io
from pathways.templates.checks import StageProblem
from pathways.templates.yaml_io import TemplateImportError, template_import

from .test_yaml import BASE, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_stage_breaks_a_constraint() -> Iterator[None]:
    """The parser's checks let through a second stage whose window closes before it opens,
    so that the database refuses it after the template and the first stage are written."""
    parse = yaml_io._parse

    def parse_and_spoil(text: str) -> Any:
        parsed = parse(text)
        parsed.stages[1] = dataclasses.replace(parsed.stages[1], window_start=5, window_end=1)
        return parsed

    with mock.patch.object(yaml_io, "_parse", parse_and_spoil):
        yield


@pytest.fixture
def publish_finds_a_problem() -> Iterator[None]:
    """A rule of checks.py that only the publish reports, after every row is written."""
    problem = StageProblem(index=1, field="window_start", message="Refused at the publish.")
    with mock.patch("pathways.templates.services.stage_problems", return_value=[problem]):
        yield


@pytest.fixture
def yaml_file(tmp_path: Path) -> Path:
    path = tmp_path / "path.yaml"
    path.write_text(BASE, encoding="utf-8")
    return path


@pytest.mark.parametrize("publish", [False, True])
def test_a_stage_the_database_refuses_leaves_nothing_behind(
    personas, second_stage_breaks_a_constraint, publish
):
    before = counts()
    with pytest.raises(IntegrityError):
        template_import(text=BASE, user=None, publish=publish)
    assert counts() == before
    assert not PathwayTemplate.objects.filter(code="test-path").exists()


def test_a_rule_the_publish_keeps_leaves_nothing_behind(personas, publish_finds_a_problem):
    before = counts()
    with translation.override("en"), pytest.raises(TemplateImportError) as caught:
        template_import(text=BASE, user=None, publish=True)
    assert [problem.message for problem in caught.value.problems] == [
        "“Release”: Refused at the publish."
    ]
    assert counts() == before


def test_a_draft_import_does_not_run_the_publish(personas, publish_finds_a_problem):
    draft = template_import(text=BASE, user=None)
    assert draft.published_at is None
    assert draft.stages.count() == 2


def test_the_command_leaves_nothing_when_the_database_refuses_a_stage(
    personas, second_stage_breaks_a_constraint, yaml_file
):
    before = counts()
    with pytest.raises(IntegrityError):
        call_command("import_pathway", yaml_file, "--publish", stdout=io.StringIO())
    assert counts() == before


def test_the_command_leaves_nothing_when_the_publish_refuses(
    personas, publish_finds_a_problem, yaml_file
):
    before = counts()
    err = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_pathway", yaml_file, "--publish", stderr=err)
    assert f"{yaml_file}: “Release”: Refused at the publish." in err.getvalue()
    assert counts() == before
