"""Unit tests of the span tagger's own logic on hand-built Docs and arrays: decoding tags into
chunks, linking chunks into attributions, merging them with rule candidates, the vectorised
features, and the numpy network against torch with the same weights."""

import numpy as np
import pytest
from handmade import indexed, make_doc

from pipeline.components.quotes.content import without_dangling_end
from pipeline.components.spans.features import (
    FEATURES,
    LABELS,
    DocFeatures,
    FeatureVocab,
    governors,
    translate,
)
from pipeline.components.spans.link import Attribution, Chunk, chunks, link
from pipeline.components.spans.merge import MergeSettings, merge, quote_type
from pipeline.components.spans.tagger import SpanTagger, allowed_transitions, predict_together
from pipeline.components.structure import DocIndex
from pipeline.types import CueKind, Quote, QuoteType

# "Ann Lee said that taxes would rise . Critics disagree ."
SAID_THAT = [
    ("Ann", 1, "compound", "PROPN", "NNP", "Ann"),
    ("Lee", 2, "nsubj", "PROPN", "NNP", "Lee"),
    ("said", 2, "ROOT", "VERB", "VBD", "say"),
    ("that", 6, "mark", "SCONJ", "IN", "that"),
    ("taxes", 6, "nsubj", "NOUN", "NNS", "tax"),
    ("would", 6, "aux", "AUX", "MD", "would"),
    ("rise", 2, "ccomp", "VERB", "VB", "rise"),
    (".", 2, "punct", "PUNCT", ".", "."),
    ("Critics", 9, "nsubj", "NOUN", "NNS", "critic"),
    ("disagree", 9, "ROOT", "VERB", "VBP", "disagree"),
    (".", 9, "punct", "PUNCT", ".", "."),
]
# "Kaine said he “ has a passion ” ." : a direct quote the tagger extends to a mixed one
EXTENDED = [
    ("Kaine", 1, "nsubj", "PROPN", "NNP", "Kaine"),
    ("said", 1, "ROOT", "VERB", "VBD", "say"),
    ("he", 4, "nsubj", "PRON", "PRP", "he"),
    ("“", 4, "punct", "PUNCT", "``", "“"),
    ("has", 1, "ccomp", "VERB", "VBZ", "have"),
    ("a", 6, "det", "DET", "DT", "a"),
    ("passion", 4, "dobj", "NOUN", "NN", "passion"),
    ("”", 4, "punct", "PUNCT", "''", "”"),
    (".", 1, "punct", "PUNCT", ".", "."),
]

# "Ann Lee said taxes rise , adding that fees fall in the spring ." : two cues of one speaker
ADDING = [
    ("Ann", 1, "compound", "PROPN", "NNP", "Ann"),
    ("Lee", 2, "nsubj", "PROPN", "NNP", "Lee"),
    ("said", 2, "ROOT", "VERB", "VBD", "say"),
    ("taxes", 4, "nsubj", "NOUN", "NNS", "tax"),
    ("rise", 2, "ccomp", "VERB", "VBP", "rise"),
    (",", 2, "punct", "PUNCT", ",", ","),
    ("adding", 2, "advcl", "VERB", "VBG", "add"),
    ("that", 9, "mark", "SCONJ", "IN", "that"),
    ("fees", 9, "nsubj", "NOUN", "NNS", "fee"),
    ("fall", 6, "ccomp", "VERB", "VBP", "fall"),
    ("in", 9, "prep", "ADP", "IN", "in"),
    ("the", 12, "det", "DET", "DT", "the"),
    ("spring", 10, "pobj", "NOUN", "NN", "spring"),
    (".", 2, "punct", "PUNCT", ".", "."),
]

# "Taxes will rise , argues the mayor ." : the source after its cue
ARGUES = [
    ("Taxes", 2, "nsubj", "NOUN", "NNS", "tax"),
    ("will", 2, "aux", "AUX", "MD", "will"),
    ("rise", 4, "ccomp", "VERB", "VB", "rise"),
    (",", 4, "punct", "PUNCT", ",", ","),
    ("argues", 4, "ROOT", "VERB", "VBZ", "argue"),
    ("the", 6, "det", "DET", "DT", "the"),
    ("mayor", 4, "nsubj", "NOUN", "NN", "mayor"),
    (".", 4, "punct", "PUNCT", ".", "."),
]

B_C, I_C, B_Q, B_S, I_S = (LABELS.index(x) for x in ("B-C", "I-C", "B-Q", "B-S", "I-S"))


