import pytest
from django.core.management import CommandError, call_command

from relaydesk.directory.models import Person, Team
from relaydesk.directory.people_csv import PeopleFileRejected
from relaydesk.directory.services import people_import

HEADER = "email,name,team,manager_email,timezone,employee_no\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


PLANT = csv(
    "kat@kestrel.example,Katharina Berg,Kestrel,,Europe/Berlin,1",
    "marta@kestrel.example,Marta Kowalska,Kestrel / Assembly,kat@kestrel.example,Europe/Berlin,2",
    "tobi@kestrel.example,Tobias Keller,Kestrel / Assembly,marta@kestrel.example,Europe/Berlin,3",
    "tiago@kestrel.example,Tiago Silva,Kestrel / IT,kat@kestrel.example,Europe/Lisbon,4",
)


def messages(rejected: pytest.ExceptionInfo[PeopleFileRejected]) -> list[str]:
    return [str(error) for error in rejected.value.errors]


def test_it_creates_people_teams_and_managers(db):
    summary = people_import(data=PLANT)

    assert summary.created == [
        "kat@kestrel.example",
        "marta@kestrel.example",
        "tobi@kestrel.example",
        "tiago@kestrel.example",
    ]
    assert summary.teams_created == ["Kestrel", "Kestrel / Assembly", "Kestrel / IT"]
    tobi = Person.objects.select_related("team__parent", "manager").get(
        email="tobi@kestrel.example"
    )
    assert tobi.name == "Tobias Keller"
    assert (tobi.team.name, tobi.team.parent.name) == ("Assembly", "Kestrel")
    assert tobi.manager.email == "marta@kestrel.example"
    assert Person.objects.get(email="tiago@kestrel.example").timezone == "Europe/Lisbon"
    assert not tobi.has_usable_password()  # an admin or a reset gives them one


def test_reimporting_the_same_file_changes_nothing(db):
    people_import(data=PLANT)

    summary = people_import(data=PLANT)

    assert (summary.created, summary.updated, summary.unchanged) == ([], {}, 4)
    assert Person.objects.count() == 4
    assert Team.objects.count() == 3


def test_reimport_updates_in_place_and_reports_each_change(db):
    people_import(data=PLANT)
    before = Person.objects.get(email="tobi@kestrel.example").pk

    summary = people_import(
        data=csv(
            "kat@kestrel.example,Katharina Berg,Kestrel,,Europe/Berlin,1",
            "marta@kestrel.example,Marta Kowalska,Kestrel / Assembly,kat@kestrel.example,"
            "Europe/Berlin,2",
            "TOBI@kestrel.example,Tobias Keller-Roth,Kestrel / IT,tiago@kestrel.example,"
            "Europe/Lisbon,3",
            "tiago@kestrel.example,Tiago Silva,Kestrel / IT,kat@kestrel.example,Europe/Lisbon,4",
        )
    )

    assert summary.updated == {
        "tobi@kestrel.example": [
            "name 'Tobias Keller' → 'Tobias Keller-Roth'",
            "team Kestrel / Assembly → Kestrel / IT",
            "timezone Europe/Berlin → Europe/Lisbon",
            "manager marta@kestrel.example → tiago@kestrel.example",
        ]
    }
    assert summary.unchanged == 3
    tobi = Person.objects.get(email="tobi@kestrel.example")
    assert tobi.pk == before
    assert tobi.manager.email == "tiago@kestrel.example"


def test_people_missing_from_the_file_are_left_alone(db):
    people_import(data=PLANT)

    people_import(data=csv("kat@kestrel.example,Katharina Berg,Kestrel,,Europe/Berlin,1"))

    assert Person.objects.count() == 4


def test_a_manager_may_already_be_in_the_directory(db):
    people_import(data=PLANT)

    summary = people_import(
        data=csv("ines@kestrel.example,Ines Ferreira,Kestrel / IT,tiago@kestrel.example,UTC,9")
    )

    assert summary.created == ["ines@kestrel.example"]
    assert Person.objects.get(email="ines@kestrel.example").manager.name == "Tiago Silva"


def test_a_missing_column_rejects_the_file(db):
    data = b"email,name,team,timezone\nkat@kestrel.example,Kat,Kestrel,UTC\n"

    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(data=data)

    assert messages(rejected) == ["line 1: header: missing column(s): manager_email"]
    assert not Person.objects.exists()


def test_an_unknown_manager_rejects_the_file(db):
    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(
            data=csv(
                "kat@kestrel.example,Katharina Berg,Kestrel,,Europe/Berlin,1",
                "tobi@kestrel.example,Tobias Keller,Kestrel,nobody@kestrel.example,UTC,3",
            )
        )

    assert messages(rejected) == [
        "line 3: manager_email: unknown manager nobody@kestrel.example "
        "(not in the file or the directory)"
    ]
    assert not Person.objects.exists()
    assert not Team.objects.exists()


