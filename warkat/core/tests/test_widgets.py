"""Every date field of every form renders the ISO value ``<input type="date">`` needs."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django import forms
from django.utils import translation

from warkat.audit.views import EventFilterForm
from warkat.core.widgets import DateInput
from warkat.dispositions.settings_views import HolidayForm
from warkat.letters.correct_views import CorrectForm
from warkat.letters.forms import AgendaForm, InboxFilterForm, RegisterForm
from warkat.org.forms import AssignmentEndForm, AssignmentForm

DAY = dt.date(2026, 11, 4)
FORMS: list[type[forms.Form]] = [
    RegisterForm,
    CorrectForm,
    InboxFilterForm,
    AgendaForm,
    EventFilterForm,
    AssignmentForm,
    AssignmentEndForm,
    HolidayForm,
]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_date_fields_render_iso_in_indonesian(form_class: type[forms.Form]) -> None:
    dates = {
        name: field
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.DateField)
    }
    assert dates
    with translation.override("id"):
        for name, field in dates.items():
            assert isinstance(field.widget, DateInput), name
            html = field.widget.render(name, DAY)
            assert 'type="date"' in html and 'value="2026-11-04"' in html, html
            # What the browser sends back parses to the same day.
            assert field.clean("2026-11-04") == DAY


def test_no_other_date_widget_in_the_code() -> None:
    """One widget for every date input: a form that builds its own DateInput
    would render the language's format again."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "widgets.py"
        and re.search(
            r"forms\.DateInput\(|DateInput\(attrs=\{\"type\"", path.read_text()
        )
    ]
    assert offenders == []
