import textwrap

import pytest

from relaydesk.catalog.models import Calendar, Service
from relaydesk.catalog.services import calendar_save
from relaydesk.catalog.services_yaml import (
    ServicesFileRejected,
    services_import,
)
from relaydesk.directory.models import Team


def yaml(text: str) -> bytes:
    return textwrap.dedent(text).lstrip("\n").encode()


CATALOG = yaml(
    """
    calendars:
      - name: Plant hours
        owner_team: Plant / Assembly
        timezone: Europe/Berlin
        hours: {mon: ["06:00-14:00"], tue: ["06:00-14:00"]}
        holidays: {country: DE, subdivision: BW}
        closures: [{date: 2026-12-24}]
    services:
      - slug: wheel-fitting
        name: Wheel fitting
        kind: work_item
        provider: {team: Plant / Assembly}
        description: Tyres on rims, rims on the car.
        keywords: [wheels, tyres]
        calendar: Plant hours
        audience: listed
        requesters: {teams: [Assembly], people: [olga.outsider@example.com]}
        customers:
          teams: [Purchasing]
          people: [max.member@example.com]
          parties: [Harbour Motors]
        feeds: [final-inspection]
        warning_percent: 80
        promises:
          normal: {first_response: 1h, resolution: 16h}
          urgent: {first_response: 15m, resolution: 1h30m}
      - slug: final-inspection
        name: Final inspection
        kind: approval
        provider: {person: lena.lead@example.com}
        calendar: Plant hours
        customers: {parties: [Harbour Motors]}
        promises:
          normal: {first_response: 30, resolution: 8h}
    """
)


@pytest.fixture
def office_hours(org) -> Calendar:
    return calendar_save(
        actor=None,
        name="Office hours",
        definition={"timezone": "Europe/Berlin", "hours": {"mon": ["09:00-17:00"]}},
        owner_team=None,
    )


def more_services(text: str) -> bytes:
    """Entries to append to the `services:` list at the end of CATALOG."""
    return textwrap.indent(yaml(text).decode(), "  ").encode()


def messages(rejected: pytest.ExceptionInfo[ServicesFileRejected]) -> list[str]:
    return [str(error) for error in rejected.value.errors]


def rejection(data: bytes) -> list[str]:
    with pytest.raises(ServicesFileRejected) as rejected:
        services_import(data=data)
    return messages(rejected)


def one_service(*fields: str) -> bytes:
    """A file with one service on the Office hours calendar; `fields` start on line 6."""
    head = [
        "services:",
        "  - slug: paint-touch-up",
        "    name: Paint touch-up",
        "    kind: work_item",
        "    calendar: Office hours",
    ]
    return "\n".join([*head, *(f"    {line}" for line in fields), ""]).encode()


# -- a good file -----------------------------------------------------------------------------


def test_it_creates_calendars_services_promises_customers_and_feeds(org):
    summary = services_import(data=CATALOG)

    assert summary.calendars.created == ["Plant hours"]
    assert summary.services.created == ["wheel-fitting", "final-inspection"]
    calendar = Calendar.objects.get(name="Plant hours")
    assert calendar.owner_team == org.assembly
    assert calendar.definition["hours"]["tue"] == ["06:00-14:00"]
    assert calendar.definition["holidays"] == {"country": "DE", "subdivision": "BW"}
    assert calendar.definition["closures"] == [{"date": "2026-12-24"}]
    wheels = Service.objects.get(slug="wheel-fitting")
    assert (wheels.name, wheels.kind, wheels.provider) == (
        "Wheel fitting",
        "work_item",
        org.assembly,
    )
    assert wheels.description == "Tyres on rims, rims on the car."
    assert wheels.keywords == ["wheels", "tyres"]
    assert wheels.calendar == calendar
    assert wheels.audience == "listed"
    assert list(wheels.requester_teams.all()) == [org.assembly]
    assert list(wheels.requester_people.all()) == [org.outsider]
    assert list(wheels.customer_teams.all()) == [org.purchasing]
    assert list(wheels.customer_people.all()) == [org.member]
    assert list(wheels.customer_parties.all()) == [org.dealer]
    assert wheels.warning_percent == 80
    assert (wheels.confidential, wheels.is_active) == (False, True)
    assert sorted(
        wheels.promises.values_list("priority", "first_response_minutes", "resolution_minutes")
    ) == [("normal", 60, 960), ("urgent", 15, 90)]
    # It feeds a service defined further down the file.
    assert [service.slug for service in wheels.feeds.all()] == ["final-inspection"]
    inspection = Service.objects.get(slug="final-inspection")
    assert inspection.provider == org.lead
    assert inspection.audience == "everyone"
    assert inspection.warning_percent == 75
    assert list(inspection.promises.values_list("first_response_minutes", flat=True)) == [30]


