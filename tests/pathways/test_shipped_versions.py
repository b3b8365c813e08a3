"""A new shipped version of a path reaches a running service on its next load_defaults,
without touching the versions cases run on or a coordinator's own later version."""

import pytest

from pathways.models import PathwayTemplate
from pathways.templates.defaults import (
    pathway_defaults_load,
    shipped_template_files,
    shipped_version,
)
from referrals.events import PathEvent

pytestmark = pytest.mark.django_db


def test_every_shipped_file_is_loaded_as_the_version_it_states(personas):
    for path in shipped_template_files():
        version = shipped_version(path.read_text(encoding="utf-8"))
        assert version == 2
        template = PathwayTemplate.objects.get(code=path.stem, version=version)
        assert template.published_at is not None
        # Version 2 is the one that names the events its path moves on.
        assert any(stage.complete_events for stage in template.stages.all())


def test_an_older_shipped_version_is_followed_by_the_new_one(personas):
    adult = PathwayTemplate.ADULT_RELEASE
    PathwayTemplate.objects.filter(code=adult).update(code="kept-aside")
    old = PathwayTemplate.objects.filter(code="kept-aside").latest("version")
    PathwayTemplate.objects.filter(pk=old.pk).update(code=adult, version=1)

    pathway_defaults_load()
    pathway_defaults_load()  # a second run adds nothing

    versions = PathwayTemplate.objects.filter(code=adult).order_by("version")
    assert [v.version for v in versions] == [1, 2]
    newest = versions.last()
    referral_stage = newest.stages.get(action="referral")
    assert referral_stage.complete_events == [PathEvent.REFERRAL_ACCEPTED]


def test_a_coordinators_later_version_is_not_overwritten(personas):
    adult = PathwayTemplate.ADULT_RELEASE
    shipped = PathwayTemplate.objects.get(code=adult, version=2)
    PathwayTemplate.objects.filter(pk=shipped.pk).update(version=5)
    before = PathwayTemplate.objects.filter(code=adult).count()
    pathway_defaults_load()
    assert PathwayTemplate.objects.filter(code=adult).count() == before
