"""Forms that turn what a lead types into the catalog's specs; saving goes through services."""

from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from relaydesk.api_schemas import FIRST_YEAR, LAST_YEAR, OUT_OF_YEARS
from relaydesk.catalog.models import (
    DESCRIPTION_LENGTH,
    KEYWORD_LENGTH,
    MOST_KEYWORDS,
    Calendar,
    Priority,
    Service,
)
from relaydesk.catalog.services import PromiseSpec, ServiceSpec
from relaydesk.core.businesstime import WEEKDAY_NAMES
from relaydesk.core.durations import parse_minutes, short_minutes
from relaydesk.directory.models import Party, Person, Team
from relaydesk.directory.selectors import team_paths, teams_by_paths
from relaydesk.errors import InvalidInput
from relaydesk.forms import BoundedText
from relaydesk.widgets import Chooser, Chosen, PickList


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.replace("\n", ",").split(",") if item.strip()]


def _in_years(text: str) -> bool:
    """Whether a closure's date or time lies in the years the API takes dates in. Text that is
    no date at all is left to the calendar, which says what is wrong with it."""
    try:
        year = datetime.fromisoformat(text).year
    except ValueError:
        return True
    return FIRST_YEAR <= year <= LAST_YEAR


# More than a form could mean; the names are looked up in one query, which this keeps small.
MOST_NAMED = 500


class _NamedReferences(forms.CharField):
    """Existing objects named in a list, commas between, each by its name (case-insensitively)
    or by its key (a person's email, a service's address). The Chooser picks them by name.
    A kind of object keyed otherwise than by a field overrides _by_key and _chosen."""

    def __init__(
        self,
        *,
        queryset: QuerySet,
        key: str,
        key_name: str,
        noun: str,
        source: str,
        single: bool = False,
        **kwargs: Any,
    ):
        self.queryset, self.key, self.key_name, self.noun = queryset, key, key_name, noun
        widget = Chooser(source=source, single=single)
        super().__init__(required=False, widget=widget, **kwargs)

    def clean(self, value: str) -> list:
        pieces = _split(super().clean(value))
        if len(pieces) > MOST_NAMED:
            raise forms.ValidationError(f"name at most {MOST_NAMED}, not {len(pieces)}")
        named = self._named(pieces)
        missing = [piece for piece in pieces if not named[piece]]
        several = [piece for piece in pieces if len(named[piece]) > 1]
        errors = []
        if missing:
            errors.append(f"no {self.noun} with the name or {self.key_name} {_quoted(missing)}")
        errors += [
            f"“{piece}” names more than one {self.noun}: give the {self.key_name} instead"
            for piece in several
        ]
        if errors:
            raise forms.ValidationError(errors)
        return list(dict.fromkeys(named[piece][0] for piece in pieces))

    def prepare_value(self, value: Any) -> list[Chosen]:
        """What the Chooser shows: the objects given, or each piece of the text typed."""
        if value is None:
            return []
        if not isinstance(value, str):
            return self._chosen(list(value))
        pieces = _split(value)
        if len(pieces) > MOST_NAMED:
            return [Chosen(piece, piece, found=False) for piece in pieces]
        named = self._named(pieces)
        found = {piece: named[piece][0] for piece in pieces if len(named[piece]) == 1}
        chosen = dict(zip(found, self._chosen(list(found.values())), strict=True))
        return [chosen.get(piece) or Chosen(piece, piece, found=False) for piece in pieces]

    def _chosen(self, found: list) -> list[Chosen]:
        """What the Chooser shows for each object: its key, and its name."""
        return [Chosen(getattr(one, self.key), one.name) for one in found]

    def _by_key(self, keys: set[str]) -> dict[str, Any]:
        """The objects that have one of these keys, by key."""
        return self.queryset.in_bulk(keys, field_name=self.key)

    def _named(self, pieces: list[str]) -> dict[str, list]:
        """The objects each piece names: the one with that key, else those with that name."""
        keys = {piece: piece.lower() if self.key == "email" else piece for piece in pieces}
        by_key = self._by_key(set(keys.values()))
        names = {piece.lower() for piece in pieces if keys[piece] not in by_key}
        by_name: dict[str, list] = {}
        if names:
            matching = reduce(or_, (Q(name__iexact=name) for name in names))
            for one in self.queryset.filter(matching):
                by_name.setdefault(one.name.lower(), []).append(one)
        return {
            piece: [by_key[key]] if (key := keys[piece]) in by_key else by_name.get(key.lower(), [])
            for piece in pieces
        }


def _quoted(pieces: list[str]) -> str:
    return ", ".join(f"“{piece}”" for piece in pieces)


def team_key(path: tuple[str, ...]) -> str:
    """A team's key in a Chooser: its path, as the directory reads it (team_by_path)."""
    return " / ".join(path)


def team_label(path: tuple[str, ...]) -> str:
    """A team's name with its department's: team names repeat across departments."""
    return f"{path[-1]} ({path[-2]})" if len(path) > 1 else path[-1]


