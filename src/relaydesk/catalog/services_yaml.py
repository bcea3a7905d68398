"""`relaydesk import services FILE.yaml`: a catalog kept in version control (SPEC §3.1).

A file is applied whole or not at all; every problem is reported with its line and field path.
"""

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from django.db.models.functions import Lower

from relaydesk.catalog.models import Calendar, Service
from relaydesk.catalog.services import (
    PromiseSpec,
    ServiceSpec,
    calendar_save,
    service_feeds_set,
    service_save,
)
from relaydesk.core.calendar_spec import (
    TOP_LEVEL_KEYS as CALENDAR_FILE_KEYS,
)
from relaydesk.core.calendar_spec import (
    CalendarSpecError,
    calendar_from_mapping,
    calendar_to_mapping,
)
from relaydesk.core.durations import parse_minutes, short_minutes
from relaydesk.directory.models import Party, Person, Team
from relaydesk.directory.people_csv import TEAM_PATH_SEPARATOR, RowError
from relaydesk.errors import InvalidInput

FILE_KEYS = ("calendars", "services")
CALENDAR_KEYS = ("name", "owner_team", *CALENDAR_FILE_KEYS)
SERVICE_KEYS = (
    "slug",
    "name",
    "kind",
    "provider",
    "description",
    "keywords",
    "calendar",
    "audience",
    "requesters",
    "customers",
    "feeds",
    "confidential",
    "warning_percent",
    "active",
    "promises",
)
PROMISE_KEYS = ("first_response", "resolution")
NONE = "(none)"


