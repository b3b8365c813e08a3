"""Errors by their codes, so that tests do not depend on the wording or its translation."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorDict


def codes(error: ValidationError | ErrorDict) -> dict[str, list[str | None]]:
    """Field -> the codes of its errors, of a ValidationError or of a form's errors;
    errors not tied to a field are under NON_FIELD_ERRORS."""
    if isinstance(error, ErrorDict):
        return {field: [e.code for e in errors.as_data()] for field, errors in error.items()}
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    return {NON_FIELD_ERRORS: [e.code for e in error.error_list]}
