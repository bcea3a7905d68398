import pytest
from hypothesis import given
from hypothesis import strategies as st

from relaydesk.core.text_search import (
    SYNONYMS,
    IndexedWord,
    Posting,
    correction,
    edits_allowed,
    index_words,
    query_words,
    ranked,
    stem,
    synonyms_of,
    term,
    trigram_similarity,
)

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


def typed(query: str) -> list[tuple[str, bool]]:
    return [(each.typed, each.decisive) for each in query_words(query)]


def test_it_keeps_the_meaningful_words_of_a_sentence():
    assert typed("I need a new computer") == [("new", True), ("computer", True)]
    assert typed("My screen is broken!") == [("screen", True), ("broken", True)]


def test_search_syntax_and_stray_operators_leave_no_words():
    assert typed("%' OR 1=1 --") == []
    assert typed('"" AND NOT (x*)') == []


def test_two_letter_words_are_kept_but_decide_nothing():
    assert typed("PO approval") == [("po", False), ("approval", True)]


def test_a_word_counts_once_however_it_is_inflected():
    assert typed("tyres tyre Tyres") == [("tyres", True)]


def test_the_index_holds_each_fields_meaningful_words_stemmed():
    assert index_words({"name": "Paint a body", "keywords": "paint\ncolours"}) == {
        IndexedWord("name", "paint", "paint"),
        IndexedWord("name", "body", "bodi"),
        IndexedWord("keywords", "paint", "paint"),
        IndexedWord("keywords", "colours", "colour"),
    }


def test_synonyms_and_spellings_stand_for_each_other():
    assert stem("tyre") in synonyms_of({stem("tire")})
    assert stem("laptop") in synonyms_of({stem("computers")})
    assert stem("tire") not in synonyms_of({stem("tire")})


@pytest.mark.parametrize("group", SYNONYMS)
def test_every_synonym_group_is_symmetric(group):
    stems = {stem(each) for each in group}
    for each in stems:
        assert synonyms_of({each}) >= stems - {each}


@pytest.mark.parametrize(
    ("a", "b", "similarity"),
    [
        ("word", "word", 1.0),
        ("fitting", "fiting", 6 / 9),
        ("purchasing", "purchasng", 8 / 13),
        ("tyre", "tyer", 2 / 8),
        ("oil", "xyz", 0.0),
    ],
)
def test_trigram_similarity_is_pg_trgms(a, b, similarity):
    assert trigram_similarity(a, b) == pytest.approx(similarity)


@given(word, word)
def test_trigram_similarity_is_symmetric_and_a_share(a, b):
    assert trigram_similarity(a, b) == trigram_similarity(b, a)
    assert 0 <= trigram_similarity(a, b) <= 1
    assert trigram_similarity(a, a) == 1


@pytest.mark.parametrize(
    ("typed_word", "expected"),
    [
        ("fiting", "fitting"),  # a letter left out
        ("forklfit", "forklift"),  # two letters swapped: one edit
        ("pasword", "password"),
        ("tyer", "tyre"),
        ("fitting", None),  # known words are never corrected
        ("bitting", None),  # the first letter is kept
        ("or", None),  # too short to correct
        ("zzyzx", None),
    ],
)
def test_a_typo_becomes_the_closest_indexed_word(typed_word, expected):
    vocabulary = {"fitting": 2, "forklift": 1, "password": 1, "tyre": 3, "vetting": 1}
    assert correction(typed_word, vocabulary) == expected


def test_fewer_edits_win_then_the_commoner_word():
    assert correction("purchasng", {"purchase": 9, "purchasing": 1}) == "purchasing"
    assert correction("wheal", {"wheel": 5, "whell": 1}) == "wheel"


@given(word, st.dictionaries(word, st.integers(min_value=1, max_value=50), max_size=20))
def test_a_correction_is_an_indexed_word_within_the_allowed_edits(typed_word, vocabulary):
    corrected = correction(typed_word, vocabulary)
    if typed_word in vocabulary or edits_allowed(typed_word) == 0:
        assert corrected is None
    if corrected is not None:
        assert corrected in vocabulary
        assert corrected[0] == typed_word[0]


NAMES = {1: "Meeting room setup", 2: "Line terminal fault", 3: "New laptop", 4: "New hire"}


def rank(terms, postings, limit=10):
    return ranked(
        terms,
        [Posting(*each) for each in postings],
        services_total=20,
        names=NAMES,
        limit=limit,
    )


def test_a_name_outranks_a_description():
    postings = [(1, "screen", "description"), (2, "screen", "name")]

    assert rank([term({"screen"}, decisive=True)], postings) == [2, 1]


def test_more_words_and_rarer_words_rank_higher():
    postings = [(3, "new", "name"), (3, "comput", "keywords"), (4, "comput", "keywords")]
    postings += [(service, "new", "name") for service in range(5, 15)]
    terms = [term({"new"}, decisive=True), term({"comput"}, decisive=True)]

    # Both words, then the rare word alone; the common word alone is too weak beside them.
    assert rank(terms, postings) == [3, 4]


def test_a_weak_partial_match_beside_a_strong_one_is_left_out():
    postings = [(1, "screen", "description"), (2, "fault", "name")]
    terms = [term({"screen"}, decisive=True), term({stem("broken")}, decisive=True)]

    assert rank(terms, postings) == [2]


def test_a_word_that_decides_nothing_only_adds_to_what_others_found():
    postings = [(1, "po", "keywords"), (2, "po", "keywords"), (2, "approv", "name")]

    assert rank([term({"po"}, decisive=False)], postings) == []
    assert rank([term({"po"}, decisive=False), term({"approv"}, decisive=True)], postings) == [2]


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=8),
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["name", "keywords", "provider", "description", "kind"]),
        ),
        max_size=30,
    ),
    st.integers(min_value=1, max_value=5),
)
def test_every_result_was_found_by_a_decisive_word_and_the_limit_holds(postings, limit):
    terms = [term({"a"}, decisive=True), term({"b"}, decisive=False)]

    found = rank(terms, postings, limit=limit)

    assert len(found) <= limit
    assert len(set(found)) == len(found)
    assert set(found) <= {service for service, word, _ in postings if word == "a"}