class ServicesFileRejected(Exception):
    """The file cannot be imported; `errors` lists every problem, by line."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors, key=lambda error: error.line)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class ImportedEntries:
    """What an import did to one kind of entry, each named by its key (name or slug)."""

    created: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)

    def counts(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


@dataclass
class ServicesImportSummary:
    """What an import did, in the order of the file."""

    calendars: ImportedEntries = field(default_factory=ImportedEntries)
    services: ImportedEntries = field(default_factory=ImportedEntries)

    def lines(self) -> list[str]:
        out = [f"calendars: {self.calendars.counts()}", f"services: {self.services.counts()}"]
        for kind, entries in (("calendar", self.calendars), ("service", self.services)):
            out += [f"  created {kind} {key}" for key in entries.created]
            out += [
                f"  updated {kind} {key}: {'; '.join(changes)}"
                for key, changes in entries.updated.items()
            ]
        return out


def services_import(*, data: bytes) -> ServicesImportSummary:
    """Create or update the file's calendars and services; all or nothing.

    Raises ServicesFileRejected listing every problem in the file.
    """
    document = _read_yaml(data)
    problems = _Problems(document)
    calendars, services = _check_file(document.data, problems)
    summary = ServicesImportSummary()
    with transaction.atomic():
        directory = _Directory(calendars, services)
        saved_calendars = _apply_calendars(calendars, directory, problems, summary.calendars)
        service_changes = _apply_services(services, saved_calendars, directory, problems)
        _apply_feeds(services, service_changes, directory, problems)
        if problems.found:
            # Leaving the block by an exception rolls back every entry already written.
            raise ServicesFileRejected(problems.found)
    for slug, changes in service_changes.items():
        if changes is None:
            summary.services.created.append(slug)
        elif changes:
            summary.services.updated[slug] = changes
        else:
            summary.services.unchanged.append(slug)
    return summary


# -- reading the YAML, keeping the line of every field --------------------------------------


@dataclass
class _Document:
    data: Any
    lines: dict[str, int]  # field path → the 1-based line that names it
    errors: list[RowError]
    unreadable: set[str]  # field paths whose value YAML could not read (now None)


def _read_yaml(data: bytes) -> _Document:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ServicesFileRejected(
            [RowError(line, "file", f"is not UTF-8 text ({exc.reason})")]
        ) from None
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ServicesFileRejected([RowError(line, "file", f"is not valid YAML: {exc}")]) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise ServicesFileRejected(
                [RowError(1, "file", "is empty; expected `calendars:` and/or `services:`")]
            )
        reader = _NodeReader(loader)
        return _Document(reader.read(root, ""), reader.lines, reader.errors, reader.unreadable)
    except yaml.MarkedYAMLError as exc:
        raise ServicesFileRejected([_syntax_error(exc)]) from None
    finally:
        loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError) -> RowError:
    mark = exc.problem_mark or exc.context_mark
    message = f"is not valid YAML: {exc.problem}"
    if mark is not None:
        message += f" (column {mark.column + 1})"
    if exc.context:
        context_line = f" on line {exc.context_mark.line + 1}" if exc.context_mark else ""
        message += f", {exc.context}{context_line}"
    return RowError(mark.line + 1 if mark else 1, "file", message)


class _NodeReader:
    """Builds plain data from composed YAML nodes, noting the line of every field path."""

    def __init__(self, loader: yaml.SafeLoader):
        self._loader = loader
        self._reading: set[int] = set()
        self.lines: dict[str, int] = {}
        self.errors: list[RowError] = []
        self.unreadable: set[str] = set()

    def read(self, node: yaml.Node, path: str) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self._reading:
            self._unreadable(node, path, "an alias that contains itself cannot be imported")
            return None
        self._reading.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            if isinstance(node, yaml.SequenceNode):
                return [self._item(item, f"{path}[{i}]") for i, item in enumerate(node.value)]
            return self._loader.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            self._unreadable(node, path, exc.problem or str(exc))
            return None
        except ValueError as exc:  # an impossible date such as 2026-13-45
            self._unreadable(node, path, f"{node.value!r} cannot be read: {exc}")
            return None
        finally:
            self._reading.discard(id(node))

    def _item(self, node: yaml.Node, path: str) -> Any:
        self.lines[path] = node.start_mark.line + 1
        return self.read(node, path)

    def _mapping(self, node: yaml.MappingNode, path: str) -> dict[str, Any]:
        self._loader.flatten_mapping(node)  # `<<: *defaults` merge keys
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, path, "a key must be a plain name")
                continue
            # The key as written: YAML would read `on:` or `no:` as booleans.
            key = key_node.value
            key_path = f"{path}.{key}" if path else key
            if key in result:
                first = self.lines[key_path]
                self._error(key_node, key_path, f"appears again (first on line {first})")
                continue
            self.lines[key_path] = key_node.start_mark.line + 1
            result[key] = self.read(value_node, key_path)
        return result

    def _error(self, node: yaml.Node, path: str, message: str) -> None:
        self.errors.append(RowError(node.start_mark.line + 1, path or "file", message))

    def _unreadable(self, node: yaml.Node, path: str, message: str) -> None:
        self._error(node, path, message)
        self.unreadable.add(path)


class _Problems:
    """Every problem found, each on the line of its field or of the closest one that exists."""

    def __init__(self, document: _Document):
        self._lines = document.lines
        self.found: list[RowError] = list(document.errors)
        # A value YAML could not read is None from then on; saying so again would be noise.
        self._unreadable = document.unreadable

    def add(self, path: str, message: str) -> None:
        if path not in self._unreadable:
            self.found.append(RowError(self.line_of(path), path or "file", message))

    def add_invalid(
        self, entry_path: str, invalid: InvalidInput, where: Callable[[str], Sequence[str]]
    ) -> None:
        """Report an InvalidInput; `where` gives the entry's keys that say a field, best first."""
        for name, messages in invalid.errors.items():
            candidates = [_join(entry_path, key) for key in where(name)]
            path = next((path for path in candidates if path in self._lines), candidates[0])
            for message in messages:
                self.add(path, message)

    def line_of(self, path: str) -> int:
        while path not in self._lines and path:
            parent = re.sub(r"(\.[^.\[\]]*|\[\d+\])$", "", path)
            path = parent if parent != path else ""
        return self._lines.get(path, 1)

    def __len__(self) -> int:
        return len(self.found)


