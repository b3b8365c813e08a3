import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from core.dates import add_years
from history.models import ChangeRecord, ObjectKind
from pathways.models import Case
from plans.models import Assessment, AssessmentEntry
from referrals.models import (
    Client,
    DataCategory,
    LogPurpose,
    Referral,
    ReferralStatus,
    Release,
    UseLogEntry,
)
from retention.defaults import RULES, retention_defaults_load
from retention.models import (
    ClientAnonymisation,
    CountedFrom,
    RetentionRule,
    RetentionRun,
    RunStatus,
)
from retention.scrubs import REDACTED
from retention.selectors import Decision, retention_plan
from retention.services import client_retention_apply, retention_execute
from retention.tasks import retention_run

from ..factories import agency
from .conftest import today

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "clients": list(
            Client.objects.order_by("pk").values_list(
                "pk", "first_name", "last_name", "hetu_index", "phone", "email", "birth_date"
            )
        ),
        "referrals": list(Referral.objects.order_by("pk").values_list("pk", "message", "status")),
        "assessments": list(Assessment.objects.order_by("pk").values_list("pk", "summary")),
        "entries": list(AssessmentEntry.objects.order_by("pk").values_list("pk", "note")),
        "releases": list(Release.objects.order_by("pk").values_list("pk", "expected_date")),
        "runs": list(RetentionRun.objects.values_list("pk")),
        "history": list(ChangeRecord.objects.values_list("pk")),
    }


def by_client(plan):
    return {finding.client_id: finding for finding in plan.findings}


def test_defaults_load_once_and_never_overwrite(personas):
    assert retention_defaults_load() == len(RULES)
    identity = RetentionRule.objects.get(category__code=DataCategory.IDENTITY)
    assert (identity.years, identity.counted_from) == (4, CountedFrom.RELATIONSHIP_END)
    release = RetentionRule.objects.get(category__code=DataCategory.RELEASE)
    assert (release.years, release.counted_from) == (5, CountedFrom.RELEASE)
    RetentionRule.objects.filter(pk=identity.pk).update(years=6)
    assert retention_defaults_load() == 0
    call_command("load_defaults", verbosity=0)
    assert RetentionRule.objects.get(pk=identity.pk).years == 6
    assert RetentionRule.objects.count() == len(RULES)


def test_add_years_keeps_29_february_in_range():
    assert add_years(datetime.date(2024, 2, 29), 4) == datetime.date(2028, 2, 29)
    assert add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)


def test_the_dry_run_lists_what_is_due_and_why_and_changes_nothing(world):
    before = snapshot()
    plan = retention_plan(today=today())
    found = by_client(plan)
    assert set(found) == {world.anonymise.pk, world.delete.pk, world.clear.pk}
    assert found[world.anonymise.pk].decision == Decision.ANONYMISE
    assert found[world.delete.pk].decision == Decision.DELETE
    clear = found[world.clear.pk]
    assert clear.decision == Decision.CLEAR
    assert set(clear.category_codes) == {"contact", "health", "service_needs"}
    # Every category of the anonymised client, each with its rule and dates.
    anonymise = found[world.anonymise.pk]
    assert set(anonymise.category_codes) == {
        "identity",
        "contact",
        "release",
        "sentence",
        "health",
        "service_needs",
        "employment_plan",
    }
    release_date = Release.objects.get(client=world.anonymise).expected_date
    release_item = next(i for i in anonymise.items if i.category.code == "release")
    assert release_item.counted_from == release_date
    assert release_item.due_on == add_years(release_date, 5)
    identity = next(i for i in anonymise.items if i.category.code == "identity")
    assert identity.counted_from == release_date  # the relationship ended at the release
    assert identity.due_on == add_years(release_date, 4)
    # The client never released has no enforcement data to wait for.
    assert "release" not in found[world.delete.pk].category_codes
    assert plan.stale == 1  # the case left active for seven years
    assert plan.use_log_rows == 1
    assert dict(plan.per_decision())[str(Decision.DELETE.label)] == 1
    assert {c.code: n for c, _rule, n in plan.per_category()}["contact"] == 3
    assert snapshot() == before


