"""An import cannot be made to exhaust the server: nesting depth and size are limited,
with an error on the field and nothing saved (issue 12)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pathways.models import PathwayTemplate
from pathways.templates.yaml_io import (
    MAX_CHARACTERS,
    MAX_DEPTH,
    TemplateImportError,
    template_import,
)

pytestmark = pytest.mark.django_db

DEEP_FLOW = "code: deep\nanchor: release_date\nstages: " + "[" * 500 + "]" * 500 + "\n"
DEEP_BLOCK = "code: deep\nanchor: release_date\nstages:\n" + "".join(
    "  " * depth + "-\n" for depth in range(1, 300)
)


@pytest.mark.parametrize("text", [DEEP_FLOW, DEEP_BLOCK], ids=["flow", "block"])
def test_a_file_nested_too_deep_is_one_problem_and_saves_nothing(personas, text):
    before = PathwayTemplate.objects.count()
    with pytest.raises(TemplateImportError) as error:
        template_import(text=text, user=None)
    [problem] = error.value.problems
    assert problem.line is not None
    assert str(MAX_DEPTH) in problem.message
    assert PathwayTemplate.objects.count() == before


def test_a_file_too_large_is_refused(personas):
    with pytest.raises(TemplateImportError) as error:
        template_import(text="#" * (MAX_CHARACTERS + 1), user=None)
    assert str(MAX_CHARACTERS) in error.value.problems[0].message


def test_the_import_page_shows_the_depth_error_on_the_field(login):
    client = login("koordinaattori.oulu")
    client.cookies["polku_language"] = "en"
    upload = SimpleUploadedFile("deep.yaml", DEEP_FLOW.encode(), "application/yaml")
    response = client.post(reverse("pathway-import"), {"file": upload})
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert message == (
        f"Line 3: The file nests lists and mappings too deep: at most {MAX_DEPTH} levels."
    )
    assert not PathwayTemplate.objects.filter(code="deep").exists()
