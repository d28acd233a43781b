"""Unit tests on hand-built Docs for the speaker rules of issue 13: reporting nouns and their
holder, first-name genders for pronouns, spokespeople speaking for their organisation."""

from handmade import indexed, make_doc

from pipeline.components.actors import ActorFinder
from pipeline.components.attribution import Attributor
from pipeline.components.quotes import QuoteFinder
from pipeline.extensions import read_candidates
from pipeline.types import CueKind, Resolution

# "Ken Obi spoke . His claim that taxes rise was false ."
NOUN_CUE = [
    ("Ken", 1, "compound", "PROPN", "NNP", "Ken"),
    ("Obi", 2, "nsubj", "PROPN", "NNP", "Obi"),
    ("spoke", 2, "ROOT", "VERB", "VBD", "speak"),
    (".", 2, "punct", "PUNCT", ".", "."),
    ("His", 5, "poss", "PRON", "PRP$", "his"),
    ("claim", 9, "nsubj", "NOUN", "NN", "claim"),
    ("that", 8, "mark", "SCONJ", "IN", "that"),
    ("taxes", 8, "nsubj", "NOUN", "NNS", "tax"),
    ("rise", 5, "acl", "VERB", "VBP", "rise"),
    ("was", 9, "ROOT", "AUX", "VBD", "be"),
    ("false", 9, "acomp", "ADJ", "JJ", "false"),
    (".", 9, "punct", "PUNCT", ".", "."),
]


def _he_said(first: tuple[str, str], second: tuple[str, str]) -> list[tuple]:
    """ "<first> and <second> met . He said that taxes rise ." """
    return [
        (first[0], 1, "compound", "PROPN", "NNP", first[0]),
        (first[1], 5, "nsubj", "PROPN", "NNP", first[1]),
        ("and", 1, "cc", "CCONJ", "CC", "and"),
        (second[0], 4, "compound", "PROPN", "NNP", second[0]),
        (second[1], 1, "conj", "PROPN", "NNP", second[1]),
        ("met", 5, "ROOT", "VERB", "VBD", "meet"),
        (".", 5, "punct", "PUNCT", ".", "."),
        ("He", 8, "nsubj", "PRON", "PRP", "he"),
        ("said", 8, "ROOT", "VERB", "VBD", "say"),
        ("that", 11, "mark", "SCONJ", "IN", "that"),
        ("taxes", 11, "nsubj", "NOUN", "NNS", "tax"),
        ("rise", 8, "ccomp", "VERB", "VBP", "rise"),
        (".", 8, "punct", "PUNCT", ".", "."),
    ]


# "A spokeswoman for Acme said that taxes rise ."
SPOKESWOMAN = [
    ("A", 1, "det", "DET", "DT", "a"),
    ("spokeswoman", 4, "nsubj", "NOUN", "NN", "spokeswoman"),
    ("for", 1, "prep", "ADP", "IN", "for"),
    ("Acme", 2, "pobj", "PROPN", "NNP", "Acme"),
    ("said", 4, "ROOT", "VERB", "VBD", "say"),
    ("that", 7, "mark", "SCONJ", "IN", "that"),
    ("taxes", 7, "nsubj", "NOUN", "NNS", "tax"),
    ("rise", 4, "ccomp", "VERB", "VBP", "rise"),
    (".", 4, "punct", "PUNCT", ".", "."),
]


def _prepared(rows, ents, sent_starts=(0,)):
    return ActorFinder()(indexed(make_doc(rows, ents=ents, sent_starts=sent_starts)))


def _name(doc, actor_id):
    return next(a.name for a in doc._.actors if a.id == actor_id)


def test_a_reporting_noun_with_a_that_clause_is_a_cue_and_its_possessor_the_speaker():
    doc = QuoteFinder()(_prepared(NOUN_CUE, [(0, 2, "PERSON")], sent_starts=[0, 4]))
    (cand,) = read_candidates(doc)
    assert (cand.content.text, cand.cue.text, cand.how) == ("that taxes rise", "claim",
                                                            CueKind.NOUN)
    (quote,) = Attributor()(doc)._.quotes
    assert quote.speaker.mention.text == "His" and quote.speaker.resolution is Resolution.PRONOUN
    assert _name(doc, quote.speaker.actor_id) == "Ken Obi"
    assert read_candidates(QuoteFinder(cue_nouns="")(_prepared(
        NOUN_CUE, [(0, 2, "PERSON")], sent_starts=[0, 4]))) == []


def test_a_first_name_tells_a_pronoun_which_person_it_can_be():
    rows = _he_said(("Peter", "Novak"), ("Maria", "Santos"))
    ents = [(0, 2, "PERSON"), (3, 5, "PERSON")]
    doc = Attributor()(QuoteFinder()(_prepared(rows, ents, sent_starts=[0, 7])))
    (quote,) = doc._.quotes
    assert _name(doc, quote.speaker.actor_id) == "Peter Novak"  # not the nearer Maria
    without = Attributor(first_names="")(QuoteFinder()(_prepared(rows, ents, [0, 7])))
    assert _name(without, without._.quotes[0].speaker.actor_id) == "Maria Santos"


def test_a_spokeswoman_speaks_for_her_organisation():
    doc = Attributor()(QuoteFinder()(_prepared(SPOKESWOMAN, [(3, 4, "ORG")])))
    (quote,) = doc._.quotes
    assert quote.speaker.mention.text == "A spokeswoman"
    assert _name(doc, quote.speaker.actor_id) == "Acme"
