"""What every area's forms share: fields bounded as the API bounds the same input, and a
service's refusal shown beside the field it names.

Every date a page takes lies between the years the API takes (a later one would overflow some
timezone, an earlier one the holiday calendars); every text is as long as its column or the
API's maxLength. The messages read as the API's; the project's error list template
(templates/django/forms/errors/list/ul.html) writes each as a sentence.
"""

from datetime import UTC, date, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy

from relaydesk.api_schemas import FIRST_YEAR, LAST_YEAR, OUT_OF_YEARS
from relaydesk.errors import InvalidInput

FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def refuse_out_of_years(value: date) -> None:
    """A validator: the date (or date-time, as typed) lies in the years the API takes."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(OUT_OF_YEARS, code="out_of_years")


def local_time(moment: datetime) -> datetime:
    """The instant in the active (the viewer's) timezone; in UTC if that day has no date (the
    last hours of the year 9999 east of Greenwich), so that no stored time breaks a page."""
    try:
        return timezone.localtime(moment)
    except OverflowError:
        return moment.astimezone(UTC)


class DayField(forms.DateField):
    """A day between the years the API takes, picked in the browser's date picker."""

    widget = forms.DateInput(
        attrs={"type": "date", "min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
    )
    default_validators = [refuse_out_of_years]


def _in_your_timezone() -> str:
    return f"In your timezone ({timezone.get_current_timezone_name()})."


class MomentField(forms.DateTimeField):
    """A date and time between the years the API takes, read and shown in the active (the
    viewer's) timezone, which its help text names unless given another."""

    widget = forms.DateTimeInput(
        attrs={
            "type": "datetime-local",
            "min": f"{FIRST_DAY.isoformat()}T00:00",
            "max": f"{LAST_DAY.isoformat()}T23:59",
        },
        format="%Y-%m-%dT%H:%M",
    )
    default_validators = [refuse_out_of_years]

    def __init__(self, **kwargs: Any):
        # Worded when the page is drawn, in the timezone of whoever reads it.
        kwargs.setdefault("help_text", lazy(_in_your_timezone, str)())
        super().__init__(**kwargs)


class BoundedText(forms.CharField):
    """Text no longer than the column, or the API's maxLength, for the same input: the length
    is required, so that no page takes more than the API would. A box of `rows` lines when
    given, else one line."""

    def __init__(self, *, max_length: int, rows: int | None = None, **kwargs: Any):
        if rows is not None:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(max_length=max_length, **kwargs)


class ShowsInvalidInput:
    """A form mixin: each error of an InvalidInput beside its field, or above the form when
    the field is not one of the form's."""

    def add_invalid_input(self, invalid: InvalidInput) -> None:
        for name, messages in invalid.errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