def test_reimporting_the_same_file_changes_nothing(org):
    services_import(data=CATALOG)
    updated_at = Service.objects.get(slug="wheel-fitting").updated_at

    summary = services_import(data=CATALOG)

    assert (summary.calendars.created, summary.calendars.updated) == ([], {})
    assert summary.calendars.unchanged == ["Plant hours"]
    assert (summary.services.created, summary.services.updated) == ([], {})
    assert summary.services.unchanged == ["wheel-fitting", "final-inspection"]
    assert summary.lines() == [
        "calendars: 0 created, 0 updated, 1 unchanged",
        "services: 0 created, 0 updated, 2 unchanged",
    ]
    assert Service.objects.count() == 2
    assert Service.objects.get(slug="wheel-fitting").updated_at == updated_at


def test_reimport_updates_in_place_and_reports_each_change(org):
    services_import(data=CATALOG)
    before = Service.objects.get(slug="wheel-fitting").pk
    changed = (
        CATALOG.decode()
        .replace("owner_team: Plant / Assembly", "owner_team: Plant / Purchasing")
        .replace('tue: ["06:00-14:00"]', 'tue: ["07:00-15:00"]')
        .replace("name: Wheel fitting", "name: Wheels and tyres")
        .replace("parties: [Harbour Motors]\n", "parties: [Harbour Motors, Sparkle Cleaning]\n")
        .replace("resolution: 16h", "resolution: 12h")
        .replace("      urgent: {first_response: 15m, resolution: 1h30m}\n", "")
        .replace("kind: approval", "kind: approval\n    active: false")
    )

    summary = services_import(data=changed.encode())

    assert summary.calendars.updated == {
        "Plant hours": [
            "owner_team Plant / Assembly → Plant / Purchasing",
            "hours.tue 06:00-14:00 → 07:00-15:00",
        ]
    }
    assert summary.services.updated == {
        "wheel-fitting": [
            "name 'Wheel fitting' → 'Wheels and tyres'",
            "customers.parties Harbour Motors → Harbour Motors, Sparkle Cleaning",
            "promises.normal.resolution 16h → 12h",
            "promises.urgent.first_response 15m → (none)",
            "promises.urgent.resolution 1h30m → (none)",
        ],
        "final-inspection": ["active true → false"],
    }
    assert summary.lines() == [
        "calendars: 0 created, 1 updated, 0 unchanged",
        "services: 0 created, 2 updated, 0 unchanged",
        "  updated calendar Plant hours: owner_team Plant / Assembly → Plant / Purchasing; "
        "hours.tue 06:00-14:00 → 07:00-15:00",
        "  updated service wheel-fitting: name 'Wheel fitting' → 'Wheels and tyres'; "
        "customers.parties Harbour Motors → Harbour Motors, Sparkle Cleaning; "
        "promises.normal.resolution 16h → 12h; promises.urgent.first_response 15m → (none); "
        "promises.urgent.resolution 1h30m → (none)",
        "  updated service final-inspection: active true → false",
    ]
    wheels = Service.objects.get(slug="wheel-fitting")
    assert (wheels.pk, wheels.name) == (before, "Wheels and tyres")
    assert list(wheels.promises.values_list("priority", "resolution_minutes")) == [("normal", 720)]
    assert not Service.objects.get(slug="final-inspection").is_active
    assert Calendar.objects.get().owner_team == org.purchasing


