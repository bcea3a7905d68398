"""Ranked, typo-tolerant search over the active services, in the database's own full-text engine.

SQLite keeps an FTS5 table ranked with bm25(); PostgreSQL a weighted tsvector column on Service
ranked with ts_rank. Both index only active services. A query that finds nothing is retried with
its unknown words corrected against the index's words and its last word completed.
"""

import difflib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import F, QuerySet, Value

from relaydesk.catalog.models import Service

QUERY_MAX_CHARS = 200
# Letters and digits only: what people type is never read as search syntax.
_WORD = re.compile(r"[^\W_]+")
# Shorter words are close to too many others to be corrected with any confidence.
_SHORTEST_CORRECTABLE = 3
_SIMILARITY_CUTOFF = 0.75
_COMPLETIONS_MAX = 20


@dataclass(frozen=True)
class SearchResult:
    """The services found, best first, and the query searched for instead if typos were fixed."""

    services: list[Service]
    corrected_query: str | None = None


@dataclass(frozen=True)
class IndexedText:
    """What a service is found by, field by field from the best match to the weakest."""

    name: str
    keywords: str
    provider: str
    description: str
    kind: str


@dataclass(frozen=True)
class Terms:
    """A query as the index runs it: every group must match; a group matches if any word does."""

    groups: tuple[tuple[str, ...], ...]
    last_is_prefix: bool


@dataclass(frozen=True)
class Retry:
    terms: Terms
    corrected_query: str | None


# The functional core: words in, words out.


def query_words(query: str) -> list[str]:
    """The distinct words of what someone typed; quotes, operators and symbols are not words."""
    return list(dict.fromkeys(_WORD.findall(query[:QUERY_MAX_CHARS].lower())))


def text_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def typed_terms(words: Sequence[str]) -> Terms:
    return Terms(groups=tuple((word,) for word in words), last_is_prefix=True)


