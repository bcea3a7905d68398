"""Forms for the request pages. Dates and times are read in the viewer's timezone (which
middleware.ViewerTimezone activates); every write goes through services, whose complaints land
beside their fields.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.utils import dateformat, timezone

from relaydesk.catalog.models import Priority, Promise, Service
from relaydesk.core.businesstime import Calendar as BusinessCalendar
from relaydesk.core.durations import promise_text
from relaydesk.directory.models import Party, Person, Team
from relaydesk.forms import BoundedText, MomentField, ShowsInvalidInput, local_time
from relaydesk.servicerequests.models import (
    MOST_PROPOSED_SLOTS,
    TEXT_LENGTH,
    TITLE_LENGTH,
    Decision,
    Request,
    Status,
)
from relaydesk.servicerequests.services import Slot
from relaydesk.widgets import OnlyChoiceAsText

# How many times to meet a face-time request may propose on the form.
SLOT_PAIRS = 3


def _optional_moment(label: str, **kwargs: Any) -> MomentField:
    return MomentField(label=label, required=False, **kwargs)


def _promise_label(promise: Promise, working_day: int) -> str:
    said = promise_text(
        promise.first_response_minutes * 60, promise.resolution_minutes * 60, working_day
    )
    return f"{promise.get_priority_display()} — {said}"


def moment_text(moment: datetime, now: datetime) -> str:
    """An instant soon after `now` as people say it, in the active (the viewer's) timezone:
    'today 16:30', 'Thu 10:30' within the week, 'Thu 17 Dec, 10:30' beyond."""
    moment, now = timezone.localtime(moment), timezone.localtime(now)
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"today {moment:%H:%M}"
    return dateformat.format(moment, "D H:i" if 0 < days < 7 else "D j M, H:i")


@dataclass(frozen=True)
class Preview:
    """When a request sent now would hear back and be done, for one priority."""

    priority: str
    answer_by: str
    done_by: str


def promise_previews(
    promises: Sequence[Promise], calendar: BusinessCalendar, now: datetime
) -> list[Preview]:
    """The due times a request sent at `now` would get, as request_create sets them."""
    return [
        Preview(
            promise.priority,
            moment_text(calendar.due(now, promise.first_response_minutes * 60), now),
            moment_text(calendar.due(now, promise.resolution_minutes * 60), now),
        )
        for promise in promises
    ]


class RequestForm(ShowsInvalidInput, forms.Form):
    title = BoundedText(max_length=TITLE_LENGTH, help_text="In a few words: what do you need?")
    details = BoundedText(
        max_length=TEXT_LENGTH,
        rows=5,
        required=False,
        help_text="Whatever helps them get it right the first time.",
    )
    priority = forms.ChoiceField(widget=OnlyChoiceAsText)
    needed_by = _optional_moment("Needed by")
    party = forms.ModelChoiceField(
        Party.objects.all(),
        required=False,
        label="For an external customer or vendor",
        empty_label="Nobody outside",
    )
    unblocks = forms.CharField(
        required=False,
        label="This unblocks",
        help_text="Optional. Numbers of requests that wait for this one, e.g. 41, 57.",
    )
    # Never rendered: the face-time pairs are gathered here, and the errors about them shown.
    proposed_slots = forms.Field(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, service: Service, promises: Sequence[Promise], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.service = service
        self.fields["needed_by"].help_text = (
            f"Optional. When you need it done, in your timezone "
            f"({timezone.get_current_timezone_name()})."
        )
        priority = self.fields["priority"]
        if promises:
            working_day = service.calendar.engine().working_day
            priority.choices = [
                (promise.priority, _promise_label(promise, working_day)) for promise in promises
            ]
            priority.help_text = "In business time on the service's calendar."
        else:
            priority.choices = Priority.choices
        offered = [value for value, _ in priority.choices]
        priority.initial = Priority.NORMAL if Priority.NORMAL in offered else offered[0]
        if self.is_face_time:
            # Their fieldset names the timezone, once for the six of them.
            for n in range(1, SLOT_PAIRS + 1):
                self.fields[f"slot_{n}_start"] = _optional_moment(f"Time {n}: from", help_text="")
                self.fields[f"slot_{n}_end"] = _optional_moment(f"Time {n}: until", help_text="")

    @property
    def is_face_time(self) -> bool:
        return self.service.kind == Service.Kind.FACE_TIME

    def slot_pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"slot_{n}_start"], self[f"slot_{n}_end"]) for n in range(1, SLOT_PAIRS + 1)]

    def clean_unblocks(self) -> list[Request]:
        text = self.cleaned_data["unblocks"]
        parts = [part.strip().lstrip("#") for part in re.split(r"[,\s]+", text) if part.strip()]
        # A number no database holds as an id is as wrong as a word.
        if not all(part.isdigit() and len(part) < 19 for part in parts):
            raise forms.ValidationError("give request numbers only, commas between, e.g. 41, 57")
        ids = list(dict.fromkeys(int(part) for part in parts))
        found = Request.objects.in_bulk(ids)
        # Worded as the service words a request the requester may not see: nothing leaks.
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise forms.ValidationError(f"no request you can see with id {', '.join(missing)}")
        return [found[pk] for pk in ids]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slots = []
        if self.is_face_time:
            for n in range(1, SLOT_PAIRS + 1):
                start_name, end_name = f"slot_{n}_start", f"slot_{n}_end"
                start, end = data.get(start_name), data.get(end_name)
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    missing = end_name if start is not None else start_name
                    if missing not in self.errors:
                        self.add_error(missing, "give both the start and the end of this time")
                    continue
                slots.append(Slot(start=start, end=end))
        data["proposed_slots"] = slots
        return data

    def request_fields(self) -> dict[str, Any]:
        """The keyword arguments of services.request_create."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "details": data["details"],
            "priority": data["priority"],
            "needed_by": data["needed_by"],
            "party": data["party"],
            "unblocks": data["unblocks"],
            "proposed_slots": data["proposed_slots"],
        }


