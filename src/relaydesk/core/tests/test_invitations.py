from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from icalendar import Calendar

from relaydesk.core.invitations import cancellation, face_time_invitation

BERLIN = ZoneInfo("Europe/Berlin")
PROVIDER = ("Ana Provider", "ana@relaydesk.example")
# Turkish dotless i, spelled as an escape so no reader mistakes it for a plain "i".
ELIF = "Elif Y\u0131lmaz"
REQUESTER = (ELIF, "elif@relaydesk.example")


def invite(**overrides):
    arguments = {
        "uid": "request-42-facetime@relaydesk.example",
        "summary": "Face time: budget review",
        "description": "Let us go through the Q3 numbers.",
        "start": datetime(2025, 6, 2, 14, 0, tzinfo=BERLIN),
        "end": datetime(2025, 6, 2, 14, 30, tzinfo=BERLIN),
        "organizer": PROVIDER,
        "attendees": [REQUESTER],
        "url": "https://relaydesk.example/requests/42/",
        "sequence": 0,
        "stamp": datetime(2025, 5, 30, 8, 15, 0, tzinfo=UTC),
    }
    return face_time_invitation(**(arguments | overrides))


def cancel(**overrides):
    arguments = {
        "uid": "request-42-facetime@relaydesk.example",
        "summary": "Face time: budget review",
        "description": "",
        "start": datetime(2025, 6, 2, 14, 0, tzinfo=BERLIN),
        "end": datetime(2025, 6, 2, 14, 30, tzinfo=BERLIN),
        "organizer": PROVIDER,
        "attendees": [REQUESTER],
        "invitation_sequence": 2,
        "stamp": datetime(2025, 5, 31, 9, 0, 0, tzinfo=UTC),
    }
    return cancellation(**(arguments | overrides))


def the_event(ics):
    calendar = Calendar.from_ical(ics)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_it_is_a_request_from_relaydesk():
    calendar, _ = the_event(invite())
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Relaydesk//Relaydesk//EN"


def test_the_event_carries_what_was_passed_in():
    _, event = the_event(invite(sequence=3))
    assert event["UID"] == "request-42-facetime@relaydesk.example"
    assert event["SUMMARY"] == "Face time: budget review"
    assert event["DESCRIPTION"] == "Let us go through the Q3 numbers."
    assert event["URL"] == "https://relaydesk.example/requests/42/"
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CONFIRMED"
    assert event["DTSTAMP"].dt == datetime(2025, 5, 30, 8, 15, tzinfo=UTC)


def test_a_berlin_slot_comes_out_as_the_same_instant_in_utc():
    ics = invite()
    _, event = the_event(ics)
    # 14:00 in Berlin in June is 12:00 UTC (summer time, +02:00).
    assert event["DTSTART"].dt == datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    assert event["DTEND"].dt == datetime(2025, 6, 2, 12, 30, tzinfo=UTC)
    assert b"DTSTART:20250602T120000Z\r\n" in ics
    assert b"DTEND:20250602T123000Z\r\n" in ics
    assert b"TZID" not in ics


def test_a_winter_slot_uses_the_winter_offset():
    _, event = the_event(
        invite(
            start=datetime(2025, 12, 1, 9, 0, tzinfo=BERLIN),
            end=datetime(2025, 12, 1, 10, 0, tzinfo=BERLIN),
        )
    )
    assert event["DTSTART"].dt == datetime(2025, 12, 1, 8, 0, tzinfo=UTC)


def test_the_organizer_is_named_with_a_mailto_address():
    _, event = the_event(invite())
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:ana@relaydesk.example"
    assert organizer.params["CN"] == "Ana Provider"


def test_each_attendee_is_asked_to_reply():
    second = ("Bob Builder", "bob@relaydesk.example")
    _, event = the_event(invite(attendees=[REQUESTER, second]))
    attendees = event["ATTENDEE"]
    assert [str(attendee) for attendee in attendees] == [
        "mailto:elif@relaydesk.example",
        "mailto:bob@relaydesk.example",
    ]
    for attendee in attendees:
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "TRUE"


def test_non_ascii_names_survive_the_round_trip():
    ics = invite()
    _, event = the_event(ics)
    assert event["ATTENDEE"].params["CN"] == ELIF
    assert ELIF.encode() in ics  # written as UTF-8, as RFC 5545 requires


def test_names_with_commas_and_quotes_are_quoted_as_parameters():
    awkward = 'Y\u0131lmaz, Elif "Eli"'
    _, event = the_event(invite(attendees=[(awkward, "elif@relaydesk.example")]))
    assert event["ATTENDEE"].params["CN"] == awkward


