"""Pages built by selectors as frozen dataclasses, handed to templates field by field."""

from dataclasses import fields, is_dataclass
from typing import Any


def page_context(page: Any) -> dict[str, Any]:
    """The page's fields by name, not copied: templates read the page's own objects (its
    forms keep their errors, its querysets stay lazy)."""
    if not is_dataclass(page) or isinstance(page, type):
        raise TypeError(f"a page dataclass was expected, not {type(page).__name__}")
    return {field.name: getattr(page, field.name) for field in fields(page)}