def closest_word(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The vocabulary's word most like `word` (ties go to the commoner), if one is close enough."""
    if len(word) < _SHORTEST_CORRECTABLE:
        return None
    matcher = difflib.SequenceMatcher(b=word)  # analyses `word` once for every candidate
    scored = []
    for candidate, documents in vocabulary.items():
        matcher.set_seq1(candidate)
        if (
            matcher.real_quick_ratio() >= _SIMILARITY_CUTOFF
            and matcher.quick_ratio() >= _SIMILARITY_CUTOFF
            and (ratio := matcher.ratio()) >= _SIMILARITY_CUTOFF
        ):
            scored.append((-ratio, -documents, candidate))
    return min(scored)[2] if scored else None


def completions(prefix: str, vocabulary: Mapping[str, int]) -> tuple[str, ...]:
    """The commonest vocabulary words that begin with `prefix`."""
    found = sorted((-n, word) for word, n in vocabulary.items() if word.startswith(prefix))
    return tuple(word for _, word in found[:_COMPLETIONS_MAX])


def retry_for(words: Sequence[str], vocabulary: Mapping[str, int]) -> Retry | None:
    """What to search for when `words` as typed found nothing; None when nothing would change.

    An unknown word becomes the closest known one, or is left out when none is close. The last
    word also stands for the known words it begins: the person may still be typing it, and a
    stemmed prefix misses some ("fitt" is not a prefix of the stem "fit").
    """
    groups: list[tuple[str, ...]] = []
    shown: list[str] = []
    corrected = False
    for position, word in enumerate(words):
        completed = completions(word, vocabulary) if position == len(words) - 1 else ()
        if completed or word in vocabulary:
            groups.append(completed or (word,))
            shown.append(word)
            continue
        corrected = True
        if closest := closest_word(word, vocabulary):
            groups.append((closest,))
            shown.append(closest)
    if not groups or (not corrected and groups == [(word,) for word in words]):
        return None
    return Retry(
        terms=Terms(groups=tuple(groups), last_is_prefix=False),
        corrected_query=" ".join(shown) if corrected else None,
    )


def fts5_match(terms: Terms) -> str:
    """An FTS5 MATCH expression: every word quoted, so none is read as an operator."""

    def alternatives(group: tuple[str, ...], prefix: bool) -> str:
        quoted = ['"' + word.replace('"', '""') + '"' + ("*" if prefix else "") for word in group]
        return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"

    last = len(terms.groups) - 1
    return " AND ".join(
        alternatives(group, terms.last_is_prefix and position == last)
        for position, group in enumerate(terms.groups)
    )


def tsquery_text(terms: Terms) -> str:
    """A to_tsquery() expression; the words are letters and digits (`_WORD`), no syntax."""

    def alternatives(group: tuple[str, ...], prefix: bool) -> str:
        marked = [word + (":*" if prefix else "") for word in group]
        return marked[0] if len(marked) == 1 else "(" + " | ".join(marked) + ")"

    last = len(terms.groups) - 1
    return " & ".join(
        alternatives(group, terms.last_is_prefix and position == last)
        for position, group in enumerate(terms.groups)
    )


def plain_vocabulary(counts: Mapping[str, int]) -> dict[str, int]:
    # Only plain words are offered as corrections, so they need no quoting in either syntax.
    return {word: n for word, n in counts.items() if _WORD.fullmatch(word)}


# The shell: the public API and one index per database.


def search_services(*, query: str, limit: int = 20) -> SearchResult:
    """Active services matching `query`, best first, with their providers loaded."""
    words = query_words(query)
    if not words or limit < 1:
        return SearchResult(services=[])
    index = _index()
    services = index.services_matching(typed_terms(words), limit)
    if services:
        return SearchResult(services=services)
    retry = retry_for(words, index.vocabulary())
    if retry is None:
        return SearchResult(services=[])
    services = index.services_matching(retry.terms, limit)
    return SearchResult(
        services=services, corrected_query=retry.corrected_query if services else None
    )


def service_indexed(service: Service) -> None:
    """Bring the index up to date with a service just written (inactive ones leave it).

    Call it wherever a service's text, provider or activity changes; service_save does.
    """
    _index().store(service)


def services_reindexed() -> int:
    """Rebuild the whole index, e.g. after a bulk load; returns how many services it holds."""
    with transaction.atomic():
        return _index().rebuild()


def indexed_text(service: Service) -> IndexedText:
    return IndexedText(
        name=service.name,
        keywords="\n".join(service.keywords),
        provider=service.provider.name,
        description=service.description,
        kind=str(service.get_kind_display()),
    )


def _active_services() -> QuerySet[Service]:
    return Service.objects.filter(is_active=True).select_related("provider_team", "provider_person")


def _in_order(ids: Sequence[int]) -> list[Service]:
    by_id = _active_services().in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


# Kept equal to the migration's: the twin table's rows are deleted by repeating this text.
_SQLITE_ALL_COLUMNS = (
    "name || ' ' || keywords || ' ' || provider || ' ' || description || ' ' || kind"
)
# bm25() weights per column of catalog_service_fts: name, keywords, provider, description, kind.
_SQLITE_COLUMN_WEIGHTS = (10.0, 5.0, 2.5, 1.0, 1.0)


class _SqliteIndex:
    """catalog_service_fts (porter-stemmed, ranked) and its unstemmed twin, whose fts5vocab
    table is the vocabulary that typos are corrected against.

    SQLite has no similarity operator, so difflib compares in Python; the vocabulary of a
    catalog is some thousands of words, and it is read only when a search found nothing.
    """

    def services_matching(self, terms: Terms, limit: int) -> list[Service]:
        # The join drops services deactivated or deleted behind the index's back.
        weights = ", ".join(str(weight) for weight in _SQLITE_COLUMN_WEIGHTS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT catalog_service_fts.rowid
                FROM catalog_service_fts
                JOIN catalog_service ON catalog_service.id = catalog_service_fts.rowid
                WHERE catalog_service_fts MATCH %s AND catalog_service.is_active
                ORDER BY bm25(catalog_service_fts, {weights}), catalog_service.name
                LIMIT %s
                """,
                [fts5_match(terms), limit],
            )
            return _in_order([pk for (pk,) in cursor.fetchall()])

    def vocabulary(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT term, doc FROM catalog_service_fts_vocabulary")
            return plain_vocabulary(dict(cursor.fetchall()))

    def store(self, service: Service) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO catalog_service_fts_words(catalog_service_fts_words, rowid, words)
                SELECT 'delete', rowid, {_SQLITE_ALL_COLUMNS}
                FROM catalog_service_fts WHERE rowid = %s
                """,
                [service.pk],
            )
            cursor.execute("DELETE FROM catalog_service_fts WHERE rowid = %s", [service.pk])
            if service.is_active:
                self._add(cursor, [service])

    def rebuild(self) -> int:
        services = list(_active_services())
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO catalog_service_fts_words(catalog_service_fts_words)"
                " VALUES ('delete-all')"
            )
            cursor.execute("DELETE FROM catalog_service_fts")
            self._add(cursor, services)
        return len(services)

    def _add(self, cursor: CursorWrapper, services: Sequence[Service]) -> None:
        cursor.executemany(
            """
            INSERT INTO catalog_service_fts(rowid, name, keywords, provider, description, kind)
            VALUES (%s, %s, %s, %s, %s, %s)
            """,
            [(service.pk, *astuple(indexed_text(service))) for service in services],
        )
        cursor.executemany(
            f"""
            INSERT INTO catalog_service_fts_words(rowid, words)
            SELECT rowid, {_SQLITE_ALL_COLUMNS} FROM catalog_service_fts WHERE rowid = %s
            """,
            [(service.pk,) for service in services],
        )