def _probs(tags: np.ndarray, p: float = 0.9) -> np.ndarray:
    probs = np.full((len(tags), len(LABELS)), (1 - p) / (len(LABELS) - 1), dtype=np.float32)
    for i, tag in enumerate(tags):
        if tag >= 0:
            probs[i, tag] = p
    return probs


def test_chunks_skip_whitespace_and_keep_their_confidence():
    tags = np.array([B_C, -1, I_C, 0, B_Q, B_C, I_C])
    probs = _probs(tags, 0.8)
    found = chunks(tags, probs, "C")
    assert [(c.start, c.end) for c in found] == [(0, 3), (5, 7)]
    assert found[0].confidence == pytest.approx(0.8)
    assert [(c.start, c.end) for c in chunks(tags, probs, "Q")] == [(4, 5)]


def test_link_gives_a_content_its_governing_cue_and_the_cue_its_subject_source():
    doc = indexed(make_doc(SAID_THAT, sent_starts=[0, 8]))
    (att,) = link(doc, DocIndex(doc), [Chunk(3, 7, 0.9)], [Chunk(2, 3, 0.9)],
                  [Chunk(0, 2, 0.9)])
    assert (att.cue.start, att.source.start, att.source.end) == (2, 0, 2)
    assert [(c.start, c.end) for c in att.contents] == [(3, 7)]


def test_link_drops_a_content_with_no_cue_in_reach():
    doc = indexed(make_doc(SAID_THAT, sent_starts=[0, 8]))
    # "Critics disagree" is in the next sentence, more than a few tokens from "said"
    assert link(doc, DocIndex(doc), [Chunk(9, 10, 0.9)], [Chunk(2, 3, 0.9)], [],
                max_gap=40) == []


def _rule(doc, start, end, type_, cue=(2, 3), how=CueKind.SYNTAX):
    return Quote("", doc[start:end], type_, cue=doc[cue[0] : cue[1]], how=how)


def test_merge_gives_an_indirect_rule_candidate_the_tagged_boundaries_and_keeps_its_cue():
    doc = indexed(make_doc(SAID_THAT, sent_starts=[0, 8]))
    rule = _rule(doc, 4, 7, QuoteType.INDIRECT)  # "taxes would rise" (no complementiser)
    att = Attribution([Chunk(3, 7, 0.9)], Chunk(2, 3, 0.9), Chunk(0, 2, 0.9))
    (cand,) = merge(doc, [rule], [att], _probs(np.zeros(len(doc), int)), [False] * len(doc),
                    MergeSettings())
    assert cand.quote.content.text == "that taxes would rise"
    assert cand.quote.cue.text == "said" and cand.quote.how is CueKind.SYNTAX
    assert cand.source.text == "Ann Lee" and cand.group is not None


def test_merge_keeps_a_direct_quote_unless_the_tagger_extends_it_to_a_mixed_one():
    doc = indexed(make_doc(EXTENDED))
    marks = DocIndex(doc).in_marks
    rule = _rule(doc, 3, 8, QuoteType.DIRECT, cue=(1, 2))
    probs = _probs(np.zeros(len(doc), int))
    inside = Attribution([Chunk(4, 7, 0.9)], Chunk(1, 2, 0.9))  # narrower: rules win
    (kept,) = merge(doc, [rule], [inside], probs, marks, MergeSettings())
    assert kept.quote.content.text == "“has a passion”" and kept.group is None
    wider = Attribution([Chunk(2, 8, 0.9)], Chunk(1, 2, 0.9))
    (extended,) = merge(doc, [rule], [wider], probs, marks, MergeSettings())
    assert extended.quote.content.text == "he “has a passion”"
    assert extended.quote.type is QuoteType.MIXED


def test_merge_never_takes_the_subject_of_a_cue_after_it_as_content():
    doc = indexed(make_doc(ARGUES))
    no_marks = [False] * len(doc)
    probs = _probs(np.zeros(len(doc), int))
    rule = _rule(doc, 0, 3, QuoteType.INDIRECT, cue=(4, 5))
    tagged = Attribution([Chunk(0, 3, 0.9), Chunk(5, 7, 0.9)], Chunk(4, 5, 0.9))
    (cand,) = merge(doc, [rule], [tagged], probs, no_marks, MergeSettings())
    assert cand.quote.content.text == "Taxes will rise" and cand.quote.cue.text == "argues"
    source_only = Attribution([Chunk(5, 7, 0.9)], Chunk(4, 5, 0.9))
    assert merge(doc, [], [source_only], probs, no_marks, MergeSettings()) == []