def test_the_real_run_does_exactly_what_the_dry_run_found(world):
    untouched = list(
        Client.objects.exclude(pk__in=[world.anonymise.pk, world.delete.pk, world.clear.pk])
        .order_by("pk")
        .values()
    )
    planned = by_client(retention_plan(today=today()))
    run = retention_execute(run_id=None, today=today())
    assert run is not None
    assert run.status == RunStatus.DONE
    assert run.counts["anonymise"] == 1
    assert run.counts["delete"] == 1
    assert run.counts["clear"] == 1
    assert run.counts["use_log_expired"] == 1
    assert run.counts["categories"]["contact"] == 3

    # Deleted, with every row of its own.
    assert not Client.objects.filter(pk=world.delete.pk).exists()
    assert ChangeRecord.objects.filter(
        object_kind=ObjectKind.CLIENT, object_id=world.delete.public_id, action="delete"
    ).exists()

    # Anonymised: the row stays for the case and statistics, the person does not.
    client = Client.objects.get(pk=world.anonymise.pk)
    assert client.first_name == "–"
    assert client.last_name == client.temporary_id
    assert client.temporary_id.startswith("ANON-")
    assert (client.hetu_encrypted, client.hetu_index) == ("", None)
    assert (client.phone, client.email, client.address) == ("", "", "")
    assert client.birth_date == world.anonymise.birth_date.replace(month=1, day=1)
    assert client.home_municipality_id == world.anonymise.home_municipality_id
    assert ClientAnonymisation.objects.get(client=client).run == run
    assert Case.objects.filter(client=client).exists()
    assert set(Referral.objects.filter(client=client).values_list("message", flat=True)) == {""}
    assessment = Assessment.objects.get(case__client=client)
    assert assessment.summary == ""
    assert set(assessment.entries.values_list("note", flat=True)) == {""}
    assert ChangeRecord.objects.filter(
        object_kind=ObjectKind.CLIENT, object_id=client.public_id, action="anonymise"
    ).exists()

    # Cleared: only the due categories; the identity waits for the release data.
    cleared = Client.objects.get(pk=world.clear.pk)
    assert cleared.last_name == world.clear.last_name
    assert cleared.hetu_index == world.clear.hetu_index
    assert (cleared.phone, cleared.email) == ("", "")
    notes = dict(
        AssessmentEntry.objects.filter(assessment__case__client=cleared).values_list(
            "domain", "note"
        )
    )
    assert notes == {"mental_health": "", "housing": ""}
    assert Assessment.objects.get(case__client=cleared).summary == ""
    # The referral's message is not in a due category: it stays until the client goes.
    assert Referral.objects.get(client=cleared).message
    assert set(planned[world.clear.pk].category_codes) == {"contact", "health", "service_needs"}

    # Nobody else was touched.
    assert (
        list(
            Client.objects.exclude(pk__in=[world.anonymise.pk, world.delete.pk, world.clear.pk])
            .order_by("pk")
            .values()
        )
        == untouched
    )


def test_a_second_run_finds_and_does_nothing(world):
    retention_execute(run_id=None, today=today())
    assert retention_plan(today=today()).findings == []
    before = snapshot()
    second = retention_execute(run_id=None, today=today())
    assert second is not None
    assert second.counts == {"use_log_expired": 0, "disclosure_log_expired": 0, "categories": {}}
    after = snapshot()
    assert after["runs"] != before["runs"]
    assert {k: v for k, v in after.items() if k != "runs"} == {
        k: v for k, v in before.items() if k != "runs"
    }


def test_applying_one_client_twice_acts_once(world):
    first = client_retention_apply(client_id=world.clear.pk, today=today())
    assert first is not None
    assert first.decision == Decision.CLEAR
    assert client_retention_apply(client_id=world.clear.pk, today=today()) is None


def test_a_change_made_after_the_dry_run_is_respected(world):
    """The run acts on a fresh finding: a client referred again meanwhile is not touched."""
    planned = by_client(retention_plan(today=today()))
    assert world.anonymise.pk in planned
    Referral.objects.filter(client=world.anonymise).update(status=ReferralStatus.ACCEPTED)
    retention_execute(run_id=None, today=today())
    assert Client.objects.get(pk=world.anonymise.pk).last_name == world.anonymise.last_name


def test_rules_are_per_category(world):
    # Contact details kept for ten years: the cleared client keeps them, nobody is whole.
    RetentionRule.objects.filter(category__code="contact").update(years=10)
    found = by_client(retention_plan(today=today()))
    assert set(found[world.clear.pk].category_codes) == {"health", "service_needs"}
    assert found[world.anonymise.pk].decision == Decision.CLEAR
    assert set(found[world.anonymise.pk].category_codes) == {"health", "service_needs"}
    assert world.delete.pk not in found


def test_health_counted_from_the_release_waits_for_it(world):
    RetentionRule.objects.filter(category__code="health").update(
        counted_from=CountedFrom.RELEASE, years=5
    )
    found = by_client(retention_plan(today=today()))
    assert set(found[world.clear.pk].category_codes) == {"contact", "service_needs"}
    assert found[world.anonymise.pk].decision == Decision.ANONYMISE


def test_a_category_without_a_rule_keeps_every_client_whole(world, login):
    RetentionRule.objects.filter(category__code="sentence").delete()
    plan = retention_plan(today=today())
    assert [c.code for c in plan.uncovered] == ["sentence"]
    assert {f.decision for f in plan.findings} == {Decision.CLEAR}
    with translation.override("en"):
        page = login("tietosuoja").get(reverse("retention-report"))
    assert page.context["plan"].uncovered


