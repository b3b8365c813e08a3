"""Form fields by name, so that one include renders a fieldset of any form's fields."""

from django import template
from django.forms import BaseForm, BoundField

register = template.Library()


@register.filter
def fields(form: BaseForm, names: str) -> list[BoundField]:
    """The fields of `form` named in `names` (separated by spaces), in that order."""
    return [form[name] for name in names.split()]
