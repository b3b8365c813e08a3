"""Views stay thin (docs/design.md, README): no view of the project's own apps is over
40 lines, counting its decorators and docstring. Page building belongs in selectors."""

import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

MAX_LINES = 40


def _callbacks(resolver: URLResolver) -> Iterator[Callable[..., Any]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _callbacks(pattern)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback


def _project_packages() -> tuple[str, ...]:
    """The apps whose code is in this repository, and config; django.contrib and the
    third-party apps (under the virtual environment) are not ours to measure."""
    root = Path(settings.BASE_DIR).resolve()
    ours = [
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(root)
        and "site-packages" not in Path(config.path).parts
    ]
    return (*ours, "config")


def _is_project(function: Callable[..., Any], packages: tuple[str, ...]) -> bool:
    module = getattr(function, "__module__", "") or ""
    return any(module == package or module.startswith(package + ".") for package in packages)


def _view_functions() -> dict[str, Callable[..., Any]]:
    """Each view function of the project once, by its dotted name: the URLconf's views and
    the other functions of their modules, which render pages for them (a view that hands
    its page to a 100-line helper is not thin). A class-based view is measured by the
    handlers its own class defines."""
    packages = _project_packages()
    found: dict[str, Callable[..., Any]] = {}
    for callback in _callbacks(get_resolver()):
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            functions = [
                inspect.unwrap(member)
                for member in vars(view_class).values()
                if inspect.isfunction(member)
            ]
        else:
            functions = [inspect.unwrap(callback)]
        for function in functions:
            if inspect.isfunction(function) and _is_project(function, packages):
                found[f"{function.__module__}.{function.__qualname__}"] = function
    for module in {inspect.getmodule(function) for function in list(found.values())}:
        for function in vars(module).values():
            if inspect.isfunction(function) and function.__module__ == module.__name__:
                function = inspect.unwrap(function)
                found[f"{function.__module__}.{function.__qualname__}"] = function
    return found


def test_the_walk_finds_the_project_views() -> None:
    views = _view_functions()
    # A walk that silently found nothing would pass the size check below.
    assert "pathways.cases.views.case_detail" in views
    assert "plans.plan_views.plan_detail" in views
    # The helpers the views hand their pages to are measured too.
    assert "pathways.cases.views.case_page_respond" in views
    assert not any(name.startswith(("django.", "django_otp.")) for name in views)
    assert len(views) > 100


def test_no_view_is_over_40_lines() -> None:
    too_long = {}
    for name, function in _view_functions().items():
        lines, _ = inspect.getsourcelines(function)
        if len(lines) > MAX_LINES:
            too_long[name] = len(lines)
    listing = "\n".join(
        f"{name}: {count} lines" for name, count in sorted(too_long.items(), key=lambda i: -i[1])
    )
    assert not too_long, f"views over {MAX_LINES} lines:\n{listing}"