def test_the_dpo_page_shows_the_dry_run_and_logs_the_clients_shown(world, login):
    before = snapshot()
    response = login("tietosuoja").get(reverse("retention-report"))
    assert response.status_code == 200
    shown = {f.client_id for f in response.context["page"].object_list}
    # Oulun seutu received the two released clients; the third was never disclosed to it.
    assert shown == {world.anonymise.pk, world.clear.pk}
    assert len(response.context["everywhere"].findings) == 3
    page = response.content.decode()
    for client in (world.anonymise, world.clear):
        assert str(client.public_id) in page
        assert client.last_name not in page
        assert client.first_name not in page
    assert str(world.delete.public_id) not in page
    logged = UseLogEntry.objects.filter(
        purpose=LogPurpose.SUPERVISION, path=reverse("retention-report")
    )
    assert set(logged.values_list("client_id", flat=True)) == shown
    assert set(logged.get(client=world.clear).categories) == {"contact", "health", "service_needs"}
    assert logged.first().username == "tietosuoja"
    assert snapshot() == before


def test_a_client_the_dpo_looked_at_is_anonymised_rather_than_deleted(world, login):
    """The supervision look is in the use log, which must keep its client."""
    Client.objects.filter(pk=world.delete.pk).update(recorded_by=agency("tym-oulu"))
    login("tietosuoja").get(reverse("retention-report"))
    finding = by_client(retention_plan(today=today()))[world.delete.pk]
    assert finding.decision == Decision.ANONYMISE


@pytest.mark.parametrize(
    "username",
    ["rise.oulu", "tym.oulu", "koordinaattori.oulu", "hva.pohjois", "kela.pohjoinen", "admin"],
)
def test_only_the_data_protection_officer_opens_or_runs_it(login, rules, username):
    client = login(username)
    assert client.get(reverse("retention-report")).status_code == 403
    assert client.post(reverse("retention-run")).status_code == 403
    assert not RetentionRun.objects.exists()


def test_the_button_queues_one_run_that_acts_on_a_fresh_dry_run(
    world, login, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(retention_run, "delay", lambda run_id: queued.append(run_id))
    dpo = login("tietosuoja")
    with django_capture_on_commit_callbacks(execute=True):
        response = dpo.post(reverse("retention-run"))
    assert response.status_code == 302
    run = RetentionRun.objects.get()
    assert queued == [run.pk]
    assert run.status == RunStatus.REQUESTED
    assert run.requested_by.username == "tietosuoja"
    # A second press while it waits queues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        dpo.post(reverse("retention-run"))
    assert queued == [run.pk]
    assert RetentionRun.objects.count() == 1
    assert dpo.get(reverse("retention-report")).context["pending"] == run

    # The worker: the same task twice (a redelivery) runs it once.
    assert retention_run(run.pk) == run.pk
    assert retention_run(run.pk) is None
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert (run.counts["anonymise"], run.counts["delete"], run.counts["clear"]) == (1, 1, 1)
    assert ClientAnonymisation.objects.filter(client=world.anonymise).exists()
    assert ChangeRecord.objects.filter(
        object_id=world.anonymise.public_id, action="anonymise", user__username="tietosuoja"
    ).exists()
    page = dpo.get(reverse("retention-report"))
    assert page.context["pending"] is None
    assert list(page.context["runs"]) == [run]


def test_a_run_does_not_start_while_another_works(world):
    other = RetentionRun.objects.create(
        status=RunStatus.RUNNING, started_at=datetime.datetime.now(datetime.UTC)
    )
    assert retention_execute(run_id=None, today=today()) is None
    assert Client.objects.filter(pk=world.delete.pk).exists()
    other.status = RunStatus.DONE
    other.save()
    assert retention_execute(run_id=None, today=today()) is not None


def test_a_run_left_running_by_a_dead_worker_does_not_block_for_ever(world):
    stale = RetentionRun.objects.create(
        status=RunStatus.RUNNING,
        started_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=4),
    )
    assert retention_execute(run_id=None, today=today()) is not None
    stale.refresh_from_db()
    assert stale.status == RunStatus.FAILED


def test_free_text_with_a_constraint_keeps_a_placeholder(world):
    referral = Referral.objects.get(client=world.anonymise)
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.RETURNED, return_reason="Asiakas muutti Tampereelle"
    )
    retention_execute(run_id=None, today=today())
    referral.refresh_from_db()
    assert referral.return_reason == REDACTED


def test_the_nightly_schedule_runs_the_task_at_night_in_helsinki(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-run"]
    assert entry["task"] == "retention.run"
    assert entry["schedule"].hour == {2}
    assert settings.CELERY_TIMEZONE == "Europe/Helsinki"
    assert retention_run.name == "retention.run"
    assert retention_run.max_retries
    assert retention_run.time_limit


def test_a_client_something_unknown_refers_to_is_anonymised_instead(world, monkeypatch):
    from django.db.models import ProtectedError

    from retention import services

    def refused(**kwargs):
        raise ProtectedError("referred to", set())

    monkeypatch.setattr(services, "_client_delete", refused)
    done = client_retention_apply(client_id=world.delete.pk, today=today())
    assert done is not None
    assert done.decision == Decision.ANONYMISE
    assert ClientAnonymisation.objects.filter(client_id=world.delete.pk).exists()
    assert Client.objects.get(pk=world.delete.pk).hetu_index is None
