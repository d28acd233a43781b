"""spaCy-native state: a Doc round-trips through DocBin and doc.to_bytes with every
claimtrace annotation, components declare what they read and write, and a pipeline saved with
nlp.to_disk gives byte-identical JSONL when spacy.load-ed in a fresh process elsewhere."""

import json
import os
import subprocess
import sys

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from pipeline.paths import REPO_ROOT
from pipeline.record import doc_to_record, provenance_of

TARGET = "The city should rebuild the bridge"
TEXTS = sorted((REPO_ROOT / "corpus" / "articles").glob("*.txt"))


@pytest.fixture(scope="module")
def annotated(nlp):
    """The bundled articles through the whole pipeline, stance included (one target)."""
    docs = []
    for path in TEXTS:
        doc = nlp.make_doc(path.read_text(encoding="utf-8"))
        doc._.stance_targets = [TARGET]
        docs.append(doc)
    return list(nlp.pipe(docs))


def _records(docs):
    return [json.dumps(doc_to_record(d, str(k)), ensure_ascii=False) for k, d in enumerate(docs)]


def test_docbin_round_trip_keeps_every_annotation(nlp, annotated):
    data = DocBin(docs=annotated, store_user_data=True).to_bytes()
    restored = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))
    assert _records(restored) == _records(annotated)
    first = annotated[0]
    assert first._.quotes and first._.claims and first._.actors
    assert first._.claims[0].stance is not None  # the stance component's results too
    for group in ("actor_mentions", "actor_roles", "quoted", "quotes", "cues", "speakers",
                  "claims"):
        assert group in restored[0].spans


def test_doc_to_bytes_round_trip_in_a_fresh_vocab(annotated):
    fresh = spacy.blank("en").vocab
    restored = [Doc(fresh).from_bytes(d.to_bytes()) for d in annotated]
    assert _records(restored) == _records(annotated)


def _plain(value) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def test_stored_state_is_plain_data(annotated):
    """Only plain values in the Doc's extension storage: no Python objects on the Doc."""
    for doc in annotated:
        assert doc.user_data
        for key, value in doc.user_data.items():
            assert _plain(value), (key, type(value))


def test_stance_wiring_without_pinning_scores(annotated):
    claims = [c for d in annotated for c in d._.claims]
    assert claims
    for claim in claims:
        (entry,) = claim.stance
        assert entry.target == TARGET and entry.label in ("favor", "against", "neutral")
        assert entry.gated or abs(sum(entry.scores.values()) - 1) < 1e-3
        for actor in claim.actor_stance:
            assert actor.label in ("positive", "negative", "neutral")
            assert actor.actor_id != (claim.speaker.actor_id if claim.speaker else None)


def test_every_component_declares_what_it_reads_and_writes(nlp):
    analysis = nlp.analyze_pipes(pretty=False)
    assert all(not p for p in analysis["problems"].values()), analysis["problems"]
    for name in ("index", "actors", "quotes", "attribution", "claims", "stance"):
        meta = nlp.get_pipe_meta(name)
        assert meta.assigns and meta.requires, name
    assert "doc._.quote_candidates" in nlp.get_pipe_meta("quotes").assigns
    assert "doc._.quote_candidates" in nlp.get_pipe_meta("attribution").requires


@pytest.mark.slow
def test_saved_pipeline_gives_identical_jsonl_in_a_fresh_process(nlp, tmp_path):
    saved = tmp_path / "pipeline"
    nlp.to_disk(saved)
    assert (saved / "stance" / "model" / "weights.safetensors").is_file()
    assert (saved / "quotes" / "cue_verbs.txt").is_file()
    script = (
        "import json, sys, spacy\n"
        "from pipeline.annotate import annotate\n"
        "from pipeline.build import load_pipeline\n"
        "from pipeline.inputs import read_inputs\n"
        "src = sys.argv[1]\n"
        "nlp = load_pipeline(src) if src.endswith('.cfg') else spacy.load(src)\n"
        "for record in annotate(nlp, read_inputs(sys.argv[2:-1]), [sys.argv[-1]]):\n"
        "    print(json.dumps(record, ensure_ascii=False))\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    args = [str(p) for p in TEXTS]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    # Both sides in fresh processes: this process's torch thread count depends on which tests
    # ran before, and the last float digit of a score may depend on it.
    fresh = subprocess.run([sys.executable, "-c", script, str(saved), *args, TARGET],
                           cwd=elsewhere, capture_output=True, text=True, env=env, check=True)
    here = subprocess.run([sys.executable, "-c", script,
                           str(REPO_ROOT / "configs" / "default.cfg"), *args, TARGET],
                          cwd=REPO_ROOT, capture_output=True, text=True, env=env,
                          check=True).stdout
    assert provenance_of(nlp)["config_hash"] in fresh.stdout
    assert fresh.stdout == here
