"""The words of "who do I ask?": which words of a text carry meaning, how a typo is corrected,
and how services are ranked by the words they share with a question.

Pure, so SQLite and PostgreSQL rank alike: the catalog's search (relaydesk.catalog.search) stores
the words index_words() returns, looks up the postings of a query's stems, and ranks them here.
"""

import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

import snowballstemmer
from rapidfuzz.distance import OSA
from stopwords import get_stopwords

QUERY_MAX_CHARS = 200
# Letters and digits only: what people type is never read as search syntax.
_WORD = re.compile(r"[^\W_]+")
# Longer "words" are codes or pasted junk; nobody searches for them.
LONGEST_WORD = 50

# A name says what a service is; keywords are what its provider expects people to type.
FIELD_WEIGHTS: Mapping[str, float] = {
    "name": 4.0,
    "keywords": 3.0,
    "provider": 2.0,
    "description": 1.0,
    "kind": 1.0,
}
# A synonym is nearly as good as the word itself; the word as typed still ranks first.
SYNONYM_WEIGHT = 0.8
# Partial matches far weaker than the best are noise (see ranked()).
MIN_SHARE_OF_BEST = 1 / 3

# Words of asking that every request carries; they say nothing about which service.
_ASKING_WORDS = frozenset(
    [
        "need",
        "needs",
        "want",
        "wants",
        "like",
        "please",
        "help",
        "hello",
        "hi",
        "thanks",
        "thank",
        "can",
        "will",
        "could",
        "would",
        "get",
        "got",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "just",
        "also",
        "still",
        "now",
    ]
)


def _stop_words() -> frozenset[str]:
    # The Snowball stemmer's own English list; its contractions also as the tokenizer splits
    # them ("don't" is read as "don" and "t").
    listed = set(get_stopwords("english"))
    split = {part for word in listed for part in _WORD.findall(word)}
    return frozenset(listed | split | _ASKING_WORDS)


STOP_WORDS = _stop_words()

# Everyday workplace synonyms and British/American spellings. A provider adds the words of
# their own trade as the service's keywords; this list holds only what any catalog shares.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("computer", "laptop", "notebook", "pc", "desktop"),
    ("phone", "mobile", "smartphone", "cellphone", "handset"),
    ("screen", "monitor", "display"),
    ("broken", "faulty", "fault", "failed", "failing", "failure", "damaged", "crashed"),
    ("password", "passcode", "passphrase"),
    ("login", "logon", "signin"),
    ("locked", "lockout", "blocked"),
    ("salary", "pay", "paid", "wage", "wages", "payslip", "paycheck", "payroll"),
    ("expense", "reimbursement", "reimburse", "refund"),
    ("hire", "hiring", "recruit", "recruitment", "vacancy"),
    ("complaint", "grievance"),
    ("harassment", "harassed", "bullying", "bullied"),
    ("spill", "spilled", "spilt", "leak", "leaking", "puddle"),
    ("tyre", "tire"),
    ("colour", "color"),
    ("vehicle", "car", "automobile"),
    ("delivery", "shipment", "shipping"),
    ("purchase", "buy", "buying", "procurement"),
    ("supplier", "vendor"),
    ("training", "course"),
    ("meeting", "conference"),
    ("access", "permission", "rights"),
    ("printer", "printing"),
    ("cleaning", "clean", "mess"),
)

# Shorter typed words are close to too many others to be corrected, completed, or to find a
# service on their own ("IT", "PO" only add to what a longer word found).
SHORTEST_DECISIVE = 3
# Candidates for a correction share this many trigrams (pg_trgm's similarity()); PostgreSQL
# finds them with its trigram index, SQLite by comparing its vocabulary in Python.
TRIGRAM_CANDIDATE_SIMILARITY = 0.2


@dataclass(frozen=True)
class IndexedWord:
    """A word of one field of a service, as written (lowercased) and as matched (stemmed)."""

    field: str
    word: str
    stem: str


@dataclass(frozen=True)
class QueryWord:
    typed: str
    stem: str

    @property
    def decisive(self) -> bool:
        return len(self.typed) >= SHORTEST_DECISIVE


@dataclass(frozen=True)
class Term:
    """One meaningful word of a question as it is searched: the stems that stand for it."""

    stems: frozenset[str]
    synonyms: frozenset[str]
    decisive: bool


@dataclass(frozen=True)
class Posting:
    service_id: int
    stem: str
    field: str


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@cache
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def meaningful(word: str) -> bool:
    return len(word) > 1 and len(word) <= LONGEST_WORD and word not in STOP_WORDS


def index_words(fields: Mapping[str, str]) -> set[IndexedWord]:
    """What a service is found by: the meaningful words of each of its fields."""
    return {
        IndexedWord(field=field, word=word, stem=stem(word))
        for field, text in fields.items()
        for word in words(text)
        if meaningful(word)
    }


