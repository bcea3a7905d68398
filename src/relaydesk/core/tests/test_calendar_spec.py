"""Calendar file shape: parsing, every validation error with its field path, round trips, files."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from relaydesk.core.businesstime import Calendar, Closure, HolidaySource
from relaydesk.core.calendar_spec import (
    CalendarSpecError,
    calendar_from_mapping,
    calendar_to_mapping,
    load_calendar_file,
    parse_calendar_text,
)
from relaydesk.core.tests.test_businesstime import calendar_pool

EXAMPLE_YAML = """\
timezone: Europe/Berlin          # an IANA name
hours:                           # local wall-clock intervals per weekday; a missing day is closed
  mon: ["09:00-12:30", "13:30-17:30"]
  tue: ["09:00-17:00"]
  sun: []
  sat: ["00:00-24:00"]           # 24:00 means the next midnight
holidays: {country: DE, subdivision: BY}   # optional; from the `holidays` package
closures:                        # optional; local times
  - date: 2026-12-24             # a whole day
  - {start: "2026-12-31T14:00", end: "2027-01-02T00:00"}   # a range
"""

VALID: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "hours": {"mon": ["09:00-12:30", "13:30-17:30"], "tue": ["09:00-17:00"]},
    "holidays": {"country": "DE", "subdivision": "BY"},
    "closures": [{"date": "2026-12-24"}, {"start": "2026-12-31T14:00", "end": "2027-01-02T00:00"}],
}


def errors_of(data: object) -> list[tuple[str, str]]:
    with pytest.raises(CalendarSpecError) as info:
        calendar_from_mapping(data)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    return [(issue.path, issue.message) for issue in info.value.errors]


def with_changes(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is ...:
            del data[key]
        else:
            data[key] = value
    return data


def test_the_example_file_shape() -> None:
    cal = calendar_from_mapping(yaml.safe_load(EXAMPLE_YAML))
    h = 3600
    assert cal.timezone == "Europe/Berlin"
    assert cal.hours == (
        ((9 * h, 12.5 * h), (13.5 * h, 17.5 * h)),
        ((9 * h, 17 * h),),
        (),
        (),
        (),
        ((0, 24 * h),),
        (),
    )
    assert cal.holidays == HolidaySource("DE", "BY")
    assert cal.closures == (
        Closure(datetime(2026, 12, 24), datetime(2026, 12, 25)),
        Closure(datetime(2026, 12, 31, 14), datetime(2027, 1, 2)),
    )


def test_dates_as_objects_or_strings_are_the_same() -> None:
    as_objects = with_changes(
        closures=[
            {"date": date(2026, 12, 24)},
            {"start": datetime(2026, 12, 31, 14), "end": date(2027, 1, 2)},
        ]
    )
    assert calendar_from_mapping(as_objects) == calendar_from_mapping(VALID)


def test_optional_parts() -> None:
    cal = calendar_from_mapping({"timezone": "UTC", "hours": {"wed": None}, "holidays": None})
    assert cal == Calendar("UTC", {})  # type: ignore[arg-type]
    assert calendar_from_mapping({"timezone": "UTC", "hours": {}}).closures == ()
    assert calendar_from_mapping(
        with_changes(holidays={"country": "US"})
    ).holidays == HolidaySource("US")
    spaced = calendar_from_mapping({"timezone": "UTC", "hours": {"fri": [" 9:00 - 17:00:30 "]}})
    assert spaced.hours[4] == ((9 * 3600, 17 * 3600 + 30),)


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        (with_changes(timezone="Mars/Olympus"), "timezone", "unknown timezone"),
        (with_changes(timezone=...), "timezone", "required"),
        (with_changes(timezone=5), "timezone", "IANA"),
        (with_changes(colour="red"), "colour", "unknown key"),
        (with_changes(hours=...), "hours", "required"),
        (with_changes(hours=["09:00-17:00"]), "hours", "mapping"),
        (with_changes(hours={"monday": ["09:00-17:00"]}), "hours.monday", "unknown weekday"),
        (with_changes(hours={"mon": "09:00-17:00"}), "hours.mon", "list"),
        (with_changes(hours={"mon": ["9-5"]}), "hours.mon[0]", "HH:MM-HH:MM"),
        (with_changes(hours={"mon": ["09:00-17:00", 810]}), "hours.mon[1]", "quote it"),
        (with_changes(hours={"mon": ["17:00-09:00"]}), "hours.mon[0]", "end must be after start"),
        (with_changes(hours={"mon": ["09:00-09:00"]}), "hours.mon[0]", "end must be after start"),
        (with_changes(hours={"mon": ["09:60-10:00"]}), "hours.mon[0]", "00..59"),
        (with_changes(hours={"mon": ["25:00-26:00"]}), "hours.mon[0]", "00..24"),
        (with_changes(hours={"mon": ["24:00-24:00"]}), "hours.mon[0]", "only as an end"),
        (with_changes(hours={"mon": ["22:00-24:30"]}), "hours.mon[0]", "latest time"),
        (
            with_changes(hours={"mon": ["09:00-13:00", "12:00-17:00"]}),
            "hours.mon[1]",
            "overlaps hours.mon[0]",
        ),
        (
            with_changes(hours={"mon": ["12:00-17:00", "09:00-13:00"]}),
            "hours.mon[1]",
            "overlaps hours.mon[0]",
        ),
        (with_changes(holidays="DE"), "holidays", "mapping"),
        (with_changes(holidays={"country": "XX"}), "holidays.country", "unknown holiday country"),
        (with_changes(holidays={"country": "de"}), "holidays.country", "upper-case"),
        (with_changes(holidays={"country": False}), "holidays.country", "quote it"),
        (with_changes(holidays={"subdivision": "BY"}), "holidays.country", "required"),
        (
            with_changes(holidays={"country": "DE", "subdivision": "XX"}),
            "holidays.subdivision",
            "BY",
        ),
        (
            with_changes(holidays={"country": "DE", "region": "BY"}),
            "holidays.region",
            "unknown key",
        ),
        (with_changes(closures={"date": "2026-12-24"}), "closures", "list"),
        (with_changes(closures=["2026-12-24"]), "closures[0]", "expected"),
        (with_changes(closures=[{}]), "closures[0]", "needs date"),
        (with_changes(closures=[{"note": "x"}]), "closures[0].note", "unknown key"),
        (
            with_changes(closures=[{"date": "2026-12-24", "end": "2026-12-25"}]),
            "closures[0]",
            "not both",
        ),
        (with_changes(closures=[{"date": "2026-02-30"}]), "closures[0].date", "date like"),
        (
            with_changes(closures=[{"date": datetime(2026, 1, 1, 9)}]),
            "closures[0].date",
            "date-time",
        ),
        (with_changes(closures=[{"start": "2026-12-24T09:00"}]), "closures[0].end", "required"),
        (with_changes(closures=[{"end": "2026-12-24T09:00"}]), "closures[0].start", "required"),
        (
            with_changes(closures=[{"start": "2026-12-24T09:00", "end": "2026-12-24T09:00"}]),
            "closures[0].end",
            "after start",
        ),
        (
            with_changes(
                closures=[{"date": "2026-12-24"}, {"start": "tomorrow", "end": "2026-12-24"}]
            ),
            "closures[1].start",
            "local date-time",
        ),
        (
            with_changes(closures=[{"start": "2026-12-24T09:00+01:00", "end": "2026-12-25"}]),
            "closures[0].start",
            "remove the UTC offset",
        ),
        (["timezone", "UTC"], "", "expected a mapping"),
    ],
)
def test_each_error_names_its_field(data: object, path: str, fragment: str) -> None:
    errors = errors_of(data)
    assert any(p == path and fragment in message for p, message in errors), errors


def test_all_errors_are_reported_at_once() -> None:
    data = {
        "timezone": "Nowhere/Land",
        "hours": {"mon": ["09:00-13:00", "12:00-17:00"], "xyz": []},
        "holidays": {"country": "DE", "subdivision": "ZZ"},
        "closures": [
            {"date": "2026-13-01"},
            {"start": "2026-12-31T14:00", "end": "2026-12-31T13:00"},
        ],
        "extra": 1,
    }
    paths = [path for path, _ in errors_of(data)]
    assert sorted(paths) == sorted(
        [
            "extra",
            "timezone",
            "hours.mon[1]",
            "hours.xyz",
            "holidays.subdivision",
            "closures[0].date",
            "closures[1].end",
        ]
    )
    with pytest.raises(CalendarSpecError) as info:
        calendar_from_mapping(data)
    text = str(info.value)
    assert "7 problems" in text
    assert "hours.mon[1]: '12:00-17:00' overlaps hours.mon[0] ('09:00-13:00')" in text


def test_round_trip_of_the_example() -> None:
    cal = calendar_from_mapping(yaml.safe_load(EXAMPLE_YAML))
    mapping = calendar_to_mapping(cal)
    assert mapping == {
        "timezone": "Europe/Berlin",
        "hours": {
            "mon": ["09:00-12:30", "13:30-17:30"],
            "tue": ["09:00-17:00"],
            "wed": [],
            "thu": [],
            "fri": [],
            "sat": ["00:00-24:00"],
            "sun": [],
        },
        "holidays": {"country": "DE", "subdivision": "BY"},
        "closures": [
            {"date": "2026-12-24"},
            {"start": "2026-12-31T14:00", "end": "2027-01-02T00:00"},
        ],
    }
    assert calendar_from_mapping(json.loads(json.dumps(mapping))) == cal
    assert calendar_from_mapping(yaml.safe_load(yaml.safe_dump(mapping))) == cal


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(calendar_pool()))
def test_round_trip_of_pool_calendars(cal: Calendar) -> None:
    mapping = calendar_to_mapping(cal)
    assert calendar_from_mapping(mapping) == cal
    assert parse_calendar_text(json.dumps(mapping)) == cal
    assert parse_calendar_text(yaml.safe_dump(mapping)) == cal


def test_round_trip_keeps_seconds() -> None:
    cal = Calendar(
        "UTC",
        {0: [(1, 86399)]},  # type: ignore[arg-type]
        None,
        (Closure(datetime(2026, 1, 5, 10, 0, 5), datetime(2026, 1, 5, 11)),),
    )
    mapping = calendar_to_mapping(cal)
    assert mapping["hours"]["mon"] == ["00:00:01-23:59:59"]
    assert mapping["closures"] == [{"start": "2026-01-05T10:00:05", "end": "2026-01-05T11:00"}]
    assert calendar_from_mapping(mapping) == cal


# -- files ---------------------------------------------------------------------------------


def write(tmp_path: Path, text: str | bytes, name: str = "calendar.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_load_yaml_and_json_files(tmp_path: Path) -> None:
    from_yaml = load_calendar_file(write(tmp_path, EXAMPLE_YAML))
    as_json = json.dumps(calendar_to_mapping(from_yaml), indent="\t")
    assert load_calendar_file(write(tmp_path, as_json, "calendar.json")) == from_yaml
    assert load_calendar_file(str(write(tmp_path, as_json, "no-suffix"))) == from_yaml


def test_yaml_syntax_errors_give_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "timezone: UTC\nhours:\n  mon: [09:00-17:00\n  tue: []\n")
    with pytest.raises(CalendarSpecError) as info:
        load_calendar_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "invalid YAML at line 4" in message


def test_json_syntax_errors_give_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "timezone": "UTC",\n  "hours": {,}\n}\n', "c.json")
    with pytest.raises(CalendarSpecError, match=r"invalid JSON at line 3, column 13"):
        load_calendar_file(path)


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    with pytest.raises(CalendarSpecError, match=r"line 4, column 3: found duplicate key 'mon'"):
        load_calendar_file(write(tmp_path, "timezone: UTC\nhours:\n  mon: []\n  mon: []\n"))
    with pytest.raises(CalendarSpecError, match="duplicate key 'hours'"):
        load_calendar_file(write(tmp_path, '{"timezone": "UTC", "hours": {}, "hours": {}}'))


def test_validation_errors_from_files_name_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "timezone: UTC\nhours:\n  mon: [09:00-25:00]\n")
    with pytest.raises(CalendarSpecError) as info:
        load_calendar_file(path)
    assert info.value.source == str(path)
    assert [issue.path for issue in info.value.errors] == ["hours.mon[0]"]


def test_unquoted_yaml_times_get_a_hint(tmp_path: Path) -> None:
    # YAML 1.1 reads 13:30 as the base-60 integer 810.
    path = write(tmp_path, "timezone: UTC\nhours:\n  mon: [13:30]\n")
    with pytest.raises(CalendarSpecError, match="quote it"):
        load_calendar_file(path)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("- a list\n", "expected a mapping"),
        (b"timezone: \xff\xfe\n", "not UTF-8"),
    ],
)
def test_unusable_files(tmp_path: Path, content: str | bytes, fragment: str) -> None:
    with pytest.raises(CalendarSpecError, match=fragment):
        load_calendar_file(write(tmp_path, content))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CalendarSpecError, match="cannot read the file") as info:
        load_calendar_file(tmp_path / "absent.yaml")
    assert isinstance(info.value.__cause__, FileNotFoundError)
