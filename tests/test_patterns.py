"""Table-driven tests: one row per quotation pattern the pipeline must handle, with negatives."""

import pytest

from pipeline.record import doc_to_record

# (id, text, expected quotes as (type, text fragment the content contains, speaker name,
# resolution)); speaker name None = no speaker; an empty list = no quote at all. Reported
# content keeps its complementiser ("that ..."), as PolNeAR annotates it.
CASES = [
    (
        "inverted",
        "“We will rebuild the bridge by spring,” said Mayor Ann Lee.",
        [("direct", "We will rebuild the bridge", "Ann Lee", "inverted_subject")],
    ),
    (
        "colon-same-line",
        "Ann Lee said: “We will rebuild the bridge by spring.”",
        [("direct", "We will rebuild", "Ann Lee", "cue_subject")],
    ),
    (
        "straight-quotes",
        '"The plan is sound and fully funded," Ken Obi told reporters.',
        [("direct", "The plan is sound", "Ken Obi", "cue_subject")],
    ),
    (
        "guillemets",
        "«We will not give up the fight for our jobs,» declared Marc Dubois.",
        [("direct", "We will not give up", "Marc Dubois", "inverted_subject")],
    ),
    (
        "colon-next-paragraph",
        "Jane Hart, a climate scientist, elaborates:\n"
        "“The data are clear and the trend is accelerating.”",
        [("direct", "The data are clear", "Jane Hart", "colon_introducer")],
    ),
    (
        "continuation",
        "“The water is rising fast,” said Ken Obi, a hydrologist. “We expect the peak on Friday.”",
        [
            ("direct", "The water is rising", "Ken Obi", "inverted_subject"),
            ("direct", "We expect the peak", "Ken Obi", "continuation"),
        ],
    ),
    (
        "continuation-short",
        "“Here comes the flood,” said Ken Obi, pointing. “Run.”",
        [
            ("direct", "Here comes the flood", "Ken Obi", "inverted_subject"),
            ("direct", "Run", "Ken Obi", "continuation"),
        ],
    ),
    (
        "pronoun-next-paragraph",
        "Maria Gonzalez, a nurse at the city clinic, described the night.\nShe adds:\n"
        "“Nobody slept for two days in a row.”",
        [("direct", "Nobody slept", "Maria Gonzalez", "pronoun")],
    ),
    (
        "nominal",
        "Tom Berg, a professor at Oslo University, studies glaciers. “The ice sheet is melting "
        "faster than anyone predicted,” explains the academic.",
        [("direct", "The ice sheet is melting", "Tom Berg", "nominal")],
    ),
    (
        "that-clause",
        "Finance Minister Carla Ruiz said that taxes would rise next year.",
        [("indirect", "that taxes would rise next year", "Carla Ruiz", "cue_subject")],
    ),
    (
        "according-to",
        "According to the Health Ministry, the outbreak has peaked in the north.",
        [("indirect", "the outbreak has peaked", "Health Ministry", "according_to")],
    ),
    (
        "mixed",
        "Ann Lee added that the repairs were “far more complex than anyone expected.”",
        [("mixed", "the repairs were", "Ann Lee", "cue_subject")],
    ),
    (
        "organisation-speaker",
        "The National Weather Service warned that the storm would intensify overnight.",
        [("indirect", "the storm would intensify", "National Weather Service", "cue_subject")],
    ),
    (
        "group-speaker",
        "Several economists agree that inflation will slow next year.",
        [("indirect", "inflation will slow", "Several economists", "cue_subject")],
    ),
    (
        "noun-tagged-cue",
        "Du Min-ho from the Seoul Defense Institute specifies that soldiers can play "
        "several roles.",
        [("indirect", "soldiers can play several roles", "Du Min-ho", "cue_subject")],
    ),
    # beliefs and intentions are attributions too
    (
        "belief",
        "Senator Maria Lopez believes that the bill will pass next week.",
        [("indirect", "that the bill will pass next week", "Maria Lopez", "cue_subject")],
    ),
    (
        "intention",
        "Mayor Ann Lee wants the council to approve the budget before June.",
        [("indirect", "the council to approve the budget", "Ann Lee", "cue_subject")],
    ),
    (
        "fear",
        "Many farmers fear that the drought will ruin their harvest.",
        [("indirect", "that the drought will ruin their harvest", "Many farmers",
          "cue_subject")],
    ),
    (
        "hope",
        "Ann Becker hopes that the talks will resume soon.",
        [("indirect", "that the talks will resume soon", "Ann Becker", "cue_subject")],
    ),
    # reporting nouns with a that-clause: the holder is the possessor
    (
        "noun-cue-pronoun",
        "Mark Jensen spoke to reporters on Monday. His claim that the vote was rigged was "
        "rejected by the court.",
        [("indirect", "that the vote was rigged", "Mark Jensen", "pronoun")],
    ),
    (
        "noun-cue-nominal",
        "Senator Ruth Hale met the press.\nThe senator's warning that the deal would "
        "collapse proved right.",
        [("indirect", "that the deal would collapse", "Ruth Hale", "nominal")],
    ),
    # nested: the outer cue and its speaker hold the whole reported clause
    (
        "nested",
        "Ken Obi says he knows that the company will close the plant.",
        [("indirect", "he knows that the company will close the plant", "Ken Obi",
          "cue_subject")],
    ),
    (
        "according-to-after",
        "The company will close the plant by March, according to two people familiar with "
        "the plan.",
        [("indirect", "The company will close the plant by March", "two people",
          "according_to")],
    ),
    # speakers: first names tell a pronoun's antecedent, nominals reach back across
    # paragraphs, spokespeople speak for their organisation
    (
        "pronoun-first-name-he",
        "Maria Santos and Peter Novak met on Monday. He said the deal was close.",
        [("indirect", "the deal was close", "Peter Novak", "pronoun")],
    ),
    (
        "pronoun-first-name-she",
        "Peter Novak and Maria Santos met on Monday. She said the deal was close.",
        [("indirect", "the deal was close", "Maria Santos", "pronoun")],
    ),
    (
        "nominal-across-paragraphs",
        "Tom Berg, a professor at Oslo University, studies glaciers.\nThe weather was cold "
        "all week.\nThe professor said the ice was melting faster than expected.",
        [("indirect", "the ice was melting", "Tom Berg", "nominal")],
    ),
    (
        "spokesperson-for",
        "A spokeswoman for Acme Corp. said the company would appeal the ruling.",
        [("indirect", "the company would appeal the ruling", "Acme Corp.", "cue_subject")],
    ),
    (
        "spokesperson-compound",
        "The Pentagon did not comment at first. Later a Pentagon spokesman said the review "
        "was continuing.",
        [("indirect", "the review was continuing", "Pentagon", "cue_subject")],
    ),
    # negatives: scare quotes, titles, terms and a heading are never quotes or speakers
    ("scare-quote", "The so-called “reform” changed nothing for the farmers.", []),
    (
        "scare-quote-dash",
        "It is hard to see the move as just a simple “bet”—since it came late.",
        [],
    ),
    ("title", "She reads the newspaper “The Daily Star” every morning.", []),
    (
        "term-then-quote",
        "Lee Jun-ho, a professor at Incheon University, mentions a “flag effect”:\n"
        "“In the face of a threat, people rally around the leader.”",
        [("direct", "In the face of a threat", "Lee Jun-ho", "colon_introducer")],
    ),
    (
        "short-quote-with-naming-cue",
        "Critics called the budget “a disgrace” on Monday.",
        [("mixed", "the budget “a disgrace”", "Critics", "cue_subject")],
    ),
    ("scare-quote-no-cue", "The budget was “fair” by some measures.", []),
    (
        "scare-quote-passive-label",
        "The road will stay shut, extending what was first described as a “temporary” closure.",
        [],
    ),
    (
        "passive-label-with-agent",
        "The plan was described by the mayor as “a reckless gamble”.",
        [("direct", "a reckless gamble", "the mayor", "cue_subject")],
    ),
    ("demonstrative-subject", "This explains why other powers remain cautious.", []),
]


