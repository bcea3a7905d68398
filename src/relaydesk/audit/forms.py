from django import forms

from relaydesk.audit.models import Action, Entry
from relaydesk.audit.selectors import Filters
from relaydesk.directory.models import Person
from relaydesk.forms import DayField


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
    since = DayField(required=False, label="From")
    until = DayField(required=False, label="To")

    def filters(self, timezone: str) -> Filters:
        data = self.cleaned_data
        return Filters(
            actor_id=data["actor"].pk if data.get("actor") else None,
            action=data.get("action") or None,
            since=data.get("since"),
            until=data.get("until"),
            timezone=timezone,
        )
