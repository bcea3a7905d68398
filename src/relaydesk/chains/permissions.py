"""Who may see whose customer map (SPEC §3.3): a member their own and their team's; a lead the
teams they lead (with the teams nested in them) and the people in those; an admin everyone."""

from relaydesk.directory.models import Person, Team
from relaydesk.directory.selectors import teams_led_by


def may_see_map(viewer: Person, subject: Person | Team) -> bool:
    if viewer.is_admin:
        return True
    team_id = subject.team_id if isinstance(subject, Person) else subject.pk
    if isinstance(subject, Person) and subject.pk == viewer.pk:
        return True
    if isinstance(subject, Team) and team_id == viewer.team_id:
        return True
    return team_id is not None and team_id in teams_led_by(viewer)


def may_see_risk(viewer: Person) -> bool:
    """Key-person risk is for leads and admins."""
    return viewer.is_admin or bool(teams_led_by(viewer))