@pytest.mark.parametrize(("case_id", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_pattern(nlp, case_id, text, expected):
    record = doc_to_record(nlp(text), case_id)
    got = [
        (
            q["type"],
            q["text"],
            q["speaker"] and q["speaker"]["name"],
            q["speaker"] and q["speaker"]["resolution"],
        )
        for q in record["quotes"]
    ]
    assert len(got) == len(expected), got
    for (qtype, text_part, name, resolution), (g_type, g_text, g_name, g_res) in zip(
        expected, got, strict=True
    ):
        assert g_type == qtype, got
        assert text_part in g_text, got
        assert g_name == name, got
        assert g_res == resolution, got


def test_continuation_is_linked_to_its_quote(nlp):
    record = doc_to_record(
        nlp("“The water is rising fast,” said Ken Obi. “We expect the peak on Friday.”"), "x"
    )
    first, second = record["quotes"]
    assert second["continues"] == first["id"] and first["continues"] is None


def test_heading_is_never_a_speaker_or_antecedent(nlp):
    text = (
        "Anna Berg chairs the budget committee.\nTalks With Congress Stall\n"
        "She said the budget was fair to every region."
    )
    record = doc_to_record(nlp(text), "x")
    (quote,) = record["quotes"]
    assert quote["speaker"]["name"] == "Anna Berg"
    assert quote["speaker"]["resolution"] == "pronoun"


def test_actor_clustering_and_roles(nlp):
    text = (
        "South Korean President Yoon Suk-yeol met reporters. Yoon Suk Yeol said the talks went "
        "well. Lee Jun-han, a professor at Incheon University, disagreed. Later, Yoon left."
    )
    record = doc_to_record(nlp(text), "x")
    by_name = {a["name"]: a for a in record["actors"]}
    yoon = by_name["Yoon Suk-yeol"]
    assert yoon["type"] == "PERSON"
    assert len([m for m in yoon["mentions"] if m["kind"] == "name"]) == 3
    assert any("President" in r["text"] for r in yoon["roles"])
    lee = by_name["Lee Jun-han"]
    assert lee["roles"][0]["text"] == "a professor at Incheon University"
    assert lee["affiliations"] == ["Incheon University"]


def test_claims_split_direct_quotes_into_sentences(nlp):
    text = "“Prices will fall. Wages will rise.” said Ken Obi, an economist."
    record = doc_to_record(nlp(text), "x")
    texts = [c["text"] for c in record["claims"]]
    assert texts == ["Prices will fall.", "Wages will rise."] or texts == [
        "Prices will fall",
        "Wages will rise",
    ]
    assert all(c["speaker"]["name"] == "Ken Obi" and c["stance"] is None for c in record["claims"])