def test_merge_adds_a_sure_tagger_only_attribution_that_the_filters_accept():
    doc = indexed(make_doc(SAID_THAT, sent_starts=[0, 8]))
    att = Attribution([Chunk(3, 7, 0.7)], Chunk(2, 3, 0.9), Chunk(0, 2, 0.9))
    probs = _probs(np.zeros(len(doc), int))
    no_marks = [False] * len(doc)
    (added,) = merge(doc, [], [att], probs, no_marks, MergeSettings(min_confidence=0.6))
    assert added.quote.type is QuoteType.INDIRECT and added.quote.cue.text == "said"
    assert merge(doc, [], [att], probs, no_marks, MergeSettings(min_confidence=0.8)) == []
    assert merge(doc, [], [att], probs, no_marks, MergeSettings(),
                 rejected=lambda quote: True) == []


def test_merge_leaves_rule_candidates_of_the_taggers_own_cue_split():
    doc = indexed(make_doc(SAID_THAT, sent_starts=[0, 8]))
    first, second = _rule(doc, 3, 5, QuoteType.INDIRECT), _rule(doc, 5, 7, QuoteType.INDIRECT)
    att = Attribution([Chunk(3, 7, 0.9)], Chunk(2, 3, 0.9))
    out = merge(doc, [first, second], [att], _probs(np.zeros(len(doc), int)),
                [False] * len(doc), MergeSettings())
    assert [c.quote.content.text for c in out] == ["that taxes", "would rise"]


def test_merge_splits_a_tagged_attribution_where_another_cue_of_the_rules_comes_between():
    doc = indexed(make_doc(ADDING))
    first = _rule(doc, 3, 5, QuoteType.INDIRECT)
    second = _rule(doc, 7, 13, QuoteType.INDIRECT, cue=(6, 7))
    att = Attribution([Chunk(3, 5, 0.9), Chunk(7, 13, 0.9)], Chunk(2, 3, 0.9), Chunk(0, 2, 0.9))
    out = merge(doc, [first, second], [att], _probs(np.zeros(len(doc), int)),
                [False] * len(doc), MergeSettings())
    assert [(c.quote.content.text, c.quote.cue.text) for c in out] == [
        ("taxes rise", "said"), ("that fees fall in the spring", "adding")]
    assert out[0].group != out[1].group and out[0].source.text == "Ann Lee"
    assert out[1].source is None


def test_a_content_cut_after_a_determiner_or_preposition_ends_its_phrase_or_drops_it():
    doc = indexed(make_doc(ADDING))
    no_marks = [False] * len(doc)
    assert without_dangling_end(doc[7:12], no_marks).text == "that fees fall in the spring"
    assert without_dangling_end(doc[7:12], no_marks, reach=0).text == "that fees fall"
    assert without_dangling_end(doc[7:10], no_marks).text == "that fees fall"


def test_merge_drops_a_lone_indirect_candidate_the_tagger_puts_outside():
    doc = indexed(make_doc(SAID_THAT, sent_starts=[0, 8]))
    rule = _rule(doc, 3, 7, QuoteType.INDIRECT)
    outside = _probs(np.zeros(len(doc), int), 0.95)
    assert merge(doc, [rule], [], outside, [False] * len(doc),
                 MergeSettings(drop_below=0.0)) != []
    assert merge(doc, [rule], [], outside, [False] * len(doc),
                 MergeSettings(drop_below=0.5)) == []
    inverted = Quote("", doc[3:7], QuoteType.INDIRECT, cue=doc[9:10], how=CueKind.SYNTAX)
    assert merge(doc, [inverted], [], outside, [False] * len(doc),
                 MergeSettings(drop_below=0.5)) != []  # '…, argues X': content before cue


def test_quote_type_of_fragments_together():
    doc = indexed(make_doc(EXTENDED))
    marks = DocIndex(doc).in_marks
    assert quote_type([doc[3:8]], marks) is QuoteType.DIRECT
    assert quote_type([doc[0:1], doc[3:8]], marks) is QuoteType.MIXED
    assert quote_type([doc[0:2]], marks) is QuoteType.INDIRECT


def test_governors_name_the_relation_under_the_nearest_cue_word():
    doc = make_doc(SAID_THAT, sent_starts=[0, 8])
    heads = np.array([t.head.i for t in doc])
    is_cue = np.array([t.lemma_ == "say" for t in doc])
    got = governors(heads, [t.dep_ for t in doc], is_cue)
    assert got[2] == "self" and got[1] == "nsubj" and got[4] == "ccomp" and got[3] == "ccomp"
    assert got[9] == "none"  # another sentence's root: no cue above it


