"""The transition engine (history.transitions): its tables, a refused move, and the move
Polku makes by itself on an event."""

import pytest

from history.models import ChangeAction, ChangeRecord
from history.transitions import TransitionConflict, Transitions, transition_try
from pathways.cases.services import case_close
from pathways.cases.transitions import STAGE_TRANSITIONS
from pathways.models import CaseStage, CaseStatus, StageStatus

from ..factories import agency, user
from ..pathways.path_helpers import oulu_case

pytestmark = pytest.mark.django_db
S = StageStatus


def test_a_table_names_the_recorded_action_of_every_move():
    with pytest.raises(ValueError, match="skip"):
        Transitions(
            moves={"open": {"close": "closed", "skip": "skipped"}},
            actions={"close": ChangeAction.CLOSED},
        )


def test_a_move_the_table_refuses_is_a_conflict_and_records_nothing():
    case = oulu_case()
    membership = user("rise.oulu").memberships.get(agency=agency("rise-prison"))
    case_close(case=case, membership=membership)
    with pytest.raises(TransitionConflict) as refused:
        case_close(case=case, membership=membership)
    assert refused.value.code == "conflict"
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    closed = ChangeRecord.objects.filter(object_id=case.public_id, action=ChangeAction.CLOSED)
    assert closed.count() == 1


def test_polkus_own_move_gives_way_to_a_move_made_since_it_read_the_stage():
    stage = CaseStage.objects.filter(case=oulu_case(), status=S.NOT_STARTED).first()
    assert stage is not None
    # A person skips it meanwhile.
    CaseStage.objects.filter(pk=stage.pk).update(status=S.SKIPPED, skip_reason="muutti")
    assert not transition_try(transitions=STAGE_TRANSITIONS, obj=stage, move="complete")
    assert CaseStage.objects.get(pk=stage.pk).status == S.SKIPPED
    fresh = CaseStage.objects.get(pk=stage.pk)
    assert not transition_try(transitions=STAGE_TRANSITIONS, obj=fresh, move="complete")
    CaseStage.objects.filter(pk=stage.pk).update(status=S.IN_PROGRESS)
    fresh = CaseStage.objects.get(pk=stage.pk)
    assert transition_try(transitions=STAGE_TRANSITIONS, obj=fresh, move="complete")
    assert fresh.status == CaseStage.objects.get(pk=stage.pk).status == S.DONE