def _join(path: str, key: str) -> str:
    if not (path and key):
        return path or key
    return f"{path}{key}" if key.startswith("[") else f"{path}.{key}"


# -- checking the file's shape ---------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """A name the file uses for something else (a team, a person, a calendar...), and where."""

    text: str
    path: str


@dataclass
class _CalendarEntry:
    path: str
    name: str | None
    owner_team: _Ref | None
    definition: dict[str, Any]
    importable: bool


@dataclass
class _ServiceEntry:
    path: str
    slug: str | None
    name: str | None
    kind: str | None
    provider_team: _Ref | None
    provider_person: _Ref | None
    calendar: _Ref | None
    description: str
    keywords: list[str]
    audience: str
    requester_teams: list[_Ref]
    requester_people: list[_Ref]
    customer_teams: list[_Ref]
    customer_people: list[_Ref]
    customer_parties: list[_Ref]
    feeds: list[_Ref] | None
    confidential: bool
    warning_percent: int
    is_active: bool
    promises: dict[str, PromiseSpec]
    importable: bool

    def team_refs(self) -> list[_Ref]:
        given = [self.provider_team] if self.provider_team else []
        return given + self.requester_teams + self.customer_teams

    def person_refs(self) -> list[_Ref]:
        given = [self.provider_person] if self.provider_person else []
        return given + self.requester_people + self.customer_people