class _Versioned(ShowsInvalidInput, forms.Form):
    """A form acting on a request as the viewer saw it: a stale one gets a conflict."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class StatusForm(_Versioned):
    """A move along the lifecycle: a button, a question to the requester, or a decision."""

    to = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    message = BoundedText(max_length=TEXT_LENGTH, rows=3, required=False)
    decision = forms.ChoiceField(
        choices=Decision.choices, required=False, widget=forms.RadioSelect, label="Decision"
    )

    LABELS = {"decide": "Reason"}

    def __init__(self, *args: Any, variant: str = "move", **kwargs: Any):
        super().__init__(*args, auto_id=f"id_{variant}_%s", **kwargs)
        self.variant = variant
        self.fields["message"].label = self.LABELS.get(variant, "Message")


class CommentForm(_Versioned):
    """The request page's one composer. The provider side chooses what its words are: a reply
    the requester sees, a question that pauses the resolution clock until they answer, or an
    internal note; the requester just writes. The services enforce who may do which."""

    REPLY, ASK, NOTE = "reply", "ask", "note"
    KINDS = {
        REPLY: "Reply to the requester",
        ASK: "Ask the requester and pause the clock until they answer",
        NOTE: "Internal note: only the provider side sees it",
    }

    body = BoundedText(
        max_length=TEXT_LENGTH,
        rows=4,
        label="Message",
        error_messages={"required": "Write your message first."},
    )
    kind = forms.ChoiceField(
        choices=list(KINDS.items()),
        required=False,
        initial=REPLY,
        widget=forms.RadioSelect,
        label="What it is",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, auto_id="id_comment_%s", **kwargs)

    def offer(self, kinds: Sequence[str]) -> None:
        """Show only the kinds this viewer may write now (any is read: the services judge)."""
        self.fields["kind"].widget.choices = [(kind, self.KINDS[kind]) for kind in kinds]

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or self.REPLY


class AssignForm(_Versioned):
    # Rendered by hand with the queue's own people as options; validated against everyone,
    # since the service decides who may hold the request.
    assignee = forms.ModelChoiceField(
        Person.objects.filter(is_active=True), required=False, label="Give it to"
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, auto_id="id_assign_%s", **kwargs)


class TransferForm(_Versioned):
    # Rendered by hand: an organisation has hundreds of teams, and a form widget renders each
    # option through a template of its own.
    team = forms.ModelChoiceField(Team.objects.all(), label="Move to team")
    message = BoundedText(
        max_length=TEXT_LENGTH,
        rows=2,
        required=False,
        label="Why",
        help_text="Shown in the timeline.",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, auto_id="id_transfer_%s", **kwargs)


class SplitForm(ShowsInvalidInput, forms.Form):
    service = forms.CharField(
        label="Service",
        max_length=100,
        help_text="Its address, e.g. purchase-approval; suggestions are the services that "
        "feed this one.",
        widget=forms.TextInput(attrs={"list": "split-services", "autocomplete": "off"}),
    )
    title = BoundedText(max_length=TITLE_LENGTH)
    details = BoundedText(max_length=TEXT_LENGTH, rows=3, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, auto_id="id_split_%s", **kwargs)

    def clean_service(self) -> Service:
        slug = self.cleaned_data["service"].strip().strip("/").split("/")[-1]
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise forms.ValidationError(
                f"give the address of a service: none has the address {slug}"
            )
        return service


class SlotForm(_Versioned):
    # The service checks the index against the times proposed; offer() lists them to pick.
    slot = forms.IntegerField(
        min_value=0, max_value=MOST_PROPOSED_SLOTS - 1, widget=OnlyChoiceAsText, label="Meet at"
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, auto_id="id_slot_%s", **kwargs)

    def offer(self, proposed: Sequence[dict]) -> None:
        self.fields["slot"].widget.choices = [
            (index, slot_label(slot["start"], slot["end"])) for index, slot in enumerate(proposed)
        ]


def slot_label(start: datetime | str, end: datetime | str) -> str:
    """'Wed 25 Nov 2026, 10:00 to 10:30' in the active (the viewer's) timezone."""
    start, end = (_instant(value) for value in (start, end))
    same_day = start.date() == end.date()
    until = dateformat.format(end, "H:i" if same_day else "D j M Y, H:i")
    return f"{dateformat.format(start, 'D j M Y, H:i')} to {until}"


def _instant(value: datetime | str) -> datetime:
    return local_time(datetime.fromisoformat(value) if isinstance(value, str) else value)
