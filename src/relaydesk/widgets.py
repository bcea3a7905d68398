"""Form widgets the pages share: choices that stay usable by the hundred, and no radio group
of one. static/relaydesk/picker.js enhances the pickers; without it they still work."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.urls import reverse


class OnlyChoiceAsText(forms.RadioSelect):
    """Radio buttons, but a single choice is shown as text (with a hidden input): a group of one
    radio button asks nothing."""

    template_name = "relaydesk/widgets/only_choice_as_text.html"


class PickList(forms.CheckboxSelectMultiple):
    """Checkboxes in a bounded scrolling box, the ticked ones first so one sees what is chosen;
    picker.js adds a box that filters the list as one types. Each option is three values in
    one template's loop, not a dictionary and a template of its own as Django's choice widgets
    make them, which weigh a page down by the hundred. Lists that may grow to hundreds (teams)
    are Choosers instead."""

    template_name = "relaydesk/widgets/pick_list.html"

    def __init__(self, *, noun: str, attrs: dict[str, Any] | None = None):
        super().__init__(attrs)
        self.noun = noun

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)
        ticked = set(context["widget"]["value"])
        options = [(str(key), label, str(key) in ticked) for key, label in self.choices]
        options.sort(key=lambda option: not option[2])
        context["widget"].update(options=options, noun=self.noun)
        return context


@dataclass(frozen=True)
class Chosen:
    """One item a Chooser holds: its key (a slug, an email) and the name shown for it. What
    names nothing is kept as typed (`found` False), so the field can say so beside it."""

    key: str
    label: str
    found: bool = True


class Chooser(forms.TextInput):
    """A text box of names or keys, commas between. picker.js turns it into a type-ahead
    whose choices show as removable chips; its suggestions come from the URL named `source`
    (with `params`), which answers `?q=` with {"results": [{"key", "label", "detail"}]}.

    The field hands it a list of Chosen (see prepare_value); the box holds their keys."""

    template_name = "relaydesk/widgets/chooser.html"

    def __init__(
        self,
        *,
        source: str,
        params: Mapping[str, str] | None = None,
        single: bool = False,
        attrs: dict[str, Any] | None = None,
    ):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.source, self.params, self.single = source, dict(params or {}), single

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list):
            return ", ".join(chosen.key for chosen in value)
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        source = reverse(self.source)
        if self.params:
            source += "?" + urlencode(self.params)
        context["widget"].update(
            chosen=value if isinstance(value, list) else [], source=source, single=self.single
        )
        return context