def test_a_duplicate_email_rejects_the_file(db):
    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(
            data=csv(
                "kat@kestrel.example,Katharina Berg,Kestrel,,Europe/Berlin,1",
                "marta@kestrel.example,Marta Kowalska,Kestrel,,Europe/Berlin,2",
                "Kat@Kestrel.example,Kat Berg,Kestrel,,Europe/Berlin,3",
            )
        )

    assert messages(rejected) == [
        "line 4: email: kat@kestrel.example appears again (first on line 2)"
    ]
    assert not Person.objects.exists()


def test_a_manager_cycle_in_the_file_rejects_it(db):
    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(
            data=csv(
                "kat@kestrel.example,Katharina Berg,Kestrel,,Europe/Berlin,1",
                "a@kestrel.example,Anna,Kestrel,b@kestrel.example,UTC,2",
                "b@kestrel.example,Ben,Kestrel,c@kestrel.example,UTC,3",
                "c@kestrel.example,Cem,Kestrel,a@kestrel.example,UTC,4",
            )
        )

    assert messages(rejected) == [
        "line 3: manager_email: manager cycle: a@kestrel.example → b@kestrel.example → "
        "c@kestrel.example → a@kestrel.example"
    ]
    assert not Person.objects.exists()


def test_a_cycle_closed_through_the_directory_rejects_the_file(db):
    people_import(data=PLANT)  # marta manages tobi already

    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(
            data=csv(
                "marta@kestrel.example,Marta Kowalska,Kestrel / Assembly,tobi@kestrel.example,"
                "Europe/Berlin,2"
            )
        )

    assert messages(rejected) == [
        "line 2: manager_email: manager cycle: marta@kestrel.example → tobi@kestrel.example → "
        "marta@kestrel.example"
    ]
    assert Person.objects.get(email="marta@kestrel.example").manager.email == "kat@kestrel.example"


def test_being_ones_own_manager_is_rejected(db):
    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(data=csv("kat@kestrel.example,Kat,Kestrel,kat@kestrel.example,UTC,1"))

    assert messages(rejected) == ["line 2: manager_email: a person cannot be their own manager"]


def test_a_bad_timezone_rejects_the_file(db):
    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(
            data=csv(
                "kat@kestrel.example,Katharina Berg,Kestrel,,Europe/Berlin,1",
                "tobi@kestrel.example,Tobias Keller,Kestrel,,Mars/Olympus,3",
                "tiago@kestrel.example,Tiago Silva,Kestrel,,,4",
            )
        )

    assert messages(rejected) == [
        "line 3: timezone: 'Mars/Olympus' is not an IANA timezone name",
        "line 4: timezone: is required",
    ]
    assert not Person.objects.exists()


def test_every_bad_row_is_reported_at_once(db):
    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(
            data=csv(
                "not-an-email,Kat,Kestrel,,UTC,1",
                "marta@kestrel.example,,Kestrel //,,UTC,2",
            )
        )

    assert messages(rejected) == [
        "line 2: email: 'not-an-email' is not an email address",
        "line 3: name: is required",
        "line 3: team: 'Kestrel //' has an empty part",
    ]


def test_a_file_that_is_not_utf8_is_rejected(db):
    with pytest.raises(PeopleFileRejected) as rejected:
        people_import(data=HEADER.encode() + "kat@k.example,Käthe,K,,UTC,1\n".encode("latin-1"))

    assert messages(rejected)[0].startswith("line 1: file: is not UTF-8 text")


def test_a_bad_file_leaves_an_existing_directory_untouched(db):
    people_import(data=PLANT)

    with pytest.raises(PeopleFileRejected):
        people_import(
            data=csv(
                "kat@kestrel.example,Katharina Renamed,Kestrel / New,,Europe/Berlin,1",
                "tobi@kestrel.example,Tobias Keller,Kestrel,,Nowhere/City,3",
            )
        )

    assert Person.objects.get(email="kat@kestrel.example").name == "Katharina Berg"
    assert not Team.objects.filter(name="New").exists()


def test_the_command_prints_a_summary(db, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(PLANT)

    call_command("import_people", str(path))

    assert "4 created, 0 updated, 0 unchanged; 3 new team(s)" in capsys.readouterr().out


def test_the_command_rejects_a_bad_file_with_its_lines(db, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv("kat@kestrel.example,Kat,Kestrel,,Nowhere/City,1"))

    with pytest.raises(CommandError, match="1 error\\(s\\); nothing was imported"):
        call_command("import_people", str(path))

    assert (
        "line 2: timezone: 'Nowhere/City' is not an IANA timezone name" in capsys.readouterr().err
    )


def test_the_command_names_a_file_it_cannot_read(db, tmp_path):
    with pytest.raises(CommandError, match=r"cannot read .*missing\.csv: No such file"):
        call_command("import_people", str(tmp_path / "missing.csv"))