def query_words(query: str) -> list[QueryWord]:
    """The meaningful words of a question, once per stem, in the order typed."""
    found: dict[str, QueryWord] = {}
    for word in words(query[:QUERY_MAX_CHARS]):
        if meaningful(word):
            found.setdefault(stem(word), QueryWord(typed=word, stem=stem(word)))
    return list(found.values())


@cache
def _synonym_stems() -> Mapping[str, frozenset[str]]:
    related: dict[str, set[str]] = defaultdict(set)
    for group in SYNONYMS:
        stems = {stem(word) for word in group}
        for each in stems:
            related[each] |= stems - {each}
    return {each: frozenset(others) for each, others in related.items()}


def synonyms_of(stems: Iterable[str]) -> frozenset[str]:
    """The stems of the synonyms of `stems`, not `stems` themselves."""
    stems = frozenset(stems)
    table = _synonym_stems()
    return frozenset().union(*(table.get(each, frozenset()) for each in stems)) - stems


def term(stems: Iterable[str], *, decisive: bool) -> Term:
    stems = frozenset(stems)
    return Term(stems=stems, synonyms=synonyms_of(stems), decisive=decisive)


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word.lower()} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def trigram_similarity(a: str, b: str) -> float:
    """pg_trgm's similarity() of two words: shared trigrams over all their trigrams."""
    first, second = trigrams(a), trigrams(b)
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)


def edits_allowed(word: str) -> int:
    """How many edits a typo may be away from what was meant, by the word's length (the rule
    of Lucene's "AUTO" fuzziness): none below 3 letters, one up to 5, two beyond."""
    if len(word) < SHORTEST_DECISIVE:
        return 0
    return 1 if len(word) <= 5 else 2


def correction(typed: str, vocabulary: Mapping[str, int]) -> str | None:
    """The indexed word `typed` was most likely meant to be, if any is close enough.

    `vocabulary` maps indexed words to how many services use them; it may hold more than the
    candidates. A candidate starts with the same letter (people rarely mistype the first:
    Lucene's prefix length of 1) and is within edits_allowed(). Fewest edits (a swap of two
    neighbours is one) win, then the most similar, then the commonest, then alphabetically.
    """
    allowed = edits_allowed(typed)
    if not allowed or typed in vocabulary:
        return None
    scored = []
    for candidate, documents in vocabulary.items():
        if candidate[:1] != typed[:1] or abs(len(candidate) - len(typed)) > allowed:
            continue
        similarity = trigram_similarity(typed, candidate)
        if similarity < TRIGRAM_CANDIDATE_SIMILARITY:
            continue
        edits = OSA.distance(typed, candidate, score_cutoff=allowed)
        if edits <= allowed:
            scored.append((edits, -similarity, -documents, candidate))
    return min(scored)[3] if scored else None


def idf(services_total: int, services_with_word: int) -> float:
    """BM25's inverse document frequency: a rare word says more than a common one."""
    return math.log(1 + (services_total - services_with_word + 0.5) / (services_with_word + 0.5))


def ranked(
    terms: Collection[Term],
    postings: Iterable[Posting],
    *,
    services_total: int,
    names: Mapping[int, str],
    limit: int,
) -> list[int]:
    """The ids of the services that best answer a question, best first.

    A service scores, for each term it matches, the rarity of the matched word times the
    weight of the strongest field it is in (a synonym a little less): so more words, rarer
    words and words in the name rank higher. Only decisive terms can bring a service in. One
    that matches every decisive term is always listed; one that matches only some of them is
    left out when it scores below a third of the best (a lone description word beside a real
    match is noise). Ties go alphabetically by name.
    """
    postings = list(postings)
    services_by_stem: dict[str, set[int]] = defaultdict(set)
    for posting in postings:
        services_by_stem[posting.stem].add(posting.service_id)
    rarity = {
        each: idf(services_total, len(services)) for each, services in services_by_stem.items()
    }
    scores: dict[int, float] = defaultdict(float)
    decisive_matches: dict[int, int] = defaultdict(int)
    for one in terms:
        best: dict[int, float] = {}
        for posting in postings:
            if posting.stem in one.stems:
                weight = 1.0
            elif posting.stem in one.synonyms:
                weight = SYNONYM_WEIGHT
            else:
                continue
            value = weight * FIELD_WEIGHTS[posting.field] * rarity[posting.stem]
            best[posting.service_id] = max(value, best.get(posting.service_id, 0.0))
        for service_id, value in best.items():
            scores[service_id] += value
            if one.decisive:
                decisive_matches[service_id] += 1
    if not decisive_matches:
        return []
    decisive_terms = sum(1 for one in terms if one.decisive)
    top = max(scores[service_id] for service_id in decisive_matches)
    kept = [
        pk
        for pk, matched in decisive_matches.items()
        if matched == decisive_terms or scores[pk] >= top * MIN_SHARE_OF_BEST
    ]
    kept.sort(key=lambda pk: (-scores[pk], names.get(pk, ""), pk))
    return kept[:limit]