class _Fields:
    """Reads the fields of one mapping in the file, reporting unknown keys and wrong types."""

    def __init__(self, value: object, path: str, known: Sequence[str], problems: _Problems):
        self.path, self._problems = path, problems
        self.values: Mapping[str, Any] = value if isinstance(value, Mapping) else {}
        for key in self.values:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"did you mean {close[0]}?" if close else f"expected {', '.join(known)}"
                problems.add(f"{self._at(key)}", f"unknown key; {hint}")

    def _at(self, key: str) -> str:
        return _join(self.path, key)

    def _wrong(self, key: str, expected: str, value: object) -> None:
        self._problems.add(self._at(key), f"expected {expected}, got {value!r}")

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = self.values.get(key)
        if value is None:
            if required:
                self._problems.add(self._at(key), "is required")
            return default
        if not isinstance(value, str):
            self._wrong(key, "text", value)
            return default
        return value

    def choice(self, key: str, choices: Sequence[str], *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is not None and value not in choices:
            self._problems.add(self._at(key), f"unknown {key} {value!r}; use {', '.join(choices)}")
            return None
        return value

    def texts(self, key: str) -> list[str]:
        return [ref.text for ref in self.refs(key)]

    def refs(self, key: str) -> list[_Ref]:
        value = self.values.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._wrong(key, "a list", value)
            return []
        refs = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                refs.append(_Ref(item, f"{self._at(key)}[{index}]"))
            else:
                self._problems.add(f"{self._at(key)}[{index}]", f"expected text, got {item!r}")
        return refs

    def ref(self, key: str, *, required: bool = False) -> _Ref | None:
        text = self.text(key, required=required)
        return _Ref(text, self._at(key)) if text is not None else None

    def flag(self, key: str, default: bool) -> bool:
        value = self.values.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._wrong(key, "true or false", value)
            return default
        return value

    def whole_number(self, key: str, default: int) -> int:
        value = self.values.get(key)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong(key, "a whole number", value)
            return default
        return value

    def business_minutes(self, key: str) -> int | None:
        if self.values.get(key) is None:
            self._problems.add(self._at(key), "is required")
            return None
        try:
            return parse_minutes(self.values[key])
        except ValueError as invalid:
            self._problems.add(self._at(key), str(invalid))
            return None

    def part(self, key: str, known: Sequence[str], expected: str) -> "_Fields":
        value = self.values.get(key)
        if value is not None and not isinstance(value, Mapping):
            self._wrong(key, expected, value)
        return _Fields(value, self._at(key), known, self._problems)


def _check_file(
    data: object, problems: _Problems
) -> tuple[list[_CalendarEntry], list[_ServiceEntry]]:
    if not isinstance(data, Mapping) or not any(data.get(key) is not None for key in FILE_KEYS):
        problems.add("", "expected `calendars:` and/or `services:` at the top")
        raise ServicesFileRejected(problems.found)
    top = _Fields(data, "", FILE_KEYS, problems)
    calendars = [
        _check_calendar(item, path, problems)
        for item, path in _entries(top, "calendars", "calendar", problems)
    ]
    services = [
        _check_service(item, path, problems)
        for item, path in _entries(top, "services", "service", problems)
    ]
    _reject_repeats(calendars, "name", "calendar", problems)
    _reject_repeats(services, "slug", "service", problems)
    return calendars, services


def _entries(
    top: _Fields, key: str, noun: str, problems: _Problems
) -> list[tuple[Mapping[str, Any], str]]:
    value = top.values.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(key, f"expected a list of {noun}s, got {value!r}")
        return []
    entries = []
    for index, item in enumerate(value):
        if isinstance(item, Mapping):
            entries.append((item, f"{key}[{index}]"))
        else:
            problems.add(f"{key}[{index}]", f"expected a {noun} (a mapping), got {item!r}")
    return entries


def _reject_repeats(entries: Sequence[Any], key: str, noun: str, problems: _Problems) -> None:
    first_path: dict[str, str] = {}
    for entry in entries:
        value = getattr(entry, key)
        if value is None:
            continue
        if value in first_path:
            first_line = problems.line_of(f"{first_path[value]}.{key}")
            problems.add(
                f"{entry.path}.{key}",
                f"{noun} {value!r} appears again (first on line {first_line})",
            )
            entry.importable = False
        else:
            first_path[value] = entry.path


def _check_calendar(item: Mapping[str, Any], path: str, problems: _Problems) -> _CalendarEntry:
    found_before = len(problems)
    fields = _Fields(item, path, CALENDAR_KEYS, problems)
    return _CalendarEntry(
        path=path,
        name=fields.text("name", required=True),
        owner_team=fields.ref("owner_team"),
        # The calendar's own shape is checked where every calendar is: by calendar_save.
        definition={key: item[key] for key in CALENDAR_FILE_KEYS if key in item},
        importable=len(problems) == found_before,
    )


def _check_service(item: Mapping[str, Any], path: str, problems: _Problems) -> _ServiceEntry:
    found_before = len(problems)
    fields = _Fields(item, path, SERVICE_KEYS, problems)
    provider = fields.part("provider", ("team", "person"), "{team: ...} or {person: ...}")
    if "provider" not in item:
        problems.add(f"{path}.provider", "is required")
    elif isinstance(item["provider"], Mapping) and len(provider.values) != 1:
        problems.add(provider.path, "name exactly one provider: {team: ...} or {person: ...}")
    requesters = fields.part("requesters", ("teams", "people"), "{teams: [...], people: [...]}")
    customers = fields.part(
        "customers", ("teams", "people", "parties"), "{teams: [...], people: [...], parties: [...]}"
    )
    entry = _ServiceEntry(
        path=path,
        slug=fields.text("slug", required=True),
        name=fields.text("name", required=True),
        kind=fields.choice("kind", Service.Kind.values, required=True),
        provider_team=provider.ref("team"),
        provider_person=provider.ref("person"),
        calendar=fields.ref("calendar", required=True),
        description=fields.text("description") or "",
        keywords=fields.texts("keywords"),
        audience=fields.choice("audience", Service.Audience.values) or Service.Audience.EVERYONE,
        requester_teams=requesters.refs("teams"),
        requester_people=requesters.refs("people"),
        customer_teams=customers.refs("teams"),
        customer_people=customers.refs("people"),
        customer_parties=customers.refs("parties"),
        feeds=fields.refs("feeds") if "feeds" in item else None,
        confidential=fields.flag("confidential", False),
        warning_percent=fields.whole_number("warning_percent", 75),
        is_active=fields.flag("active", True),
        promises=_check_promises(fields, problems),
        importable=False,
    )
    entry.importable = len(problems) == found_before
    return entry


def _check_promises(fields: _Fields, problems: _Problems) -> dict[str, PromiseSpec]:
    value = fields.values.get("promises")
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add(f"{fields.path}.promises", f"expected priority: {{...}}, got {value!r}")
        return {}
    promises = {}
    for priority, terms in value.items():
        # Which priorities exist is service_save's rule; the shape of each is the file's.
        path = f"{fields.path}.promises.{priority}"
        if not isinstance(terms, Mapping):
            problems.add(path, f"expected {{first_response: ..., resolution: ...}}, got {terms!r}")
            continue
        promise = _Fields(terms, path, PROMISE_KEYS, problems)
        first_response = promise.business_minutes("first_response")
        resolution = promise.business_minutes("resolution")
        if first_response is not None and resolution is not None:
            promises[priority] = PromiseSpec(first_response, resolution)
    return promises


# -- resolving names -------------------------------------------------------------------------


class _Directory:
    """The teams, people, parties, calendars and services the file names, loaded at once."""

    def __init__(self, calendars: Sequence[_CalendarEntry], services: Sequence[_ServiceEntry]):
        teams = list(Team.objects.all())
        parents = {team.pk: team.parent_id for team in teams}
        names = {team.pk: team.name for team in teams}
        self._team_paths: dict[int, tuple[str, ...]] = {}
        for team in teams:
            path, team_id = [], team.pk
            while team_id is not None:
                path.append(names[team_id])
                team_id = parents[team_id]
            self._team_paths[team.pk] = tuple(reversed(path))
        self._teams = teams

        emails = {ref.text.strip().lower() for entry in services for ref in entry.person_refs()}
        self._people = {
            person.email_key: person
            for person in Person.objects.annotate(email_key=Lower("email")).filter(
                email_key__in=emails
            )
        }
        party_names = {ref.text for entry in services for ref in entry.customer_parties}
        self._parties = {party.name: party for party in Party.objects.filter(name__in=party_names)}
        calendar_names = {entry.name for entry in calendars} | {
            entry.calendar.text for entry in services if entry.calendar
        }
        self.calendars = {
            calendar.name: calendar
            for calendar in Calendar.objects.filter(name__in=calendar_names).select_related(
                "owner_team"
            )
        }
        slugs = {entry.slug for entry in services} | {
            ref.text for entry in services for ref in entry.feeds or ()
        }
        self.services = {
            service.slug: service
            for service in Service.objects.filter(slug__in=slugs)
            .select_related("calendar", "provider_team", "provider_person")
            .prefetch_related(
                "requester_teams",
                "requester_people",
                "customer_teams",
                "customer_people",
                "customer_parties",
                "promises",
                "feeds",
            )
        }

    def team_path(self, team: Team | None) -> str:
        return " / ".join(self._team_paths[team.pk]) if team else NONE

    def team(self, ref: _Ref, problems: _Problems) -> Team | None:
        """The team a path (outermost first) or a name ends with; a full path always wins."""
        wanted = tuple(part.strip() for part in ref.text.split(TEAM_PATH_SEPARATOR))
        if not all(wanted):
            problems.add(ref.path, f"team {ref.text!r} has an empty part")
            return None
        matches = [
            team for team in self._teams if self._team_paths[team.pk][-len(wanted) :] == wanted
        ]
        exact = [team for team in matches if self._team_paths[team.pk] == wanted]
        if exact or len(matches) == 1:
            return (exact or matches)[0]
        if not matches:
            problems.add(ref.path, f"unknown team {ref.text!r}")
        else:
            paths = ", ".join(sorted(self.team_path(team) for team in matches))
            problems.add(ref.path, f"team {ref.text!r} is ambiguous: {paths}; write its path")
        return None

    def person(self, ref: _Ref, problems: _Problems) -> Person | None:
        person = self._people.get(ref.text.strip().lower())
        if person is None:
            problems.add(ref.path, f"unknown person {ref.text}")
        return person

    def party(self, ref: _Ref, problems: _Problems) -> Party | None:
        party = self._parties.get(ref.text)
        if party is None:
            problems.add(ref.path, f"unknown party {ref.text!r}")
        return party


def _resolve_all(refs: Iterable[_Ref], resolve: Callable[[_Ref], Any]) -> list | None:
    """Every ref resolved, or None if any of them could not be (each one is reported)."""
    found = [resolve(ref) for ref in refs]
    return None if any(item is None for item in found) else found


# -- applying --------------------------------------------------------------------------------


def _apply_calendars(
    entries: Sequence[_CalendarEntry],
    directory: _Directory,
    problems: _Problems,
    summary: ImportedEntries,
) -> dict[str, Calendar | None]:
    """Save each calendar; returns each of the file's calendars by name (None if it failed)."""
    saved: dict[str, Calendar | None] = {}
    for entry in entries:
        owner_team = directory.team(entry.owner_team, problems) if entry.owner_team else None
        if not entry.importable or (entry.owner_team and owner_team is None):
            _report_definition(entry, problems)
            if entry.name is not None:
                saved.setdefault(entry.name, None)  # its services need not be reported too
            continue
        existing = directory.calendars.get(entry.name)
        changes = None
        if existing is not None:
            changes = _calendar_changes(existing, entry.definition, owner_team, directory)
            if not changes:
                saved[entry.name] = existing
                summary.unchanged.append(entry.name)
                continue
        try:
            with transaction.atomic():
                saved[entry.name] = calendar_save(
                    actor=None,
                    name=entry.name,
                    definition=entry.definition,
                    owner_team=owner_team,
                    calendar=existing,
                )
        except InvalidInput as invalid:
            saved[entry.name] = None
            problems.add_invalid(entry.path, invalid, _calendar_keys)
            continue
        if changes is None:
            summary.created.append(entry.name)
        else:
            summary.updated[entry.name] = changes
    return saved


def _calendar_keys(name: str) -> tuple[str]:
    """Where a calendar entry says calendar_save's field `name` (its definition is inline)."""
    if name in ("definition", "__all__"):
        return ("",)
    return (name.removeprefix("definition."),)


def _report_definition(entry: _CalendarEntry, problems: _Problems) -> None:
    """Report the definition's problems for a calendar that will not be saved anyway."""
    try:
        calendar_from_mapping(entry.definition)
    except CalendarSpecError as invalid:
        for issue in invalid.errors:
            problems.add(_join(entry.path, issue.path), issue.message)


def _calendar_changes(
    calendar: Calendar,
    definition: Mapping[str, Any],
    owner_team: Team | None,
    directory: _Directory,
) -> list[str]:
    try:
        new = calendar_to_mapping(calendar_from_mapping(definition))
        old = calendar_to_mapping(calendar_from_mapping(calendar.definition))
    except CalendarSpecError:
        return ["definition"]  # calendar_save reports what is wrong with the new one
    return _differences(
        _calendar_facts(old, directory.team_path(calendar.owner_team)),
        _calendar_facts(new, directory.team_path(owner_team)),
    )


def _calendar_facts(definition: Mapping[str, Any], owner_team: str) -> dict[str, str]:
    """A calendar as comparable text, from the canonical mapping of calendar_to_mapping()."""
    holidays = definition.get("holidays")
    facts = {
        "owner_team": owner_team,
        "timezone": definition["timezone"],
        "holidays": "-".join(holidays.values()) if holidays else NONE,
        "closures": ", ".join(
            closure.get("date") or f"{closure['start']}/{closure['end']}"
            for closure in definition.get("closures", ())
        )
        or NONE,
    }
    for day, intervals in definition["hours"].items():
        facts[f"hours.{day}"] = ", ".join(intervals) or "closed"
    return facts


# service_save's field names → the keys of a service entry that say them, best first.
_SERVICE_FIELD_KEYS = {
    "provider": ("provider",),
    "provider_team": ("provider",),
    "provider_person": ("provider",),
    "is_active": ("active",),
    "requester_teams": ("requesters", "audience"),
    "requester_people": ("requesters", "audience"),
    "customer_teams": ("customers.teams",),
    "customer_people": ("customers.people",),
    "customer_parties": ("customers.parties",),
    "__all__": ("",),
}


def _service_keys(name: str) -> Sequence[str]:
    return _SERVICE_FIELD_KEYS.get(name, (name,))


def _apply_services(
    entries: Sequence[_ServiceEntry],
    calendars: Mapping[str, Calendar | None],
    directory: _Directory,
    problems: _Problems,
) -> dict[str, list[str] | None]:
    """Save each service; returns the changes by slug (None: created), saved or unchanged."""
    changes_by_slug: dict[str, list[str] | None] = {}
    for entry in entries:
        spec = _service_spec(entry, calendars, directory, problems)
        if spec is None:
            continue
        existing = directory.services.get(spec.slug)
        changes = _service_changes(existing, spec, directory) if existing else None
        if changes == []:
            changes_by_slug[spec.slug] = changes
            continue
        try:
            with transaction.atomic():
                # Kept in the directory so that the feeds step finds the new services too.
                directory.services[spec.slug] = service_save(
                    actor=None, spec=spec, service=existing
                )
        except InvalidInput as invalid:
            problems.add_invalid(entry.path, invalid, _service_keys)
            continue
        changes_by_slug[spec.slug] = changes
    return changes_by_slug


def _service_spec(
    entry: _ServiceEntry,
    calendars: Mapping[str, Calendar | None],
    directory: _Directory,
    problems: _Problems,
) -> ServiceSpec | None:
    """The entry with its names resolved, or None when it cannot be saved (each reason reported)."""
    teams = _resolve_all(entry.team_refs(), lambda ref: directory.team(ref, problems))
    people = _resolve_all(entry.person_refs(), lambda ref: directory.person(ref, problems))
    parties = _resolve_all(entry.customer_parties, lambda ref: directory.party(ref, problems))
    calendar = None
    if entry.calendar is not None:
        name = entry.calendar.text
        calendar = calendars.get(name) or directory.calendars.get(name)
        if calendar is None and name not in calendars:  # a failed calendar is already reported
            problems.add(entry.path + ".calendar", f"unknown calendar {name!r}")
    if not entry.importable or teams is None or people is None or parties is None:
        return None
    if calendar is None:
        return None
    teams, people = iter(teams), iter(people)
    return ServiceSpec(
        slug=entry.slug,
        name=entry.name,
        kind=entry.kind,
        calendar=calendar,
        provider_team=next(teams) if entry.provider_team else None,
        provider_person=next(people) if entry.provider_person else None,
        description=entry.description,
        keywords=entry.keywords,
        audience=entry.audience,
        requester_teams=[next(teams) for _ in entry.requester_teams],
        requester_people=[next(people) for _ in entry.requester_people],
        customer_teams=[next(teams) for _ in entry.customer_teams],
        customer_people=[next(people) for _ in entry.customer_people],
        customer_parties=parties,
        confidential=entry.confidential,
        warning_percent=entry.warning_percent,
        is_active=entry.is_active,
        promises=entry.promises,
    )


def _service_changes(service: Service, spec: ServiceSpec, directory: _Directory) -> list[str]:
    old_promises = {
        promise.priority: PromiseSpec(promise.first_response_minutes, promise.resolution_minutes)
        for promise in service.promises.all()
    }
    old = _service_facts(
        spec=ServiceSpec(
            slug=service.slug,
            name=service.name,
            kind=service.kind,
            calendar=service.calendar,
            provider_team=service.provider_team,
            provider_person=service.provider_person,
            description=service.description,
            keywords=service.keywords,
            audience=service.audience,
            requester_teams=list(service.requester_teams.all()),
            requester_people=list(service.requester_people.all()),
            customer_teams=list(service.customer_teams.all()),
            customer_people=list(service.customer_people.all()),
            customer_parties=list(service.customer_parties.all()),
            confidential=service.confidential,
            warning_percent=service.warning_percent,
            is_active=service.is_active,
            promises=old_promises,
        ),
        directory=directory,
    )
    return _differences(old, _service_facts(spec=spec, directory=directory))


def _service_facts(*, spec: ServiceSpec, directory: _Directory) -> dict[str, str]:
    """A service as comparable text, keyed by the file's names for its fields."""

    def listed(names: Iterable[str]) -> str:
        return ", ".join(sorted(names)) or NONE

    facts = {
        "name": repr(spec.name),
        "kind": spec.kind,
        "provider": (
            directory.team_path(spec.provider_team)
            if spec.provider_team
            else spec.provider_person.email
        ),
        "description": spec.description,
        # service_save drops blank keywords, so compare what it would keep.
        "keywords": ", ".join(word.strip() for word in spec.keywords if word.strip()) or NONE,
        "calendar": spec.calendar.name,
        "audience": spec.audience,
        "requesters.teams": listed(map(directory.team_path, spec.requester_teams)),
        "requesters.people": listed(person.email for person in spec.requester_people),
        "customers.teams": listed(map(directory.team_path, spec.customer_teams)),
        "customers.people": listed(person.email for person in spec.customer_people),
        "customers.parties": listed(party.name for party in spec.customer_parties),
        "confidential": str(spec.confidential).lower(),
        "warning_percent": str(spec.warning_percent),
        "active": str(spec.is_active).lower(),
    }
    for priority, promise in spec.promises.items():
        for key, minutes in zip(
            PROMISE_KEYS, (promise.first_response_minutes, promise.resolution_minutes), strict=True
        ):
            facts[f"promises.{priority}.{key}"] = short_minutes(minutes)
    return facts


def _differences(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    changes = []
    for key in [*new, *(key for key in old if key not in new)]:
        before, after = old.get(key, NONE), new.get(key, NONE)
        if before == after:
            continue
        # A description is prose: that it changed is what a summary line can usefully say.
        changes.append(f"{key} changed" if key == "description" else f"{key} {before} → {after}")
    return changes


def _apply_feeds(
    entries: Sequence[_ServiceEntry],
    changes_by_slug: dict[str, list[str] | None],
    directory: _Directory,
    problems: _Problems,
) -> None:
    """Set what each saved service feeds, now that every service in the file exists."""
    unsaved = {entry.slug for entry in entries} - set(changes_by_slug)
    wanted: list[tuple[_ServiceEntry, Service, list[Service]]] = []
    for entry in entries:
        if entry.feeds is None:
            continue  # feeds left out of an entry are left as they are
        downstream = []
        for ref in entry.feeds:
            if ref.text in unsaved:
                continue  # that service's own problems are reported already
            if ref.text not in directory.services:
                problems.add(ref.path, f"unknown service {ref.text!r}")
                continue
            downstream.append(directory.services[ref.text])
        saved = entry.importable and entry.slug in changes_by_slug
        if saved and len(downstream) == len(entry.feeds):
            wanted.append((entry, directory.services[entry.slug], downstream))
    current = {
        service.slug: {feed.slug for feed in service.feeds.all()} for _, service, _ in wanted
    }
    # Drop the links that go away first, so that a chain the file reverses does not look like a
    # loop through a link that is about to disappear. Keeping a subset cannot make a loop.
    for entry, service, downstream in wanted:
        keep = {feed.slug for feed in downstream} & current[entry.slug]
        if keep != current[entry.slug]:
            service_feeds_set(
                actor=None, service=service, feeds=[directory.services[slug] for slug in keep]
            )
    for entry, service, downstream in wanted:
        slugs = {feed.slug for feed in downstream}
        if slugs == current[entry.slug]:
            continue
        try:
            with transaction.atomic():
                service_feeds_set(actor=None, service=service, feeds=downstream)
        except InvalidInput as invalid:
            problems.add_invalid(entry.path, invalid, _service_keys)
            continue
        changes = changes_by_slug[entry.slug]
        if changes is not None:  # a new service's feeds are part of its creation
            before, after = (
                ", ".join(sorted(each)) or NONE for each in (current[entry.slug], slugs)
            )
            changes.append(f"feeds {before} → {after}")