def test_a_chain_may_be_turned_round_in_one_import(org):
    services_import(data=CATALOG)  # wheel-fitting feeds final-inspection
    reversed_chain = CATALOG.replace(b"feeds: [final-inspection]", b"feeds: []").replace(
        b"kind: approval", b"kind: approval\n    feeds: [wheel-fitting]"
    )

    summary = services_import(data=reversed_chain)

    assert summary.services.updated == {
        "wheel-fitting": ["feeds final-inspection → (none)"],
        "final-inspection": ["feeds (none) → wheel-fitting"],
    }
    # No loop is seen through the link that goes away in the same import.
    assert not Service.objects.get(slug="wheel-fitting").feeds.exists()
    assert [s.slug for s in Service.objects.get(slug="final-inspection").feeds.all()] == [
        "wheel-fitting"
    ]


def test_services_and_calendars_missing_from_the_file_are_left_alone(org, office_hours):
    services_import(data=CATALOG)

    summary = services_import(data=one_service("provider: {team: Purchasing}"))

    assert summary.services.created == ["paint-touch-up"]
    assert Service.objects.count() == 3
    assert Calendar.objects.count() == 2


def test_a_service_may_name_a_calendar_and_feeds_already_in_the_database(org, office_hours):
    services_import(data=CATALOG)

    services_import(
        data=one_service("provider: {team: Purchasing}", "feeds: [wheel-fitting, final-inspection]")
    )

    paint = Service.objects.get(slug="paint-touch-up")
    assert paint.calendar == office_hours
    assert sorted(paint.feeds.values_list("slug", flat=True)) == [
        "final-inspection",
        "wheel-fitting",
    ]


def test_a_full_team_path_wins_over_a_name_that_ends_another(org, office_hours):
    top_level = Team.objects.create(name="Assembly")

    services_import(data=one_service("provider: {team: Assembly}"))

    assert Service.objects.get().provider_team == top_level


# -- a bad file is rejected whole, each problem on its line ----------------------------------


def test_an_unknown_key_is_reported_with_a_suggestion(org, office_hours):
    assert rejection(one_service("provider: {team: Assembly}", "keyword: [paint]")) == [
        "line 7: services[0].keyword: unknown key; did you mean keywords?"
    ]


def test_a_bad_duration_is_reported_at_its_field(org, office_hours):
    assert rejection(
        one_service(
            "provider: {team: Assembly}",
            "promises:",
            "  normal:",
            "    first_response: 1.5h",
            "    resolution: 4h",
        )
    ) == [
        "line 9: services[0].promises.normal.first_response: write business time like 90m, "
        "1h30m, 8h or a whole number of minutes, not '1.5h'"
    ]


def test_days_are_refused_with_a_hint_to_use_hours(org, office_hours):
    assert rejection(
        one_service(
            "provider: {team: Assembly}",
            "promises: {normal: {first_response: 4h, resolution: 2d}}",
        )
    ) == [
        "line 7: services[0].promises.normal.resolution: days are not a unit here ('2d'), since "
        "a business day's length depends on the calendar; write business hours instead "
        "(e.g. 16h if a day is 8 business hours)"
    ]


def test_an_unknown_kind_is_reported_with_the_kinds_there_are(org, office_hours):
    data = one_service("provider: {team: Assembly}").replace(b"work_item", b"work-item")

    assert rejection(data) == [
        "line 4: services[0].kind: unknown kind 'work-item'; "
        "use advice, approval, feedback, information, work_item, face_time"
    ]


def test_unknown_references_are_reported_by_the_name_not_found(org, office_hours):
    assert rejection(
        one_service(
            "provider: {team: Plant / Paint}",
            "requesters: {people: [nobody@example.com]}",
            "customers:",
            "  parties: [Harbour Motors, Harbor Motors]",
            "feeds: [paint-mixing]",
        ).replace(b"Office hours", b"Night shift")
    ) == [
        "line 5: services[0].calendar: unknown calendar 'Night shift'",
        "line 6: services[0].provider.team: unknown team 'Plant / Paint'",
        "line 7: services[0].requesters.people[0]: unknown person nobody@example.com",
        "line 9: services[0].customers.parties[1]: unknown party 'Harbor Motors'",
        "line 10: services[0].feeds[0]: unknown service 'paint-mixing'",
    ]
    assert not Service.objects.exists()


