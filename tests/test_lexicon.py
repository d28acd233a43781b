"""The derived cue lexicon: counting cues in brat gold, and loading the shipped data files."""

from pipeline.evaluate.brat import read_brat_folder
from pipeline.lexicon import derive, write_lexicon
from pipeline.resources import load_cue_lexicon, load_json, load_word_list

TEXT = ("Ann Lee said that taxes would rise.\n\nBob Roe said that prices would fall.\n\n"
        "Cal Poe said that wages would grow.\n\nThey walked home.\n")


def _brat(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    lines, t, e = [], 1, 1
    for name in ("Ann Lee", "Bob Roe", "Cal Poe"):
        start = TEXT.index(name)
        cue = TEXT.index("said", start)
        content_start = cue + len("said that ")
        content_end = TEXT.index(".", content_start)
        lines += [f"T{t}\tSource {start} {start + len(name)}\t{name}",
                  f"T{t + 1}\tCue {cue} {cue + 4}\tsaid",
                  f"T{t + 2}\tContent {content_start} {content_end}\t"
                  f"{TEXT[content_start:content_end]}",
                  f"T{t + 3}\tAttribution {cue} {cue + 4}\tsaid",
                  f"E{e}\tAttribution:T{t + 3} Content:T{t + 2} Cue:T{t + 1} Source:T{t}"]
        t, e = t + 4, e + 1
    (tmp_path / "attributions" / "a_x.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_derive_counts_cues_and_content_relations(nlp, tmp_path):
    docs = read_brat_folder(_brat(tmp_path))
    with nlp.select_pipes(enable=["paragraphs", "tok2vec", "tagger", "parser",
                                  "attribute_ruler", "lemmatizer", "ner"]):
        rows = derive(nlp, docs, min_count=3)
    by_lemma = {r[0]: r for r in rows}
    assert by_lemma["say"][2] == 3 and by_lemma["say"][1] == 1.0
    assert by_lemma["say"][3] == ["ccomp"]
    assert "walk" not in by_lemma  # never a cue: below min_count
    out = tmp_path / "lex.tsv"
    write_lexicon(rows, out)
    lexicon = load_cue_lexicon(str(out))
    assert lexicon.content_relations("say") == ("ccomp",)


def test_shipped_word_lists_load():
    lexicon = load_cue_lexicon("resources:cue_verbs.tsv", "resources:cue_lexicon.tsv", 0.25)
    assert lexicon.kind("say", "said") == "speech"
    assert lexicon.kind("specify", "specifies") == "speech"  # surface form, whatever the tag
    assert "ccomp" in lexicon.content_relations("say")
    assert lexicon.is_blocked("take")  # "took aim at": rarely an attribution cue
    # the verifier reads every derived lemma's precision, blocked ones included
    assert lexicon.precision["say"] > 0.5 > lexicon.precision["take"]
    assert "president" in load_word_list("resources:titles.txt")
    assert "academic" in load_json("resources:person_nouns.json")["nominals"]
    assert load_json("resources:pronouns.json")["gender"]["she"] == "f"
    assert "newspaper" in load_word_list("resources:title_cues.txt")