_POSTGRESQL_CONFIG = "english"


def _postgresql_vector(text: IndexedText) -> SearchVector:
    def part(value: str, weight: str) -> SearchVector:
        return SearchVector(Value(value), weight=weight, config=_POSTGRESQL_CONFIG)

    return (
        part(text.name, "A")
        + part(text.keywords, "B")
        + part(text.provider, "C")
        + part(f"{text.description}\n{text.kind}", "D")
    )


class _PostgresqlIndex:
    """Service.search_vector: the fields weighted A (name) to D (description, kind), stemmed in
    English, GIN-indexed.

    The vocabulary for typos is read from the services' text, not with ts_stat() over the
    vectors: those hold stems ("approv"), which cannot be shown back as "results for …". It is
    compared with difflib rather than pg_trgm so both databases correct alike; pg_trgm would
    only be faster with a trigram index over a word table kept in sync beside the vectors.
    """

    def services_matching(self, terms: Terms, limit: int) -> list[Service]:
        query = SearchQuery(tsquery_text(terms), search_type="raw", config=_POSTGRESQL_CONFIG)
        return list(
            _active_services()
            .filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "name", "id")[:limit]
        )

    def vocabulary(self) -> dict[str, int]:
        documents: Counter[str] = Counter()
        for service in _active_services().only(
            "name",
            "keywords",
            "description",
            "kind",
            "provider_team__name",
            "provider_person__name",
        ):
            documents.update(set(text_words(" ".join(astuple(indexed_text(service))))))
        return plain_vocabulary(documents)

    def store(self, service: Service) -> None:
        vector = _postgresql_vector(indexed_text(service)) if service.is_active else None
        Service.objects.filter(pk=service.pk).update(search_vector=vector)
        service.refresh_from_db(fields=["search_vector"])

    def rebuild(self) -> int:
        Service.objects.filter(is_active=False).update(search_vector=None)
        services = list(_active_services())
        for service in services:
            service.search_vector = _postgresql_vector(indexed_text(service))
        Service.objects.bulk_update(services, ["search_vector"], batch_size=200)
        return len(services)


def _index() -> _SqliteIndex | _PostgresqlIndex:
    if connection.vendor == "sqlite":
        return _SqliteIndex()
    if connection.vendor == "postgresql":
        return _PostgresqlIndex()
    raise NotImplementedError(
        f"Service search supports SQLite and PostgreSQL, not {connection.vendor}."
    )
