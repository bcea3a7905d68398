"""Forms that turn what a lead types into the catalog's specs; saving goes through services."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from relaydesk.catalog.models import Calendar, Priority, Service
from relaydesk.catalog.services import PromiseSpec, ServiceSpec
from relaydesk.core.businesstime import WEEKDAY_NAMES
from relaydesk.core.durations import parse_minutes, short_minutes
from relaydesk.directory.models import Party, Person, Team
from relaydesk.errors import InvalidInput


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


class _ReferenceListField(forms.CharField):
    """A comma-separated list of keys (emails, slugs) naming existing objects."""

    def __init__(self, *, queryset: QuerySet, key: str, noun: str, **kwargs: Any):
        self.queryset, self.key, self.noun = queryset, key, noun
        super().__init__(required=False, **kwargs)

    def clean(self, value: str) -> list:
        keys = [k.lower() if self.key == "email" else k for k in _split(super().clean(value))]
        found = self.queryset.in_bulk(keys, field_name=self.key)
        missing = [k for k in keys if k not in found]
        if missing:
            raise forms.ValidationError(f"no {self.noun} {', '.join(missing)}")
        return [found[k] for k in dict.fromkeys(keys)]


class ServiceForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, help_text="The address of its page; letters, digits, -.")
    kind = forms.ChoiceField(choices=Service.Kind.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    keywords = forms.CharField(
        required=False, help_text="Words people may search for, commas between."
    )
    provider_team = forms.ModelChoiceField(Team.objects.none(), required=False)
    provider_person = _ReferenceListField(
        queryset=Person.objects.none(),
        key="email",
        noun="person you may publish for with email",
        label="Provider person",
        help_text="Or one person's email, instead of a team.",
    )
    calendar = forms.ModelChoiceField(Calendar.objects.all())
    audience = forms.ChoiceField(choices=Service.Audience.choices, widget=forms.RadioSelect)
    requester_teams = forms.ModelMultipleChoiceField(Team.objects.all(), required=False)
    requester_people = _ReferenceListField(
        queryset=Person.objects.filter(is_active=True),
        key="email",
        noun="active person with email",
        help_text="Emails, commas between.",
    )
    customer_teams = forms.ModelMultipleChoiceField(Team.objects.all(), required=False)
    customer_people = _ReferenceListField(
        queryset=Person.objects.filter(is_active=True),
        key="email",
        noun="active person with email",
        help_text="Emails, commas between.",
    )
    customer_parties = forms.ModelMultipleChoiceField(Party.objects.all(), required=False)
    feeds = _ReferenceListField(
        queryset=Service.objects.all(),
        key="slug",
        noun="service with the address",
        help_text="The addresses (slugs) of the services this one's output feeds, commas between.",
    )
    confidential = forms.BooleanField(required=False)
    warning_percent = forms.IntegerField(min_value=1, max_value=99, initial=75)
    is_active = forms.BooleanField(required=False, initial=True, label="Open for requests")

    def __init__(self, *args: Any, provider_teams: QuerySet, provider_people: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_team"].queryset = provider_teams
        self.fields["provider_person"].queryset = provider_people
        for priority, label in Priority.choices:
            for clock in ("first_response", "resolution"):
                self.fields[f"{priority}_{clock}"] = forms.CharField(
                    required=False,
                    label=f"{label}: {clock.replace('_', ' ')}",
                    widget=forms.TextInput(attrs={"placeholder": "e.g. 1h30m"}),
                )

    def promise_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[f"{priority}_first_response"], self[f"{priority}_resolution"])
            for priority, label in Priority.choices
        ]

    def clean_provider_person(self) -> list[Person]:
        people = self.cleaned_data["provider_person"]
        if len(people) > 1:
            raise forms.ValidationError("name one person, or a team")
        return people

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        promises = {}
        for priority, _ in Priority.choices:
            names = (f"{priority}_first_response", f"{priority}_resolution")
            if not any(data.get(name) for name in names):
                continue
            # Each error beside the field it is about, every one of them at once.
            first, resolution = (self._promise_minutes(data, name) for name in names)
            if first is not None and resolution is not None:
                if resolution < first:
                    self.add_error(names[1], "promise to be done no sooner than the first answer")
                else:
                    promises[priority] = PromiseSpec(first, resolution)
        data["promises"] = promises
        return data

    def _promise_minutes(self, data: dict[str, Any], name: str) -> int | None:
        """One promised time, or None with its error added beside it."""
        text = data.get(name, "")
        if not text:
            self.add_error(name, "give this time too: a promise has both")
            return None
        try:
            minutes = parse_minutes(text)
        except ValueError as exc:
            self.add_error(name, str(exc))
            return None
        if minutes < 1:
            self.add_error(name, "promise at least one business minute")
            return None
        return minutes

    def spec(self) -> ServiceSpec:
        data = self.cleaned_data
        return ServiceSpec(
            slug=data["slug"],
            name=data["name"],
            kind=data["kind"],
            calendar=data["calendar"],
            provider_team=data["provider_team"],
            provider_person=data["provider_person"][0] if data["provider_person"] else None,
            description=data["description"],
            keywords=_split(data["keywords"]),
            audience=data["audience"],
            requester_teams=list(data["requester_teams"]),
            requester_people=data["requester_people"],
            customer_teams=list(data["customer_teams"]),
            customer_people=data["customer_people"],
            customer_parties=list(data["customer_parties"]),
            confidential=data["confidential"],
            warning_percent=data["warning_percent"],
            is_active=data["is_active"],
            promises=data["promises"],
        )

    def add_invalid_input(self, invalid: InvalidInput) -> None:
        """Show the errors the catalog found next to the fields they belong to."""
        for name, messages in invalid.errors.items():
            field = name
            if name.startswith("promises."):
                field = f"{name.removeprefix('promises.')}_resolution"
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    @staticmethod
    def initial_for(service: Service) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(service, name)
            for name in (
                "name",
                "slug",
                "kind",
                "description",
                "provider_team",
                "calendar",
                "audience",
                "confidential",
                "warning_percent",
                "is_active",
            )
        }
        initial["provider_person"] = (
            service.provider_person.email if service.provider_person else ""
        )
        initial["keywords"] = ", ".join(service.keywords)
        initial["requester_teams"] = list(service.requester_teams.all())
        initial["customer_teams"] = list(service.customer_teams.all())
        initial["customer_parties"] = list(service.customer_parties.all())
        initial["requester_people"] = ", ".join(p.email for p in service.requester_people.all())
        initial["customer_people"] = ", ".join(p.email for p in service.customer_people.all())
        initial["feeds"] = ", ".join(s.slug for s in service.feeds.all())
        for promise in service.promises.all():
            initial[f"{promise.priority}_first_response"] = short_minutes(
                promise.first_response_minutes
            )
            initial[f"{promise.priority}_resolution"] = short_minutes(promise.resolution_minutes)
        return initial


class CalendarForm(forms.Form):
    name = forms.CharField(max_length=200)
    owner_team = forms.ModelChoiceField(
        Team.objects.none(),
        required=False,
        help_text="Its lead may change it. Without one, only admins may.",
    )
    timezone = forms.CharField(max_length=64, help_text="An IANA name, e.g. Europe/Berlin.")
    holiday_country = forms.CharField(
        max_length=8, required=False, help_text="Public holidays of a country code, e.g. DE."
    )
    holiday_subdivision = forms.CharField(
        max_length=16, required=False, help_text="And its subdivision, e.g. BY."
    )
    closures = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line: a date (2026-12-24) or a local range "
        "(2026-12-31T14:00 to 2027-01-02T00:00).",
    )

    def __init__(self, *args: Any, owner_teams: QuerySet, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner_team"].queryset = owner_teams
        for day in WEEKDAY_NAMES:
            self.fields[day] = forms.CharField(
                required=False,
                label=day.capitalize(),
                widget=forms.TextInput(attrs={"placeholder": "e.g. 09:00-12:30, 13:30-17:30"}),
            )

    def day_fields(self) -> list[forms.BoundField]:
        return [self[day] for day in WEEKDAY_NAMES]

    def definition(self) -> dict[str, Any]:
        data = self.cleaned_data
        definition: dict[str, Any] = {
            "timezone": data["timezone"].strip(),
            "hours": {day: _split(data[day]) for day in WEEKDAY_NAMES if data[day].strip()},
        }
        if data["holiday_country"].strip():
            definition["holidays"] = {"country": data["holiday_country"].strip()}
            if data["holiday_subdivision"].strip():
                definition["holidays"]["subdivision"] = data["holiday_subdivision"].strip()
        closures = []
        for line in data["closures"].splitlines():
            if " to " in line:
                start, end = line.split(" to ", 1)
                closures.append({"start": start.strip(), "end": end.strip()})
            elif line.strip():
                closures.append({"date": line.strip()})
        if closures:
            definition["closures"] = closures
        return definition

    def add_invalid_input(self, invalid: InvalidInput) -> None:
        for name, messages in invalid.errors.items():
            path = name.removeprefix("definition.")
            if path.startswith("hours."):
                field = path.removeprefix("hours.").split("[")[0]
            elif path.startswith("holidays."):
                field = "holiday_" + path.removeprefix("holidays.")
            elif path.startswith("closures"):
                field = "closures"
                line = path.split("[")[1].split("]")[0] if "[" in path else None
                messages = [f"line {int(line) + 1}: {m}" for m in messages] if line else messages
            else:
                field = path
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

    @staticmethod
    def initial_for(calendar: Calendar) -> dict[str, Any]:
        definition = calendar.definition
        initial: dict[str, Any] = {
            "name": calendar.name,
            "owner_team": calendar.owner_team,
            "timezone": definition.get("timezone", ""),
        }
        for day, intervals in definition.get("hours", {}).items():
            initial[day] = ", ".join(intervals)
        holidays = definition.get("holidays") or {}
        initial["holiday_country"] = holidays.get("country", "")
        initial["holiday_subdivision"] = holidays.get("subdivision") or ""
        initial["closures"] = "\n".join(
            closure["date"] if "date" in closure else f"{closure['start']} to {closure['end']}"
            for closure in definition.get("closures", [])
        )
        return initial
