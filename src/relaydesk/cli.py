"""The `relaydesk` console command: Relaydesk's commands, some of them spelled as two words."""

import os
import sys

# `relaydesk import people FILE` reads better than a Django command name; these map to them.
TWO_WORD_COMMANDS = {
    ("import", "people"): "import_people",
    ("import", "services"): "import_services",
    ("calendar", "due"): "calendar_due",
    ("token", "create"): "token_create",
    ("clocks", "check"): "clocks_check",
    ("report", "customers"): "report_customers",
    ("report", "chains"): "report_chains",
    ("report", "feedback"): "report_feedback",
    ("report", "parity"): "report_parity",
    ("report", "dashboard"): "report_dashboard",
    ("rollups", "rebuild"): "rollups_rebuild",
}

USAGE = """\
usage: relaydesk COMMAND [options]

  demo [--seed N] [--now ISO] [--people N --requests N] [--no-serve] [--port P]
                            build a demo organisation (the same for a seed and --now) and serve it
  serve [--host H] [--port P]
                            run the web server (static files included)
  migrate                   create or upgrade the database
  createadmin EMAIL         create an admin, or make a person one
  backup FILE               a consistent copy of the whole database, taken while it serves
  restore FILE [--force]    put a backup back (into an empty database, or --force)
  import people FILE.csv    import people and teams from an HR export
  import services FILE.yaml import calendars and services (a catalog kept in version control)
  calendar due --calendar FILE --start ISO --minutes N [--jsonl]
                            when a promise of N business minutes falls due
  token create EMAIL        create a personal API token (shown once)
  worker                    the background worker: notifications, webhooks, clock checks
  clocks check [--every N]  record the SLA warnings and breaches that are due
  report customers (--person EMAIL | --team PATH) [--format table|json|csv] [--days N]
                            who depends on that work, onward to the external parties
  report chains [--format table|json|csv] [--days N]
                            every chain to an external party, its reliability and weakest link
  report feedback (--team PATH | --service SLUG) [--format table|json|csv]
                            satisfaction with its interval and n, and effort; small groups hidden
  report parity --team PATH [--format table|json|csv] [--days N]
                            who comes last: waits of colleagues vs external work, parity index
  report dashboard (--person EMAIL | --team PATH | --service SLUG | --org) [--period 30d]
                 [--format table|json|csv]
                            a dashboard's figures: volume, times, on-time rates, backlog, ratings
  rollups rebuild           recompute the dashboards' rollups from every request

`relaydesk COMMAND --help` explains a command; Django's own commands work too.
"""


def command_line(argv: list[str]) -> list[str] | None:
    """Translate relaydesk's words into a Django command line, or None when they make no sense."""
    if not argv or argv[0] in {"-h", "--help", "help"}:
        return None
    groups = {first for first, _ in TWO_WORD_COMMANDS}
    if argv[0] in groups:
        if len(argv) < 2 or (argv[0], argv[1]) not in TWO_WORD_COMMANDS:
            return None
        return [TWO_WORD_COMMANDS[(argv[0], argv[1])], *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    given = sys.argv[1:] if argv is None else argv
    args = command_line(given)
    if args is None:
        print(USAGE, end="")
        asked_for_help = not given or given[0] in {"-h", "--help", "help"}
        sys.exit(0 if asked_for_help else 2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relaydesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["relaydesk", *args])