class _TeamReferences(_NamedReferences):
    """Teams, each by its name when no other team has it, else by its path (`Plant / Paint`):
    there are hundreds, too many to list on the page."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            queryset=Team.objects.all(),
            key="path",
            key_name="path",
            noun="team",
            source="catalog:suggest_teams",
            help_text="Type a team's name and pick from the suggestions; "
            "or names or paths (Plant / Paint), commas between.",
            **kwargs,
        )

    def _chosen(self, found: list) -> list[Chosen]:
        paths = team_paths() if found else {}
        return [Chosen(team_key(paths[team.pk]), team_label(paths[team.pk])) for team in found]

    def _by_key(self, keys: set[str]) -> dict[str, Any]:
        return teams_by_paths(keys)


_PEOPLE_HELP = "Type a name or email and pick from the suggestions; or emails, commas between."


class ServiceForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=100, help_text="The address of its page; letters, digits, -.")
    kind = forms.ChoiceField(choices=Service.Kind.choices)
    description = BoundedText(max_length=DESCRIPTION_LENGTH, rows=4, required=False)
    keywords = BoundedText(
        # Room for every keyword at its longest, a comma and a space after each.
        max_length=MOST_KEYWORDS * (KEYWORD_LENGTH + 2),
        required=False,
        help_text="Words people may search for, commas between.",
    )
    provider_team = forms.ModelChoiceField(Team.objects.none(), required=False)
    provider_person = _NamedReferences(
        queryset=Person.objects.none(),
        key="email",
        key_name="email",
        noun="person you may publish for",
        source="catalog:suggest_people",
        single=True,
        label="Provider person",
        help_text="Or one person, instead of a team: type their name or email.",
    )
    calendar = forms.ModelChoiceField(Calendar.objects.all())
    audience = forms.ChoiceField(choices=Service.Audience.choices, widget=forms.RadioSelect)
    requester_teams = _TeamReferences()
    requester_people = _NamedReferences(
        queryset=Person.objects.filter(is_active=True),
        key="email",
        key_name="email",
        noun="active person",
        source="catalog:suggest_people",
        help_text=_PEOPLE_HELP,
    )
    customer_teams = _TeamReferences()
    customer_people = _NamedReferences(
        queryset=Person.objects.filter(is_active=True),
        key="email",
        key_name="email",
        noun="active person",
        source="catalog:suggest_people",
        help_text=_PEOPLE_HELP,
    )
    customer_parties = forms.ModelMultipleChoiceField(
        Party.objects.all(),
        required=False,
        label="Customers and vendors",
        widget=PickList(noun="customers and vendors"),
    )
    feeds = _NamedReferences(
        queryset=Service.objects.all(),
        key="slug",
        key_name="address",
        noun="service",
        source="catalog:suggest_services",
        help_text="The services this one's output feeds: type a name and pick from the "
        "suggestions; or names or addresses, commas between.",
    )
    confidential = forms.BooleanField(required=False)
    warning_percent = forms.IntegerField(min_value=1, max_value=99, initial=75)
    is_active = forms.BooleanField(required=False, initial=True, label="Open for requests")

    def __init__(
        self,
        *args: Any,
        provider_teams: QuerySet,
        provider_people: QuerySet,
        service: Service | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["provider_team"].queryset = provider_teams
        self.fields["provider_person"].queryset = provider_people
        # Suggest only those this form would take.
        self.fields["provider_person"].widget.params = {"among": "providers"}
        if service is not None:
            self.fields["feeds"].widget.params = {"exclude": service.slug}
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

    def clean_keywords(self) -> list[str]:
        keywords = _split(self.cleaned_data["keywords"])
        if len(keywords) > MOST_KEYWORDS:
            raise forms.ValidationError(f"give at most {MOST_KEYWORDS} keywords")
        if any(len(keyword) > KEYWORD_LENGTH for keyword in keywords):
            raise forms.ValidationError(f"keep each keyword to {KEYWORD_LENGTH} characters")
        return keywords

    def clean_provider_person(self) -> list[Person]:
        people = self.cleaned_data["provider_person"]
        if len(people) > 1:
            raise forms.ValidationError("name one person, or a team")
        return people

    def clean_feeds(self) -> list[Service]:
        feeds = self.cleaned_data["feeds"]
        if self.service is not None and self.service in feeds:
            raise forms.ValidationError(
                f"{self.service.name} cannot feed itself: name the services its output goes to"
            )
        return feeds

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
            keywords=data["keywords"],
            audience=data["audience"],
            requester_teams=data["requester_teams"],
            requester_people=data["requester_people"],
            customer_teams=data["customer_teams"],
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
        initial["provider_person"] = [service.provider_person] if service.provider_person else []
        initial["keywords"] = ", ".join(service.keywords)
        for name in (
            "requester_teams",
            "customer_teams",
            "customer_parties",
            "requester_people",
            "customer_people",
            "feeds",
        ):
            initial[name] = list(getattr(service, name).all())
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

    def clean_closures(self) -> list[dict[str, str]]:
        """A closure a line, in the calendar file's shape; numbered as the calendar's own
        complaints are (add_invalid_input)."""
        closures, errors = [], []
        for line in self.cleaned_data["closures"].splitlines():
            if " to " in line:
                start, end = line.split(" to ", 1)
                closure = {"start": start.strip(), "end": end.strip()}
            elif line.strip():
                closure = {"date": line.strip()}
            else:
                continue
            closures.append(closure)
            if not all(_in_years(text) for text in closure.values()):
                errors.append(f"line {len(closures)}: {OUT_OF_YEARS}")
        if errors:
            raise forms.ValidationError(errors)
        return closures

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
        if data["closures"]:
            definition["closures"] = data["closures"]
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
