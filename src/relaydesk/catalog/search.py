""" "Who do I ask?": active services ranked by the meaningful words they share with a question.

The index is a table of words (SearchWord: service, field, word, stem), written when a service
is saved and rebuilt by services_reindexed(). The database only looks words up; ranking and
typo correction are relaydesk.core.text_search's, so SQLite and PostgreSQL answer alike.
PostgreSQL finds a typo's candidates with a pg_trgm index, SQLite compares its (small)
vocabulary in Python, and both keep only what text_search.correction() accepts.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction

from relaydesk.catalog.models import SearchWord, Service
from relaydesk.catalog.selectors import services_listed
from relaydesk.core import text_search
from relaydesk.core.text_search import Posting, Term

QUERY_MAX_CHARS = text_search.QUERY_MAX_CHARS
# The last word may still be being typed: it stands for the commonest words it begins.
_COMPLETIONS_MAX = 20


@dataclass(frozen=True)
class SearchResult:
    """The services found, best first, and what was searched for instead if the question's
    words were corrected or left out ("showing results for …")."""

    services: list[Service]
    corrected_query: str | None = None


@dataclass(frozen=True)
class _Plan:
    terms: list[Term]
    searched: str | None


def search_services(*, query: str, limit: int = 20) -> SearchResult:
    """Active services answering `query`, best first, with what a result row shows."""
    typed = text_search.query_words(query)
    if limit < 1 or not any(word.decisive for word in typed):
        return SearchResult(services=[])
    stems = {word.stem for word in typed}
    fetched = stems | text_search.synonyms_of(stems)
    postings = _postings(fetched)
    plan = _plan(typed, known={stem for _, stem, _, _ in postings})
    # Completions and corrections bring stems of their own.
    postings += _postings(set().union(*(one.stems | one.synonyms for one in plan.terms)) - fetched)
    ids = text_search.ranked(
        plan.terms,
        (Posting(pk, stem, field) for pk, stem, field, _ in postings),
        services_total=Service.objects.filter(is_active=True).count(),
        names={pk: name for pk, _, _, name in postings},
        limit=limit,
    )
    services = _in_order(ids)
    return SearchResult(services=services, corrected_query=plan.searched if services else None)


def services_suggested(*, query: str, limit: int, excluded: str = "") -> list[Service]:
    """Active services for a picker as one types a name: those whose name begins with the
    text first, by name, then what "who do I ask?" finds for it; not the one at `excluded`
    (an address)."""
    if limit < 1 or not query.strip():
        return []
    listed = services_listed().exclude(slug=excluded)
    named = list(listed.filter(name__istartswith=query.strip()).order_by("name", "id")[:limit])
    found = search_services(query=query, limit=limit + 1).services
    merged = {service.pk: service for service in [*named, *found] if service.slug != excluded}
    return list(merged.values())[:limit]


def service_indexed(service: Service) -> None:
    """Bring the index up to date with a service just written (inactive ones leave it).

    Call it wherever a service's text, provider or activity changes; service_save does.
    """
    SearchWord.objects.filter(service=service).delete()
    if service.is_active:
        SearchWord.objects.bulk_create(_search_words([service]))


def services_reindexed() -> int:
    """Rebuild the whole index, e.g. after a bulk load; returns how many services it holds."""
    services = list(services_listed())
    with transaction.atomic():
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(_search_words(services), batch_size=2000)
        _analyse()
    return len(services)


def _analyse() -> None:
    # Fresh statistics, or the planner may scan every word instead of using the indexes.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_searchword")


def indexed_fields(service: Service) -> dict[str, str]:
    """What a service is found by, field by field (the keys are text_search.FIELD_WEIGHTS')."""
    return {
        "name": service.name,
        "keywords": "\n".join(service.keywords),
        "provider": service.provider.name,
        "description": service.description,
        "kind": str(service.get_kind_display()),
    }


def _plan(typed: Sequence[text_search.QueryWord], *, known: set[str]) -> _Plan:
    """Each word as it will be searched. A word the index knows (or knows a synonym of) is
    searched as typed; an unknown last word as the words it begins; any other unknown word as
    its correction, or not at all."""
    terms: list[Term] = []
    shown: list[str] = []
    changed = False
    for position, word in enumerate(typed):
        as_typed = text_search.term({word.stem}, decisive=word.decisive)
        if not word.decisive or (as_typed.stems | as_typed.synonyms) & known:
            terms.append(as_typed)
            shown.append(word.typed)
        elif position == len(typed) - 1 and (completed := _completions(word.typed)):
            terms.append(text_search.term(completed, decisive=True))
            shown.append(word.typed)
        else:
            changed = True
            if fixed := _correction(word.typed):
                corrected, stem = fixed
                terms.append(text_search.term({stem}, decisive=True))
                shown.append(corrected)
    return _Plan(terms=terms, searched=" ".join(shown) if changed and shown else None)


def _postings(stems: Iterable[str]) -> list[tuple[int, str, str, str]]:
    stems = list(stems)
    if not stems:
        return []
    return list(
        SearchWord.objects.filter(stem__in=stems, service__is_active=True).values_list(
            "service_id", "stem", "field", "service__name"
        )
    )


def _completions(prefix: str) -> set[str]:
    """The stems of the commonest indexed words that begin with `prefix`."""
    # Indexed words are letters and digits only, so the prefix holds no LIKE wildcard.
    rows = _vocabulary(
        "word LIKE %s", [prefix + "%"], order="documents DESC, word", limit=_COMPLETIONS_MAX
    )
    return {stem for _, stem, _ in rows}


def _correction(typed: str) -> tuple[str, str] | None:
    """The indexed word (and its stem) `typed` most likely meant, by text_search's rule."""
    allowed = text_search.edits_allowed(typed)
    if not allowed:
        return None
    where = ["word LIKE %s", "length(word) BETWEEN %s AND %s"]
    params: list[object] = [typed[0] + "%", len(typed) - allowed, len(typed) + allowed]
    if connection.vendor == "postgresql":
        # The trigram index serves `%` at the connection's threshold; only this search uses it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, false)",
                [str(text_search.TRIGRAM_CANDIDATE_SIMILARITY)],
            )
        where.append("word %% %s")
        params.append(typed)
    rows = _vocabulary(" AND ".join(where), params)
    stems = {word: stem for word, stem, _ in rows}
    chosen = text_search.correction(typed, {word: documents for word, _, documents in rows})
    return (chosen, stems[chosen]) if chosen else None


def _vocabulary(
    where: str, params: Sequence[object], *, order: str = "word", limit: int | None = None
) -> list[tuple[str, str, int]]:
    """Indexed words of active services matching `where`: (word, stem, services using it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT word, stem, COUNT(DISTINCT service_id) AS documents
            FROM catalog_searchword
            JOIN catalog_service ON catalog_service.id = catalog_searchword.service_id
            WHERE catalog_service.is_active AND {where}
            GROUP BY word, stem
            ORDER BY {order}
            {"LIMIT %s" if limit else ""}
            """,
            [*params, limit] if limit else list(params),
        )
        return cursor.fetchall()


def _search_words(services: Iterable[Service]) -> list[SearchWord]:
    return [
        SearchWord(service=service, field=word.field, word=word.word, stem=word.stem)
        for service in services
        for word in text_search.index_words(indexed_fields(service))
    ]


def _in_order(ids: Sequence[int]) -> list[Service]:
    by_id = services_listed().in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]