def test_an_ambiguous_team_name_lists_the_candidates(org, office_hours):
    Team.objects.create(name="Assembly", parent=Team.objects.create(name="Office"))

    assert rejection(one_service("provider: {team: Assembly}")) == [
        "line 6: services[0].provider.team: team 'Assembly' is ambiguous: "
        "Office / Assembly, Plant / Assembly; write its path"
    ]


def test_a_duplicate_slug_or_calendar_name_is_reported_at_the_repeat(org):
    data = CATALOG + more_services(
        """
        - slug: wheel-fitting
          name: Wheel fitting again
          kind: work_item
          provider: {team: Assembly}
          calendar: Plant hours
        """
    )
    data = data.replace(
        b"services:", b"  - {name: Plant hours, timezone: UTC, hours: {}}\nservices:"
    )

    assert rejection(data) == [
        "line 8: calendars[1].name: calendar 'Plant hours' appears again (first on line 2)",
        "line 36: services[2].slug: service 'wheel-fitting' appears again (first on line 10)",
    ]
    assert not Calendar.objects.exists()


def test_a_feeds_loop_is_reported_at_the_entry_that_closes_it(org):
    data = CATALOG.replace(b"kind: approval", b"kind: approval\n    feeds: [wheel-fitting]")

    assert rejection(data) == [
        "line 30: services[1].feeds: this would make the chain loop: "
        "final-inspection → wheel-fitting → final-inspection"
    ]
    assert not Service.objects.exists()


def test_a_loop_closed_through_the_database_is_reported_too(org, office_hours):
    services_import(data=CATALOG)  # wheel-fitting feeds final-inspection

    data = one_service("provider: {team: Assembly}", "feeds: [wheel-fitting]")
    data += b"  - {slug: final-inspection, name: Final inspection, kind: approval,\n"
    data += b"     provider: {team: Assembly}, calendar: Office hours, feeds: [paint-touch-up]}\n"

    assert rejection(data) == [
        "line 9: services[1].feeds: this would make the chain loop: "
        "final-inspection → paint-touch-up → wheel-fitting → final-inspection"
    ]


def test_an_invalid_calendar_hours_entry_is_reported_at_its_line(org):
    data = CATALOG.replace(
        b'hours: {mon: ["06:00-14:00"], tue: ["06:00-14:00"]}',
        b'hours:\n      mon: ["06:00-14:00", "13:00-25:00"]',
    )

    assert rejection(data) == [
        "line 6: calendars[0].hours.mon[1]: end of '13:00-25:00': hours must be 00..24"
    ]
    assert not Service.objects.exists()  # nor are its services reported as broken


def test_a_calendar_that_cannot_be_saved_still_has_its_shape_checked(org):
    data = (
        CATALOG.replace(b"owner_team: Plant / Assembly", b"owner_team: Paint shop")
        .replace(b"timezone: Europe/Berlin", b"timezone: Europe/Bonn")
        .replace(b"date: 2026-12-24", b"date: 2026-13-45")
    )

    with pytest.raises(ServicesFileRejected) as rejected:
        services_import(data=data)

    # Its services are not reported as naming an unknown calendar.
    assert [(error.line, error.field) for error in rejected.value.errors] == [
        (3, "calendars[0].owner_team"),
        (4, "calendars[0].timezone"),
        (7, "calendars[0].closures[0].date"),
    ]
    assert messages(rejected)[0] == "line 3: calendars[0].owner_team: unknown team 'Paint shop'"
    assert messages(rejected)[2] == (
        "line 7: calendars[0].closures[0].date: '2026-13-45' cannot be read: month must be in 1..12"
    )


