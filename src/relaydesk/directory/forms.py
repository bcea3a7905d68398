from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet

from relaydesk.directory.models import QUEUE_POLICY_LABELS, Person
from relaydesk.directory.services import NOTE_LENGTH
from relaydesk.forms import BoundedText, MomentField, ShowsInvalidInput


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    # The email is matched whatever its case: Django's "both fields may be case-sensitive"
    # would send people chasing the wrong one.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That email address and password do not match an account. Check both and try "
            "again: the password is case-sensitive, the email address is not."
        ),
    }


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="What is it for?", help_text="e.g. “weekly report script”"
    )


class QueuePolicyForm(forms.Form):
    policy = forms.ChoiceField(
        choices=[(policy.value, label) for policy, label in QUEUE_POLICY_LABELS.items()],
        label="Queue order",
    )


class AbsenceForm(ShowsInvalidInput, forms.Form):
    """Read in the viewer's timezone (middleware.ViewerTimezone activates it)."""

    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), label="Who is away", empty_label=None
    )
    starts_at = MomentField(label="From")
    ends_at = MomentField(label="Until")
    backup = forms.EmailField(
        required=False,
        label="Backup's email",
        help_text="Who covers your personal services meanwhile; leave empty for the team queue.",
    )
    note = BoundedText(max_length=NOTE_LENGTH, required=False, label="Note (optional)")

    def __init__(self, *args: Any, people: QuerySet[Person], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people

    def clean_backup(self) -> Person | None:
        email = self.cleaned_data["backup"].strip()
        if not email:
            return None
        backup = Person.objects.filter(email__iexact=email, is_active=True).first()
        if backup is None:
            raise forms.ValidationError(
                f"give the email of an active colleague: none has the email {email}"
            )
        return backup
