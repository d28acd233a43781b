"""Unit tests on hand-built Docs: quotes (candidates), attribution (speakers, which quotes
exist) and claims, each run alone on a Doc prepared by hand."""

from handmade import indexed, make_doc

from pipeline.components.actors import ActorFinder
from pipeline.components.attribution import Attributor
from pipeline.components.claims import ClaimBuilder
from pipeline.components.quotes import QuoteFinder
from pipeline.extensions import read_candidates, write_candidates
from pipeline.types import CueKind, Quote, QuoteType, Resolution, Speaker

# "“We will rebuild the bridge by spring,” said Ann Lee."
INVERTED = [
    ("“", 10, "punct", "PUNCT", "``", "“"),
    ("We", 3, "nsubj", "PRON", "PRP", "we"),
    ("will", 3, "aux", "AUX", "MD", "will"),
    ("rebuild", 10, "ccomp", "VERB", "VB", "rebuild"),
    ("the", 5, "det", "DET", "DT", "the"),
    ("bridge", 3, "dobj", "NOUN", "NN", "bridge"),
    ("by", 3, "prep", "ADP", "IN", "by"),
    ("spring", 6, "pobj", "NOUN", "NN", "spring"),
    (",", 10, "punct", "PUNCT", ",", ","),
    ("”", 10, "punct", "PUNCT", "''", "”"),
    ("said", 10, "ROOT", "VERB", "VBD", "say"),
    ("Ann", 12, "compound", "PROPN", "NNP", "Ann"),
    ("Lee", 10, "nsubj", "PROPN", "NNP", "Lee"),
    (".", 10, "punct", "PUNCT", ".", "."),
]
# "Carla Ruiz said that taxes would rise."
THAT_CLAUSE = [
    ("Carla", 1, "compound", "PROPN", "NNP", "Carla"),
    ("Ruiz", 2, "nsubj", "PROPN", "NNP", "Ruiz"),
    ("said", 2, "ROOT", "VERB", "VBD", "say"),
    ("that", 6, "mark", "SCONJ", "IN", "that"),
    ("taxes", 6, "nsubj", "NOUN", "NNS", "tax"),
    ("would", 6, "aux", "AUX", "MD", "would"),
    ("rise", 2, "ccomp", "VERB", "VB", "rise"),
    (".", 2, "punct", "PUNCT", ".", "."),
]
# "The so-called “reform” failed."
SCARE = [
    ("The", 3, "det", "DET", "DT", "the"),
    ("so-called", 3, "amod", "ADJ", "JJ", "so-called"),
    ("“", 3, "punct", "PUNCT", "``", "“"),
    ("reform", 5, "nsubj", "NOUN", "NN", "reform"),
    ("”", 3, "punct", "PUNCT", "''", "”"),
    ("failed", 5, "ROOT", "VERB", "VBD", "fail"),
    (".", 5, "punct", "PUNCT", ".", "."),
]
# "Reportedly claimed that taxes rise." (a cue with nobody reporting)
NOBODY = [
    ("Reportedly", 1, "advmod", "ADV", "RB", "reportedly"),
    ("claimed", 1, "ROOT", "VERB", "VBD", "claim"),
    ("that", 4, "mark", "SCONJ", "IN", "that"),
    ("taxes", 4, "nsubj", "NOUN", "NNS", "tax"),
    ("rise", 1, "ccomp", "VERB", "VBP", "rise"),
    (".", 1, "punct", "PUNCT", ".", "."),
]


def prepared(rows, ents=(), sent_starts=(0,)):
    return ActorFinder()(indexed(make_doc(rows, ents=ents, sent_starts=sent_starts)))


def test_quotes_find_an_inverted_direct_quote_and_its_cue():
    doc = QuoteFinder()(prepared(INVERTED, ents=[(11, 13, "PERSON")]))
    (quote,) = read_candidates(doc)
    assert quote.type == QuoteType.DIRECT and quote.content.text == "“We will rebuild the " \
        "bridge by spring,”"
    assert quote.cue.text == "said" and quote.how is CueKind.SYNTAX
    assert doc._.quote_candidates[0]["content"] == [0, 10]  # token offsets: plain data


