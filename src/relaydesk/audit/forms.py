from datetime import date

from django import forms

from relaydesk.api_schemas import FIRST_YEAR, LAST_YEAR
from relaydesk.audit.models import Action, Entry
from relaydesk.audit.selectors import Filters
from relaydesk.directory.models import Person

# The days the product can compute and show, as the API has them.
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)
_DAY = forms.DateInput(attrs={"type": "date", "min": FIRST_DAY, "max": LAST_DAY})


class FiltersForm(forms.Form):
    # Only those who did something: the log is short of actors, the organisation is not.
    actor = forms.ModelChoiceField(
        Person.objects.filter(pk__in=Entry.objects.values("actor_id")).order_by("name"),
        required=False,
        label="Who",
        empty_label="Anyone",
    )
    action = forms.ChoiceField(
        choices=[("", "Anything"), *Action.choices], required=False, label="What"
    )
    since = forms.DateField(required=False, label="From", widget=_DAY)
    until = forms.DateField(required=False, label="To", widget=_DAY)

    def clean(self) -> dict:
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day is not None and not (FIRST_DAY <= day <= LAST_DAY):
                self.add_error(name, f"a day between {FIRST_DAY} and {LAST_DAY}")
        return data

    def filters(self, timezone: str) -> Filters:
        data = self.cleaned_data
        return Filters(
            actor_id=data["actor"].pk if data.get("actor") else None,
            action=data.get("action") or None,
            since=data.get("since"),
            until=data.get("until"),
            timezone=timezone,
        )
