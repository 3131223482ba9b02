"""Helpers shared by the courts' pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError

from zhengfa.courts.forms import add_service_errors


def attempt(form: forms.Form, run: Callable[[dict[str, Any]], Any]) -> Any:
    """Run the service with the form's data; on refusal put the errors on the form and
    answer None (the page re-renders with the values kept)."""
    if not form.is_valid():
        return None
    try:
        return run(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
    except PermissionDenied as denied:
        form.add_error(None, str(denied))
    return None
