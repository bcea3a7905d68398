import pytest
from django.db import connection

from relaydesk.catalog.models import Calendar, SearchWord, Service
from relaydesk.catalog.search import search_services, services_reindexed
from relaydesk.catalog.services import ServiceSpec, service_save
from relaydesk.core.text_search import trigram_similarity
from relaydesk.directory.models import Team


@pytest.fixture
def office_hours(db) -> Calendar:
    return Calendar.objects.create(
        name="Office hours",
        definition={"timezone": "Europe/Berlin", "hours": {"mon": ["09:00-17:00"]}},
    )


@pytest.fixture
def publish(org, office_hours):
    """Save a service the way every caller does; the provider defaults to Assembly."""

    def publish(name: str, **fields) -> Service:
        fields.setdefault("kind", Service.Kind.WORK_ITEM)
        if "provider_person" not in fields:
            fields.setdefault("provider_team", org.assembly)
        spec = ServiceSpec(slug=slug_of(name), name=name, calendar=office_hours, **fields)
        return service_save(actor=None, spec=spec)

    return publish


@pytest.fixture
def published(org, publish) -> dict[str, Service]:
    return {
        "wheels": publish(
            "Wheel fitting",
            keywords=["tyres", "rims"],
            description="We mount and balance the tyres of the pool cars.",
        ),
        "orders": publish(
            "Purchase order approval",
            kind=Service.Kind.APPROVAL,
            provider_team=org.purchasing,
            keywords=["spend", "budget"],
            description="Sign-off for orders above the budget line.",
        ),
        "suppliers": publish(
            "Supplier vetting",
            kind=Service.Kind.ADVICE,
            provider_person=org.outsider,
            description="Checks a new supplier before the first order.",
        ),
        "forklifts": publish(
            "Forklift inspection",
            description="Brakes, forks and the wheel bearings, every quarter.",
        ),
    }


def slug_of(name: str) -> str:
    return name.lower().replace(" ", "-")


def names(query: str, **options) -> list[str]:
    return [service.name for service in search_services(query=query, **options).services]


def test_it_finds_a_service_by_its_name(published):
    assert names("forklift") == ["Forklift inspection"]


def test_it_finds_a_service_by_a_keyword(published):
    assert names("rims") == ["Wheel fitting"]


def test_it_finds_a_service_by_its_provider_team(published):
    assert names("purchasing") == ["Purchase order approval"]


def test_it_finds_a_service_by_its_provider_person(published):
    assert names("olga") == ["Supplier vetting"]


def test_it_finds_a_service_by_its_description(published):
    assert names("bearings") == ["Forklift inspection"]


def test_it_finds_a_service_by_its_kind(published):
    assert names("advice") == ["Supplier vetting"]


def test_a_name_match_ranks_above_a_description_match(published):
    assert names("wheel") == ["Wheel fitting", "Forklift inspection"]


def test_name_beats_keywords_beats_provider_beats_description(publish, org):
    tyre_team = Team.objects.create(name="Tyre Depot", parent=org.plant)
    publish("Parking permits", description="Permits for the tyre hotel car park.")
    publish("Parking spaces", provider_team=tyre_team)
    publish("Parking fines", keywords=["tyre"])
    publish("Tyre storage")

    assert names("tyre") == ["Tyre storage", "Parking fines", "Parking spaces", "Parking permits"]


def test_any_meaningful_word_finds_and_more_of_them_rank_higher(published):
    # "budget" is one service's word, "wheel" two's: the rarer word counts more.
    assert names("wheel budget") == ["Purchase order approval", "Wheel fitting"]
    assert names("budget order")[0] == "Purchase order approval"


def test_stop_words_and_short_words_decide_nothing(published):
    assert names("the and of it") == []
    assert names("%' OR 1=1 --") == []
    assert names("PO") == []
    assert search_services(query="or").corrected_query is None


def test_a_weak_partial_match_beside_a_strong_one_is_left_out(published):
    # "bearings" alone finds the forklifts by their description; beside a name match it is noise.
    assert names("bearings") == ["Forklift inspection"]
    assert names("purchase bearings") == ["Purchase order approval"]


def test_a_plural_finds_the_singular_and_back(published, publish):
    publish("Travel approvals", description="Trips abroad need two signatures.")

    assert sorted(names("approvals")) == ["Purchase order approval", "Travel approvals"]
    assert names("signature") == ["Travel approvals"]


def test_the_last_word_is_matched_as_a_prefix_while_typing(published):
    assert names("purch") == ["Purchase order approval"]
    assert names("wheel fitt") == ["Wheel fitting"]  # "fitt" is no prefix of the stem "fit"
    assert search_services(query="fitt").corrected_query is None


@pytest.mark.parametrize(
    ("query", "corrected", "first"),
    [
        ("wheel fiting", "wheel fitting", "Wheel fitting"),
        ("aprovals", "approval", "Purchase order approval"),
        ("purchasng", "purchasing", "Purchase order approval"),
        ("Forklfit inspection", "forklift inspection", "Forklift inspection"),
    ],
)
def test_typos_are_corrected_against_the_indexed_words(published, query, corrected, first):
    result = search_services(query=query)

    assert result.corrected_query == corrected
    assert result.services[0].name == first


