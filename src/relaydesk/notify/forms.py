from django import forms
from django.db.models import QuerySet

from relaydesk.directory.models import Team
from relaydesk.forms import BoundedText, ShowsInvalidInput
from relaydesk.notify.models import REQUEST_KINDS, Channel, Kind, Webhook

ORGANISATION = ""  # the team choice that means "the whole organisation"


def preference_field(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per kind and channel."""

    channel_labels = Channel.labels

    def __init__(self, *args, grid: dict[str, dict[str, bool]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            for channel in Channel:
                self.fields[preference_field(kind, channel)] = forms.BooleanField(
                    required=False,
                    initial=grid[kind][channel],
                    label=f"{kind.label}: {channel.label.lower()}",
                )

    def enabled(self) -> list[tuple[str, str]]:
        return [
            (kind.value, channel.value)
            for kind in Kind
            for channel in Channel
            if self.cleaned_data[preference_field(kind, channel)]
        ]

    def rows(self) -> list[tuple[Kind, list[forms.BoundField]]]:
        """The grid as the page lays it out: a row per kind, a cell per channel."""
        return [
            (kind, [self[preference_field(kind, channel)] for channel in Channel]) for kind in Kind
        ]


class WebhookForm(ShowsInvalidInput, forms.Form):
    name = BoundedText(
        max_length=Webhook._meta.get_field("name").max_length,
        help_text="e.g. “Assembly's Slack channel”",
    )
    # Checked by the service (http or https only), which says what is wrong with it.
    url = BoundedText(
        max_length=Webhook._meta.get_field("url").max_length,
        label="Address",
        help_text="The receiver's http:// or https:// URL.",
    )
    team = forms.ChoiceField(label="For the requests of", required=False)
    kinds = forms.MultipleChoiceField(
        label="Send",
        choices=[(kind.value, kind.label) for kind in REQUEST_KINDS],
        widget=forms.CheckboxSelectMultiple,
    )
    format = forms.ChoiceField(
        choices=Webhook.Format.choices, initial=Webhook.Format.JSON, widget=forms.RadioSelect
    )

    def __init__(self, *args, teams: QuerySet[Team], organisation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {str(team.pk): team for team in teams}
        choices = [(ORGANISATION, "The whole organisation")] if organisation else []
        self.fields["team"].choices = choices + [(pk, team.name) for pk, team in self.teams.items()]
        self.fields["team"].required = not organisation

    def chosen_team(self) -> Team | None:
        return self.teams.get(self.cleaned_data["team"])