def test_a_resolution_shorter_than_the_first_response_is_reported_at_its_promise(org, office_hours):
    assert rejection(
        one_service(
            "provider: {team: Assembly}",
            "promises:",
            "  high: {first_response: 4h, resolution: 2h}",
        )
    ) == [
        "line 8: services[0].promises.high: resolution cannot be promised before the first response"
    ]


def test_a_listed_audience_needs_someone_listed(org, office_hours):
    assert rejection(one_service("provider: {team: Assembly}", "audience: listed")) == [
        "line 7: services[0].audience: name at least one team or person who may request it, "
        "or open it to everyone"
    ]


def test_a_rule_the_model_keeps_is_reported_at_its_field(org, office_hours):
    assert rejection(one_service("provider: {team: Assembly}", "warning_percent: 100")) == [
        "line 7: services[0].warning_percent: Ensure this value is less than or equal to 99."
    ]


def test_wrong_types_and_missing_fields_are_reported(org, office_hours):
    assert rejection(
        yaml(
            """
            services:
              - slug: paint-touch-up
                kind: work_item
                provider: Assembly
                calendar: Office hours
                keywords: paint
                confidential: maybe
            """
        )
    ) == [
        "line 2: services[0].name: is required",
        "line 4: services[0].provider: expected {team: ...} or {person: ...}, got 'Assembly'",
        "line 6: services[0].keywords: expected a list, got 'paint'",
        "line 7: services[0].confidential: expected true or false, got 'maybe'",
    ]


def test_a_yaml_syntax_error_is_reported_at_its_line(org):
    assert rejection(b"services:\n  - slug: a\n    name: [unclosed\n    kind: advice\n") == [
        "line 4: file: is not valid YAML: expected ',' or ']', but got ':' (column 9), "
        "while parsing a flow sequence on line 3"
    ]


def test_a_file_that_is_not_utf8_is_rejected_at_its_line(db):
    assert rejection("services:\n  - name: Käthe\n".encode("latin-1")) == [
        "line 2: file: is not UTF-8 text (invalid continuation byte)"
    ]


def test_an_empty_file_or_one_without_entries_is_rejected(db):
    assert rejection(b"# nothing here\n") == [
        "line 1: file: is empty; expected `calendars:` and/or `services:`"
    ]
    assert rejection(b"servics:\n  - slug: a\n") == [
        "line 1: file: expected `calendars:` and/or `services:` at the top"
    ]


def test_every_problem_in_the_file_is_reported_at_once_by_line(org):
    data = (
        CATALOG.replace(b"kind: work_item", b"kind: chore")
        .replace(b"country: DE", b"country: XX")
        .replace(b"resolution: 8h", b"resolution: 1d")
        .replace(b"people: [max.member@example.com]", b"people: [mia@example.com]")
    )

    with pytest.raises(ServicesFileRejected) as rejected:
        services_import(data=data)

    assert [(error.line, error.field) for error in rejected.value.errors] == [
        (6, "calendars[0].holidays.country"),
        (11, "services[0].kind"),
        (20, "services[0].customers.people[0]"),
        (34, "services[1].promises.normal.resolution"),
    ]
    assert not Calendar.objects.exists()


def test_an_error_in_the_last_entry_writes_nothing_of_the_good_ones_before_it(org):
    data = CATALOG + more_services(
        """
        - slug: rim-polishing
          name: Rim polishing
          kind: work_item
          provider: {team: Assembly}
          calendar: Plant hours
          customers: {parties: [Nobody Ltd]}
        """
    )

    assert rejection(data) == [
        "line 40: services[2].customers.parties[0]: unknown party 'Nobody Ltd'"
    ]
    assert not Calendar.objects.exists()
    assert not Service.objects.exists()


def test_a_rejected_update_leaves_the_catalog_as_it_was(org):
    services_import(data=CATALOG)
    data = CATALOG.replace(b"name: Wheel fitting", b"name: Wheels").replace(
        b"resolution: 8h", b"resolution: 10m"
    )

    assert rejection(data) == [
        "line 34: services[1].promises.normal: resolution cannot be promised before the first "
        "response"
    ]
    assert Service.objects.get(slug="wheel-fitting").name == "Wheel fitting"