def test_viterbi_never_puts_an_inside_tag_after_an_outside_one():
    ok = allowed_transitions(LABELS)
    assert not ok[LABELS.index("O"), I_C] and ok[B_C, I_C] and not ok[B_Q, I_C]
    tagger = _tagger(np.random.default_rng(0))
    logp = np.log(np.full((3, len(LABELS)), 0.01, dtype=np.float32))
    logp[:, I_C] = np.log(0.9)  # the network alone would say I-C, I-C, I-C
    path = tagger.viterbi(logp, [3])
    assert LABELS[path[0]] != "I-C" and all(ok[a, b] for a, b in zip(path, path[1:], strict=False))


def _tagger(rng, hidden: int = 5, width: int = 4) -> SpanTagger:
    vocab = FeatureVocab({name: ["a", "b"] for name in FEATURES})
    dims = [3] * len(FEATURES)
    proj = 6
    w = {f"embeds.{k}.weight": rng.normal(size=(n, 3)) for k, n in enumerate(vocab.sizes())}
    w["proj.weight"] = rng.normal(size=(proj, sum(dims) + width))
    w["proj.bias"] = rng.normal(size=proj)
    for suffix in ("l0", "l0_reverse"):
        w[f"lstm.weight_ih_{suffix}"] = rng.normal(size=(4 * hidden, proj))
        w[f"lstm.weight_hh_{suffix}"] = rng.normal(size=(4 * hidden, hidden))
        w[f"lstm.bias_ih_{suffix}"] = rng.normal(size=4 * hidden)
        w[f"lstm.bias_hh_{suffix}"] = rng.normal(size=4 * hidden)
    w["out.weight"] = rng.normal(size=(len(LABELS), 2 * hidden))
    w["out.bias"] = rng.normal(size=len(LABELS))
    config = {"labels": list(LABELS), "features": list(FEATURES), "vocab": vocab.to_dict(),
              "dims": dims, "proj": proj, "hidden": hidden, "layers": 1, "dense_width": width}
    return SpanTagger(config, {k: v.astype(np.float32) for k, v in w.items()})


def test_numpy_tagger_gives_what_torch_gives_with_the_same_weights():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    tagger = _tagger(rng)
    n = 11
    cats = rng.integers(0, 3, size=(n, len(FEATURES)))
    dense = rng.normal(size=(n, 4)).astype(np.float32)
    seqs = [np.array([0, 1, 2, 3, 4, 5]), np.array([7, 8]), np.array([9])]  # token 6: a space
    feats = DocFeatures(cats, dense, seqs)
    logp, ordered = tagger.log_probs(feats)

    w = {k: torch.from_numpy(v) for k, v in tagger.w.items()}
    lstm = torch.nn.LSTM(6, 5, batch_first=True, bidirectional=True)
    lstm.load_state_dict({k[len("lstm."):]: v for k, v in w.items() if k.startswith("lstm.")})
    expected = []
    with torch.no_grad():
        for seq in ordered:
            parts = [w[f"embeds.{k}.weight"][cats[seq, k]] for k in range(len(FEATURES))]
            x = torch.cat(parts + [torch.from_numpy(dense[seq])], dim=1)
            x = torch.relu(x @ w["proj.weight"].T + w["proj.bias"])
            h, _ = lstm(x[None])
            logits = h[0] @ w["out.weight"].T + w["out.bias"]
            expected.append(torch.log_softmax(logits, dim=1).numpy())
    np.testing.assert_allclose(logp, np.concatenate(expected), atol=1e-4)
    tags, probs = tagger.predict(feats)
    assert tags[6] == -1 and (tags[[0, 7, 9]] >= 0).all()
    np.testing.assert_allclose(probs[[0, 1, 2, 3, 4, 5, 7, 8, 9]].sum(1), 1.0, atol=1e-5)


def _random_doc(rng, lengths: list[int], width: int = 4) -> DocFeatures:
    """A document of sequences of ``lengths`` tokens, a whitespace token between each."""
    n = sum(lengths) + len(lengths)
    cats = rng.integers(0, 3, size=(n, len(FEATURES)))
    dense = rng.normal(size=(n, width)).astype(np.float32)
    starts = np.cumsum([0] + [k + 1 for k in lengths])[:len(lengths)]
    return DocFeatures(cats, dense, [np.arange(s, s + k) for s, k in zip(starts, lengths,
                                                                          strict=True)])


