import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from agencies.models import User
from pathways.models import Case

from ..conftest import demo_world_load
from ..factories import demo_people, jari_case, mikko_case, mikko_planned

CHROMIUM = os.environ.get("POLKU_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"no Chromium at {CHROMIUM}: install Debian's chromium package "
                        "(apt-get install chromium) or set POLKU_CHROMIUM"
                    )
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


@pytest.fixture
def assert_accessible(axe: Axe):
    """Run axe-core on the page as it is now and fail on any violation."""

    def check(page: Page) -> None:
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages in contexts of their own (one per user), closed when the test ends so that no
    page talks to the live server after its database is gone."""
    contexts: list[BrowserContext] = []

    def new(**options: Any) -> Page:
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield new
    for context in contexts:
        context.close()


# Worlds for the live server: committed, so that the server's own connections see them,
# and deleted with everything else after the test.


@pytest.fixture
def demo(transactional_db: None) -> dict[str, User]:
    """The whole demo region."""
    return demo_world_load()


@pytest.fixture
def people(transactional_db: None) -> dict[str, User]:
    """The demo's agencies, personas (who log in with DEMO_PASSWORD) and named contact
    persons, without clients."""
    return demo_people()


@pytest.fixture
def mikko(people: dict[str, User]) -> Case:
    """The demo's people, and Mikko Mäkinen's path as the demo has it."""
    return mikko_case()


@pytest.fixture
def planned_mikko(people: dict[str, User]) -> Case:
    """The demo's people, and Mikko's path with the demo's assessment and plan."""
    return mikko_planned()


@pytest.fixture
def jari(people: dict[str, User]) -> Case:
    """The demo's people, and Jari Niskanen's path as the demo has it."""
    return jari_case()