def test_quotes_find_a_that_clause():
    doc = QuoteFinder()(prepared(THAT_CLAUSE, ents=[(0, 2, "PERSON")]))
    (quote,) = read_candidates(doc)
    assert (quote.type, quote.content.text, quote.cue.text) == ("indirect",
                                                                "that taxes would rise", "said")


def test_quotes_reject_a_scare_quote_after_a_title_word():
    doc = QuoteFinder()(prepared(SCARE))
    assert read_candidates(doc) == []


def test_quote_settings_change_what_is_a_quote():
    strict = QuoteFinder(min_words_cued=20)
    assert read_candidates(strict(prepared(THAT_CLAUSE, ents=[(0, 2, "PERSON")])))
    doc = strict(prepared(INVERTED, ents=[(11, 13, "PERSON")]))
    assert [q.type for q in read_candidates(doc)] == ["direct"]  # inverted: short is fine


def test_attribution_resolves_the_inverted_subject_to_the_actor():
    doc = Attributor()(QuoteFinder()(prepared(INVERTED, ents=[(11, 13, "PERSON")])))
    (quote,) = doc._.quotes
    assert quote.id == "Q1"
    assert quote.speaker.mention.text == "Ann Lee" and quote.speaker.actor_id == "A1"
    assert quote.speaker.resolution is Resolution.INVERTED_SUBJECT
    assert [(s.text, s.label_, s.id_, s.kb_id_) for s in doc.spans["speakers"]] == [
        ("Ann Lee", "inverted_subject", "Q1", "A1")]


def test_attribution_drops_reported_speech_nobody_reports_and_numbers_the_rest():
    doc = prepared(NOBODY)
    cue = doc[1:2]
    write_candidates(doc, [Quote("", doc[3:5], QuoteType.INDIRECT, cue=cue, how=CueKind.SYNTAX)])
    assert Attributor()(doc)._.quotes == []


def test_attribution_adds_a_speaker_ner_missed_as_a_new_actor():
    doc = prepared(THAT_CLAUSE)  # no entities: "Carla Ruiz" is unknown to the actors stage
    doc = Attributor()(QuoteFinder()(doc))
    (quote,) = doc._.quotes
    (actor,) = doc._.actors
    assert actor.name == "Carla Ruiz" and quote.speaker.actor_id == actor.id
    assert quote.speaker.resolution == "cue_subject"


def test_claims_split_a_direct_quote_into_sentences():
    rows = [
        ("“", 2, "punct", "PUNCT", "``", "“"),
        ("Prices", 2, "nsubj", "NOUN", "NNS", "price"),
        ("fall", 2, "ROOT", "VERB", "VBP", "fall"),
        ("today", 2, "npadvmod", "NOUN", "NN", "today"),
        (".", 2, "punct", "PUNCT", ".", "."),
        ("Wages", 6, "nsubj", "NOUN", "NNS", "wage"),
        ("rise", 6, "ROOT", "VERB", "VBP", "rise"),
        ("fast", 6, "advmod", "ADV", "RB", "fast"),
        (".", 6, "punct", "PUNCT", ".", "."),
        ("”", 6, "punct", "PUNCT", "''", "”"),
    ]
    doc = make_doc(rows, sent_starts=[0, 5])
    speaker = Speaker(None, None, Resolution.UNRESOLVED)
    doc._.quotes = [Quote("Q1", doc[0:10], QuoteType.DIRECT, speaker=speaker),
                    Quote("Q2", doc[5:8], QuoteType.DIRECT)]  # no speaker: no claim
    doc = ClaimBuilder()(doc)
    assert [(c.id, c.span.text, c.quote_id) for c in doc._.claims] == [
        ("C1", "Prices fall today", "Q1"), ("C2", "Wages rise fast", "Q1")]
    assert ClaimBuilder(min_words=4)(doc)._.claims[0].span.text == "Prices fall today. " \
        "Wages rise fast"


def test_components_keep_no_per_document_state():
    components = [ActorFinder(), QuoteFinder(), Attributor(), ClaimBuilder()]
    before = [dict(vars(c)) for c in components]
    for rows, ents in ((INVERTED, [(11, 13, "PERSON")]), (THAT_CLAUSE, [(0, 2, "PERSON")])):
        doc = indexed(make_doc(rows, ents=ents))
        for component in components:
            doc = component(doc)
    assert [dict(vars(c)) for c in components] == before