def test_tagging_documents_together_gives_each_the_result_it_gets_alone():
    rng = np.random.default_rng(2)
    tagger = _tagger(rng)
    docs = [_random_doc(rng, [7, 3]), _random_doc(rng, [12]), _random_doc(rng, []),
            _random_doc(rng, [1, 9, 4])]
    together = tagger.predict_many(docs, outside_bias=0.3)
    for feats, (tags, probs) in zip(docs, together, strict=True):
        alone_tags, alone_probs = tagger.predict(feats, outside_bias=0.3)
        assert np.array_equal(tags, alone_tags) and np.array_equal(probs, alone_probs)
    assert len(together[2][0]) == 0


def test_viterbi_finds_the_best_valid_path_of_every_sequence():
    """Against an exhaustive search over every valid path of short sequences."""
    import itertools

    rng = np.random.default_rng(3)
    tagger = _tagger(rng)
    lengths = [4, 3, 3, 1]
    logp = np.log(rng.dirichlet(np.ones(len(LABELS)), size=sum(lengths))).astype(np.float32)
    path = tagger.viterbi(logp, lengths)
    start = 0
    for n in lengths:
        rows = logp[start:start + n]
        valid = (p for p in itertools.product(range(len(LABELS)), repeat=n)
                 if tagger.start_penalty[p[0]] == 0
                 and all(tagger.allowed[a, b] for a, b in zip(p, p[1:], strict=False)))
        best = max(valid, key=lambda p: sum(rows[t, k] for t, k in enumerate(p)))
        assert tuple(path[start:start + n]) == best
        start += n


def test_translate_gives_each_value_its_id_in_the_other_vocabulary_and_the_leading_columns():
    source = FeatureVocab({name: ["a", "b", "c"] for name in FEATURES})
    target = FeatureVocab({name: ["c", "a"] for name in FEATURES})  # "b" unknown there
    cats = np.tile(np.array([[1], [2], [3], [0]]), (1, len(FEATURES)))
    feats = DocFeatures(cats, np.arange(4 * 5, dtype=np.float32).reshape(4, 5), [np.arange(4)])
    moved = translate(feats, source, target, 3)
    lemma = FEATURES.index("lemma")
    others = [k for k in range(len(FEATURES)) if k != lemma]
    assert moved.cats[:, others].T.tolist() == [[2, 0, 1, 0]] * len(others)
    assert moved.cats[:, lemma].tolist() == [1, 2, 3, 0]  # hashed: no vocabulary to map
    assert moved.dense.tolist() == feats.dense[:, :3].tolist()
    assert translate(feats, source, source, 5).cats is feats.cats
    with pytest.raises(ValueError):
        translate(feats, source, target, 6)


def test_an_ensemble_decodes_the_mean_of_its_members_probabilities():
    rng = np.random.default_rng(4)
    first, second = _tagger(rng), _tagger(rng, hidden=3)
    docs = [_random_doc(rng, [6, 2]), _random_doc(rng, [5])]
    alone = first.predict_many(docs, outside_bias=0.2)
    for (tags, probs), (tags1, probs1) in zip(
            predict_together([(first, docs)], outside_bias=0.2), alone, strict=True):
        assert np.array_equal(tags, tags1) and np.array_equal(probs, probs1)
    both = predict_together([(first, docs), (second, docs)])
    for feats, (tags, probs), (_, p1), (_, p2) in zip(docs, both, first.predict_many(docs),
                                                      second.predict_many(docs), strict=True):
        np.testing.assert_allclose(probs, (p1 + p2) / 2, atol=1e-6)
        lengths = [len(s) for s in feats.sequences]
        order = np.concatenate(sorted(feats.sequences, key=len, reverse=True))
        expected = first.viterbi(np.log(probs[order]), sorted(lengths, reverse=True))
        assert np.array_equal(tags[order], expected)


def test_merge_proposes_unsure_reported_speech_for_the_verifier_at_its_own_floor():
    doc = indexed(make_doc(SAID_THAT, sent_starts=[0, 8]))
    att = Attribution([Chunk(3, 7, 0.4)], Chunk(2, 3, 0.9), Chunk(0, 2, 0.9))
    probs = _probs(np.zeros(len(doc), int))
    no_marks = [False] * len(doc)
    assert merge(doc, [], [att], probs, no_marks, MergeSettings(min_confidence=0.6)) == []
    (added,) = merge(doc, [], [att], probs, no_marks,
                     MergeSettings(min_confidence=0.6, min_indirect_confidence=0.3))
    assert added.origin == "tagger" and added.quote.type is QuoteType.INDIRECT
