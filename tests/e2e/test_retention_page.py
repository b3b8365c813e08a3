from playwright.sync_api import Page, expect

from retention.models import RetentionRun
from retention.tasks import retention_run

from ..conftest import DEMO_PASSWORD
from ..retention.conftest import rules, world  # pytest fixtures, used by name

__all__ = ["rules", "world"]


def log_in_english(page: Page, base: str, username: str) -> None:
    # The new strings are English until the lead compiles the translations.
    page.context.add_cookies([{"name": "polku_language", "value": "en", "url": base}])
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_dpo_opens_the_dry_run_report(
    open_page, live_server, people, world, assert_accessible, monkeypatch
):
    # The button queues the task; no broker, and no development worker, gets it here.
    queued: list[int] = []
    monkeypatch.setattr(retention_run, "delay", queued.append)
    base = live_server.url
    dpo = open_page()
    log_in_english(dpo, base, "tietosuoja")
    nav = dpo.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Retention").click()
    expect(dpo.get_by_role("heading", level=1)).to_have_text("Retention")
    expect(dpo.get_by_role("heading", name="2 clients due")).to_be_visible()
    findings = dpo.get_by_role("table", name="2 clients due")
    expect(findings.get_by_role("cell", name=str(world.clear.public_id))).to_be_visible()
    expect(findings.get_by_text(world.clear.last_name)).to_have_count(0)
    assert_accessible(dpo)

    dpo.get_by_role("button", name="Run retention now").click()
    expect(dpo.get_by_text("A retention run is already waiting or working.")).to_be_visible()
    assert_accessible(dpo)
    run = RetentionRun.objects.get(requested_by__username="tietosuoja")
    assert queued == [run.pk]