def test_commas_and_semicolons_in_the_summary_are_escaped():
    summary = "Face time; budget, forecast \\ plan"
    ics = invite(summary=summary)
    assert b"SUMMARY:Face time\\; budget\\, forecast \\\\ plan\r\n" in ics
    _, event = the_event(ics)
    assert event["SUMMARY"] == summary


def test_line_breaks_in_the_description_are_kept():
    _, event = the_event(invite(description="First line\nSecond line"))
    assert event["DESCRIPTION"] == "First line\nSecond line"


def test_long_lines_are_folded_to_75_octets_with_crlf_endings():
    description = (
        "Wir besprechen die Übergabe, das Budget in € und Ärger mit Ölpreisen (日本支社). " * 12
    )
    ics = invite(description=description)
    assert ics.endswith(b"\r\n")
    lines = ics.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines), "a long description must be folded"
    # Folding must not split a multi-byte character: every line is valid UTF-8 on its own.
    for line in lines:
        line.decode("utf-8")
    _, event = the_event(ics)
    assert event["DESCRIPTION"] == description


def test_the_url_is_left_out_when_there_is_none():
    _, event = the_event(invite(url=None))
    assert "URL" not in event


def test_the_same_inputs_give_the_same_bytes():
    assert invite() == invite()


def test_sub_second_times_are_cut_to_whole_seconds():
    _, event = the_event(invite(start=datetime(2025, 6, 2, 14, 0, 0, 999_999, tzinfo=BERLIN)))
    assert event["DTSTART"].dt == datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("argument", ["start", "end", "stamp"])
def test_naive_times_are_refused_by_name(argument):
    naive = {
        "start": datetime(2025, 6, 2, 14, 0),
        "end": datetime(2025, 6, 2, 14, 30),
        "stamp": datetime(2025, 5, 30, 8, 15),
    }
    with pytest.raises(ValueError, match=f"^{argument} must be timezone-aware"):
        invite(**{argument: naive[argument]})


@pytest.mark.parametrize("length", [timedelta(0), timedelta(minutes=-30)])
def test_an_end_not_after_the_start_is_refused(length):
    start = datetime(2025, 6, 2, 14, 0, tzinfo=BERLIN)
    with pytest.raises(ValueError, match="must be after start"):
        invite(start=start, end=start + length)


def test_an_end_equal_to_the_start_in_another_timezone_is_refused():
    with pytest.raises(ValueError, match="must be after start"):
        invite(
            start=datetime(2025, 6, 2, 14, 0, tzinfo=BERLIN),
            end=datetime(2025, 6, 2, 12, 0, tzinfo=UTC),
        )


@pytest.mark.parametrize(
    "email", ["", "ana@x.example\r\nATTENDEE:mailto:eve@x.example", "a;b@x.example"]
)
def test_an_address_that_could_break_the_file_is_refused(email):
    with pytest.raises(ValueError, match="not a plain email address"):
        invite(organizer=("Ana", email))


def test_an_invitation_without_attendees_is_refused():
    with pytest.raises(ValueError, match="at least one attendee"):
        invite(attendees=[])


def test_an_empty_uid_is_refused():
    with pytest.raises(ValueError, match="uid must not be empty"):
        invite(uid=" ")


def test_a_cancellation_withdraws_the_same_event_with_a_higher_sequence():
    calendar, event = the_event(cancel(invitation_sequence=2))
    assert calendar["METHOD"] == "CANCEL"
    assert calendar["PRODID"] == "-//Relaydesk//Relaydesk//EN"
    assert event["UID"] == "request-42-facetime@relaydesk.example"
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 3
    assert event["DTSTART"].dt == datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
    assert str(event["ORGANIZER"]) == "mailto:ana@relaydesk.example"


def test_a_cancellation_asks_attendees_for_no_reply():
    _, event = the_event(cancel())
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:elif@relaydesk.example"
    assert attendee.params["CN"] == ELIF
    assert "RSVP" not in attendee.params
    assert "PARTSTAT" not in attendee.params


texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('\n,;:\\"'), max_size=300
)


@given(summary=texts, description=texts, name=texts.filter(str.strip))
@example(summary="s", description="d", name="Back\\")
def test_any_text_reads_back_unchanged_from_lines_of_at_most_75_octets(summary, description, name):
    ics = invite(summary=summary, description=description, attendees=[(name, "e@x.example")])
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
    _, event = the_event(ics)
    assert event["SUMMARY"] == summary
    assert event["DESCRIPTION"] == description
    assert event["ATTENDEE"].params["CN"] == name