def test_a_word_found_nowhere_is_left_out(published):
    result = search_services(query="wheel zzyzx")

    assert [service.name for service in result.services] == ["Wheel fitting", "Forklift inspection"]
    assert result.corrected_query == "wheel"


def test_a_query_without_a_typo_reports_no_correction(published):
    assert search_services(query="wheel fitting").corrected_query is None


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "*", "-", '""', "🔧"])
def test_a_query_without_words_finds_nothing(published, query):
    assert search_services(query=query).services == []


@pytest.mark.parametrize(
    "query",
    [
        '"wheel',
        'wheel"',
        "'wheel'",
        "wheel*",
        "*wheel",
        "-wheel",
        "wheel & | ! <-> :*",
        "(wheel",
        "wheel)",
        "wheel 🔧",
        "\x00wheel",
        "wheel \ud800",
        "{wheel}",
    ],
)
def test_search_syntax_in_a_query_is_read_as_plain_words(published, query):
    assert "Wheel fitting" in names(query)


@pytest.mark.parametrize(
    "query",
    [
        "wheel AND fitting",
        "wheel OR",
        "NOT wheel",
        "NEAR(wheel fitting)",
        "NEAR(",
        "name:wheel",
        "wheel; DROP TABLE catalog_service; --",
        "AND OR NOT",
        '"unclosed',
        "x" * 1000,
        "wheel " * 200,
        "fitting" * 150,
        "Straße Café Ωμέγα 東京",
        "١٢٣ ٤٥٦",
        "the",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z " * 4,
    ],
)
def test_strange_queries_return_without_error(published, query):
    result = search_services(query=query)

    assert isinstance(result.services, list)


def test_the_limit_caps_the_results(publish):
    for number in range(5):
        publish(f"Laptop setup {number}")

    assert len(search_services(query="laptop", limit=3).services) == 3


def test_listing_the_results_and_their_providers_needs_no_more_queries(
    published, django_assert_num_queries
):
    services = search_services(query="order").services

    with django_assert_num_queries(0):
        providers = [service.provider.name for service in services]
    assert providers == ["Purchasing", "Olga Outsider"]


def test_an_inactive_service_is_not_found(published, publish):
    publish("Canteen menu", is_active=False)
    publish("Canteen opening hours")

    assert names("canteen") == ["Canteen opening hours"]
    typo = search_services(query="cantene menu")  # "menu" is a word of the inactive one only
    assert [service.name for service in typo.services] == ["Canteen opening hours"]
    assert typo.corrected_query == "canteen"


def test_a_deactivated_service_is_no_longer_found_and_a_reactivated_one_is(published, office_hours):
    wheels = published["wheels"]
    spec = ServiceSpec(
        slug=wheels.slug,
        name=wheels.name,
        kind=wheels.kind,
        calendar=office_hours,
        provider_team=wheels.provider_team,
        is_active=False,
    )
    service_save(actor=None, spec=spec, service=wheels)
    assert names("fitting") == []

    spec.is_active = True
    service_save(actor=None, spec=spec, service=wheels)
    assert names("fitting") == ["Wheel fitting"]


def test_a_service_deactivated_behind_the_index_is_not_found(published):
    Service.objects.filter(pk=published["wheels"].pk).update(is_active=False)

    assert names("wheel") == ["Forklift inspection"]


def test_a_renamed_service_is_found_by_its_new_name_only(published, office_hours):
    wheels = published["wheels"]
    spec = ServiceSpec(
        slug=wheels.slug,
        name="Tyre change",
        kind=wheels.kind,
        calendar=office_hours,
        provider_team=wheels.provider_team,
    )
    service_save(actor=None, spec=spec, service=wheels)

    assert names("tyre change") == ["Tyre change"]
    assert names("fitting") == []
    assert search_services(query="fiting").services == []


def test_a_deleted_service_is_not_found(published):
    published["forklifts"].delete()

    assert names("forklift") == []
    assert names("wheel") == ["Wheel fitting"]


def test_deleting_a_service_removes_its_words_from_the_index(published):
    published["forklifts"].delete()

    assert not SearchWord.objects.filter(word="forklift").exists()
    assert search_services(query="forklfit").services == []


def test_reindexing_rebuilds_the_index_from_the_services(published):
    Service.objects.filter(pk=published["wheels"].pk).update(name="Parcel desk")
    assert names("parcel desk") == []

    assert services_reindexed() == 4
    assert names("parcel desk") == ["Parcel desk"]
    assert names("fitting") == []
    assert search_services(query="parcle").corrected_query == "parcel"


def test_reindexing_leaves_inactive_services_out(published, publish):
    publish("Canteen menu", is_active=False)

    assert services_reindexed() == 4
    assert names("canteen") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
@pytest.mark.parametrize(
    ("typed", "indexed"),
    [
        ("fiting", "fitting"),
        ("forklfit", "forklift"),
        ("tyer", "tyre"),
        ("purchasng", "purchasing"),
        ("aprovals", "approval"),
        ("welidng", "welding"),
        ("x", "xylophone"),
        ("abc", "xyz"),
    ],
)
def test_python_finds_the_same_correction_candidates_as_pg_trgm(db, typed, indexed):
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [typed, indexed])
        (similarity,) = cursor.fetchone()

    assert trigram_similarity(typed, indexed) == pytest.approx(similarity, abs=1e-6)
