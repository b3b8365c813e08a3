"""Every URL of the project, generated from the URLconf, so that no view can be left out."""

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# Namespaces with their own access control, tested on their own.
SKIPPED_NAMESPACES = {"admin"}
# Pages anyone may open without logging in.
PUBLIC = {
    "login",
    "logout",
    "healthz",
    "set_language",
    "calendar-feed-ics",
    "accessibility-statement",
}


@dataclass(frozen=True)
class Route:
    name: str
    path: str


def _sample(converter: str) -> str:
    return {"uuid": str(uuid.uuid4()), "int": "1", "slug": "x", "path": "x"}.get(converter, "x")


def _walk(resolver: URLResolver, prefix: str, namespace: str | None) -> Iterator[Route]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            converters = getattr(pattern.pattern, "converters", {})
            for key, converter in converters.items():
                kind = type(converter).__name__.replace("Converter", "").lower()
                route = route.replace(f"<{kind}:{key}>", _sample(kind)).replace(f"<{key}>", "x")
            name = pattern.name or pattern.lookup_str
            yield Route(
                name=f"{namespace}:{name}" if namespace else name,
                path="/" + route.lstrip("^").rstrip("$"),
            )


def all_routes() -> list[Route]:
    return list(_walk(get_resolver(), "", None))
