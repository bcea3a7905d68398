"""Feedback's periodic work: the reminder an open survey sends by itself halfway through."""

from datetime import timedelta

from relaydesk.events.registry import periodic
from relaydesk.feedback import services


@periodic("feedback.survey_reminders", every=timedelta(hours=1))
def send_survey_reminders() -> None:
    services.survey_reminders_send()
