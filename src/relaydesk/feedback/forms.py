from django import forms

from relaydesk.feedback.models import (
    CLARITY,
    COMMENT_LENGTH,
    EASE,
    ITEMS,
    KUDOS_LENGTH,
    PERCEPTION,
    REASON_LENGTH,
    RECOMMEND,
    SATISFACTION,
    Survey,
)
from relaydesk.forms import BoundedText, DayField, MomentField, ShowsInvalidInput

TITLE_LENGTH = Survey._meta.get_field("title").max_length


def _scale(scale: range, low: str, high: str) -> list[tuple[int, str]]:
    last = scale.stop - 1
    return [
        (n, f"{n} {low}" if n == scale.start else f"{n} {high}" if n == last else str(n))
        for n in scale
    ]


class RatingForm(ShowsInvalidInput, forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you with how it went?",
        choices=_scale(SATISFACTION, "very unsatisfied", "very satisfied"),
        coerce=int,
        widget=forms.RadioSelect,
    )
    ease = forms.TypedChoiceField(
        label="They made it easy for me",
        choices=_scale(EASE, "strongly disagree", "strongly agree"),
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = BoundedText(max_length=COMMENT_LENGTH, rows=3, required=False)
    anonymous = forms.BooleanField(
        required=False,
        label="Rate anonymously",
        help_text="It then counts only in team figures, with no name kept beside it, and "
        "cannot be changed later.",
    )


class ChangeRatingForm(RatingForm):
    anonymous = None


class ClarityForm(ShowsInvalidInput, forms.Form):
    score = forms.TypedChoiceField(
        label="How clear and complete was this request?",
        choices=_scale(CLARITY, "unclear", "clear and complete"),
        coerce=int,
    )
    reason = BoundedText(
        max_length=REASON_LENGTH,
        required=False,
        help_text="What was missing, in a few words (only the requester sees their pattern).",
    )


class KudosForm(ShowsInvalidInput, forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)  # "person-7" or "team-3"
    request = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    message = BoundedText(max_length=KUDOS_LENGTH, rows=2, initial="Thank you!")
    public = forms.BooleanField(required=False, initial=True, label="Show it in the feed")
    anonymous = forms.BooleanField(required=False, label="Send it without my name")


class SurveyForm(ShowsInvalidInput, forms.Form):
    title = BoundedText(max_length=TITLE_LENGTH, initial="How do we serve you?")
    window_start = DayField(label="Ask who requested from")
    window_end = DayField(label="until")
    opens_at = MomentField()
    closes_at = MomentField()
    self_survey = forms.BooleanField(
        required=False, label="The team answers the same questions about itself"
    )


class SurveyAnswerForm(ShowsInvalidInput, forms.Form):
    comment = BoundedText(max_length=COMMENT_LENGTH, rows=3, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agree = _scale(PERCEPTION, "strongly disagree", "strongly agree")
        for item, statement in ITEMS.items():
            self.fields[item] = forms.TypedChoiceField(
                label=statement, choices=agree, coerce=int, widget=forms.RadioSelect
            )
        self.fields["recommend"] = forms.TypedChoiceField(
            label="Would you recommend working with this team? (0 not at all, 10 certainly)",
            choices=[(n, str(n)) for n in RECOMMEND],
            coerce=int,
            widget=forms.RadioSelect,
        )
        self.order_fields([*ITEMS, "recommend", "comment"])


class FeedbackFilterForm(ShowsInvalidInput, forms.Form):
    """A free filter over a team's feedback table: any of its services, a run of its quarters."""

    service = forms.MultipleChoiceField(
        label="Services", required=False, widget=forms.CheckboxSelectMultiple
    )
    first = forms.ChoiceField(label="From quarter", required=False)
    last = forms.ChoiceField(label="To quarter", required=False)

    def __init__(self, *args, services: list[str], quarters: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s, s) for s in services]
        for name in ("first", "last"):
            self.fields[name].choices = [("", "any")] + [(q, q) for q in quarters]
        self.quarters = quarters

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and first > last:
            self.add_error("last", "Choose a quarter on or after the first one.")
        return cleaned

    def chosen(self) -> tuple[list[str], list[str]]:
        """The services and quarters chosen: all of them where a field was left empty."""
        services = self.cleaned_data["service"] or [s for s, _ in self.fields["service"].choices]
        first = self.cleaned_data["first"] or self.quarters[0]
        last = self.cleaned_data["last"] or self.quarters[-1]
        return services, [q for q in self.quarters if first <= q <= last]
