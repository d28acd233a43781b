"""Unit tests on hand-built Docs: the document index and the actors component."""

from handmade import indexed, make_doc

from pipeline.components.actors import ActorFinder
from pipeline.components.structure import DocIndex, paragraph_boundaries

# "President Ann Lee, a professor at Foo University, spoke. Lee left."
LEE = [
    ("President", 2, "compound", "PROPN", "NNP", "President"),
    ("Ann", 2, "compound", "PROPN", "NNP", "Ann"),
    ("Lee", 10, "nsubj", "PROPN", "NNP", "Lee"),
    (",", 2, "punct", "PUNCT", ",", ","),
    ("a", 5, "det", "DET", "DT", "a"),
    ("professor", 2, "appos", "NOUN", "NN", "professor"),
    ("at", 5, "prep", "ADP", "IN", "at"),
    ("Foo", 8, "compound", "PROPN", "NNP", "Foo"),
    ("University", 6, "pobj", "PROPN", "NNP", "University"),
    (",", 2, "punct", "PUNCT", ",", ","),
    ("spoke", 10, "ROOT", "VERB", "VBD", "speak"),
    (".", 10, "punct", "PUNCT", ".", "."),
    ("Lee", 13, "nsubj", "PROPN", "NNP", "Lee"),
    ("left", 13, "ROOT", "VERB", "VBD", "leave"),
    (".", 13, "punct", "PUNCT", ".", "."),
]


def lee_doc():
    return indexed(make_doc(LEE, ents=[(1, 3, "PERSON"), (7, 9, "ORG")], sent_starts=[0, 12]))


def test_index_paragraphs_headings_and_quote_marks():
    rows = [
        ("Talks", 1, "nsubj", "NOUN", "NNS", "talk"),
        ("Stall", 1, "ROOT", "VERB", "VBP", "stall"),
        ("\n", 1, "dep", "SPACE", "_SP", "\n"),
        ("Ann", 1 + 3, "nsubj", "PROPN", "NNP", "Ann"),
        ("said", 4, "ROOT", "VERB", "VBD", "say"),
        (":", 4, "punct", "PUNCT", ":", ":"),
        ("“", 8, "punct", "PUNCT", "``", "“"),
        ("We", 8, "nsubj", "PRON", "PRP", "we"),
        ("stay", 4, "ccomp", "VERB", "VBP", "stay"),
        (".", 8, "punct", "PUNCT", ".", "."),
        ("”", 8, "punct", "PUNCT", "''", "”"),
    ]
    doc = indexed(make_doc(rows, sent_starts=[0, 3]))
    index = DocIndex(doc)
    assert index.paragraph == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
    assert index.is_heading_sentence(0) and not index.is_heading_sentence(1)
    assert [q.span.text for q in index.quoted] == ["“We stay.”"] and index.quoted[0].words == 2
    assert index.in_marks[7] and not index.in_marks[4]
    assert doc._.layout["heading"] == [True, False]  # plain data: serialisable


def test_paragraph_breaks_start_sentences():
    rows = [("One", 0, "", "NUM", "CD", "one"), ("\n", 0, "", "SPACE", "_SP", "\n"),
            ("Two", 2, "", "NUM", "CD", "two")]
    doc = make_doc(rows, sent_starts=[0])
    doc = paragraph_boundaries(doc)
    assert doc[2].is_sent_start


def test_actors_cluster_names_roles_titles_and_affiliations():
    doc = ActorFinder()(lee_doc())
    lee, university = doc._.actors
    assert (lee.id, lee.name, lee.type) == ("A1", "Ann Lee", "PERSON")
    assert [m.text for m in lee.mentions] == ["Ann Lee", "Lee"]  # the bare surname too
    assert [r.text for r in lee.roles] == ["President", "a professor at Foo University"]
    assert lee.affiliations == ("Foo University",)
    assert (university.name, university.type) == ("Foo University", "ORG")
    group = doc.spans["actor_mentions"]
    assert [(s.text, s.label_, s.kb_id_) for s in group][:2] == [("Ann Lee", "name", "A1"),
                                                                ("Lee", "name", "A1")]


def test_actor_in_a_heading_only_repeats_a_body_actor():
    rows = [
        ("Lee", 1, "nsubj", "PROPN", "NNP", "Lee"),
        ("Wins", 1, "ROOT", "VERB", "VBZ", "win"),
        ("\n", 1, "dep", "SPACE", "_SP", "\n"),
        ("Bo", 4, "compound", "PROPN", "NNP", "Bo"),
        ("Kim", 5, "nsubj", "PROPN", "NNP", "Kim"),
        ("won", 5, "ROOT", "VERB", "VBD", "win"),
        (".", 5, "punct", "PUNCT", ".", "."),
    ]
    doc = ActorFinder()(indexed(make_doc(rows, ents=[(0, 1, "PERSON"), (3, 5, "PERSON")],
                                         sent_starts=[0, 3])))
    assert [a.name for a in doc._.actors] == ["Bo Kim"]  # "Lee" in the heading is nobody yet
