"""`claimtrace corpus import`: PolNeAR brat (texts by reference), a doccano pull file made from
real pipeline records, and claimtrace gold JSONL."""

import json
import shutil

import pytest
from corpus_helpers import BUNDLED, corpus_cli, read_jsonl, write_jsonl
from shared_data import require_shared

from pipeline.annotate import annotate
from pipeline.corpus.layout import Corpus
from pipeline.evaluate.brat import read_brat_folder
from pipeline.evaluate.gold import read_gold_jsonl
from pipeline.inputs import read_inputs
from pipeline.paths import SHARED_DIR
from pipeline.stance.data import gold_examples

POLNEAR_DEV = SHARED_DIR / "data" / "polnear" / "dev"


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_brat_import_keeps_fragments_and_never_copies_the_text(tmp_path, cache):
    require_shared(POLNEAR_DEV)
    corpus = tmp_path / "c"
    result = corpus_cli("import", str(POLNEAR_DEV), "--format", "brat", "--limit", "5",
                        "--license", "PolNeAR: research use only, do not redistribute",
                        corpus=corpus, cache=cache)
    assert result.exit_code == 0, result.output
    articles = read_jsonl(corpus / "articles.jsonl")
    gold_file = corpus / "gold" / "polnear-dev.jsonl"
    gold = read_jsonl(gold_file)
    docs = read_brat_folder(POLNEAR_DEV, limit=5)
    assert len(articles) == len(gold) == 5
    for article, doc in zip(articles, docs, strict=True):
        assert article["text"] is None
        assert article["text_source"] == f"../shared/data/polnear/dev/text/{doc.id}.txt"
        assert article["split"] == "dev" and article["source"] == doc.id.split("_")[0]
        assert article["title"] and article["date"] == doc.id.split("_")[1]
    raw = (corpus / "articles.jsonl").read_text() + gold_file.read_text()
    assert not any(max(doc.text.split("\n"), key=len)[:80] in raw for doc in docs)
    # `claimtrace evaluate` reads the imported gold exactly as the brat reader does.
    for imported, doc in zip(read_gold_jsonl(gold_file), docs, strict=True):
        assert imported.text == doc.text
        assert [(q.fragments, q.type, q.cue, q.source) for q in imported.quotes] == [
            (q.fragments, q.type, q.cue, q.source) for q in doc.quotes]
    assert any(len(q["fragments"]) > 1 for line in gold for q in line["quotes"])
    assert corpus_cli("check", corpus=corpus).exit_code == 0

    again = corpus_cli("import", str(POLNEAR_DEV), "--format", "brat", "--limit", "5",
                       corpus=corpus, cache=cache)
    assert again.exit_code == 2 and "E510" in again.output
    replaced = corpus_cli("import", str(POLNEAR_DEV), "--format", "brat", "--limit", "5",
                          "--replace", "--report", str(tmp_path / "r.jsonl"),
                          corpus=corpus, cache=cache)
    assert replaced.exit_code == 0
    decisions = read_jsonl(tmp_path / "r.jsonl")
    assert {(d["action"], d["gold"]) for d in decisions} == {("duplicate", "attached")}
    assert len(read_jsonl(gold_file)) == 5 and len(read_jsonl(corpus / "articles.jsonl")) == 5


@pytest.fixture(scope="module")
def pulled(nlp, tmp_path_factory):
    """A pull file as `claimtrace doccano pull --all` writes it, from real pipeline records:
    one confirmed record an annotator corrected, one unconfirmed, the seed (confirmed), an error
    record and a broken line."""
    seed = require_shared(SHARED_DIR / "seed" / "article.txt")
    paths = [str(BUNDLED / "articles" / "westmark-cod.txt"),
             str(BUNDLED / "articles" / "lakeside-festival.txt"), str(seed)]
    cod, festival, seed_record = annotate(nlp, list(read_inputs(paths)))
    for record, example, confirmed in ((cod, 1, True), (festival, 2, False),
                                       (seed_record, 3, True)):
        record["review"] = {"example_id": example, "confirmed": confirmed,
                            "deleted": {"mentions": [], "quotes": [], "claims": [],
                                        "stance": [], "actors": []}}
        for item in record["quotes"] + record["claims"]:
            item["review"] = "kept" if confirmed else "machine"
    cod["quotes"][0]["speaker"]["name"] = "Northgate University"
    cod["quotes"][0]["review"] = "changed"
    cod["claims"][0]["stance"] = [{"target": "Closing parts of the sea to fishing",
                                   "label": "against", "score": 1.0, "scores": {},
                                   "review": "changed", "machine_label": "favor"}]
    festival["claims"][0]["stance"] = [{"target": "Cutting festival stages", "label": "favor",
                                        "score": 0.7, "scores": {}, "review": "machine"}]
    path = tmp_path_factory.mktemp("pull") / "batch-1.jsonl"
    write_jsonl(path, [cod, festival, {"schema_version": "1.0.0", "id": "x", "source": "x.txt",
                                       "error": {"code": "E001", "message": "", "hint": ""}},
                       seed_record])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")
    return path, cod, seed_record


@pytest.mark.slow
def test_doccano_import_takes_confirmed_corrections_as_gold(pulled, tmp_path, cache):
    path, cod, seed_record = pulled
    corpus = tmp_path / "c"
    shutil.copytree(BUNDLED, corpus)  # the seed and the own articles are already in it
    report = tmp_path / "r.jsonl"
    result = corpus_cli("import", str(path), "--format", "doccano", "--report", str(report),
                        corpus=corpus, cache=cache)
    assert result.exit_code == 1  # the error record and the broken line
    decisions = read_jsonl(report)
    assert [d["action"] for d in decisions] == ["duplicate", "duplicate", "invalid", "duplicate",
                                                "invalid"]
    assert [d["gold"] for d in decisions] == ["attached", None, None, "attached", None]
    assert [d["code"] for d in decisions if d["action"] == "invalid"] == ["E509", "E509"]
    assert "not confirmed in doccano" in decisions[1]["message"]
    gold = {line["id"]: line for line in read_jsonl(corpus / "gold" / "batch-1.jsonl")}
    assert set(gold) == {"westmark-cod", "seed-article"}
    assert gold["seed-article"]["text"] is None  # still only a reference
    assert gold["seed-article"]["text_source"] == "../shared/seed/article.txt"
    line = gold["westmark-cod"]
    assert line["state"] == "corrected" and line["origin"].endswith("batch-1.jsonl#1")
    assert line["quotes"][0]["speaker"]["name"] == "Northgate University"
    assert [(q["start"], q["end"]) for q in line["quotes"]] == [
        (q["start"], q["end"]) for q in cod["quotes"]]
    # evaluate and the stance trainer read the imported set as it stands.
    docs = {d.id: d for d in read_gold_jsonl(corpus / "gold" / "batch-1.jsonl")}
    assert len(docs["seed-article"].quotes) == len(seed_record["quotes"])
    examples = gold_examples(corpus / "gold")
    assert [(e["target"], e["label"]) for e in examples] == [
        ("Closing parts of the sea to fishing", 1)]

    unconfirmed = corpus_cli("import", str(path), "--format", "doccano", "--all", "--replace",
                             corpus=corpus, cache=cache)
    assert unconfirmed.exit_code == 1
    states = {line["id"]: line["state"] for line in read_jsonl(corpus / "gold" / "batch-1.jsonl")}
    assert states == {"westmark-cod": "corrected", "lakeside-festival": "unconfirmed",
                      "seed-article": "corrected"}
    stats = json.loads(corpus_cli("stats", "--json", corpus=corpus).output)
    assert stats["by_state"] == {"gold": 4}  # hand gold outranks the doccano states
    assert stats["gold_sets"] == {"articles": 3, "batch-1": 3, "seed": 1}
    assert stats["labels"]["stance"] == {"against": 1, "favor": 1}
    assert stats["labels"]["review"] == {"changed": 1, "machine": 1}


@pytest.mark.slow
def test_doccano_import_adds_new_articles_and_refuses_to_overwrite_its_input(pulled, tmp_path,
                                                                              cache):
    path, _, _ = pulled
    corpus = tmp_path / "c"
    result = corpus_cli("import", str(path), "--format", "doccano", corpus=corpus, cache=cache)
    assert result.exit_code == 1
    articles = read_jsonl(corpus / "articles.jsonl")
    assert [a["name"] for a in articles] == ["westmark-cod", "lakeside-festival", "article"]
    assert json.loads(articles[0]["extra"])["input"].endswith("westmark-cod.txt")
    inside = corpus / "gold" / "batch-1.jsonl"
    clash = corpus_cli("import", str(inside), "--format", "doccano", "--replace",
                       corpus=corpus, cache=cache)
    assert clash.exit_code == 2 and "E511" in clash.output
    assert corpus_cli("import", str(path), "--format", "csv", corpus=corpus).exit_code == 2


def test_gold_jsonl_import_copies_texts_on_request(tmp_path, cache):
    corpus = tmp_path / "c"
    result = corpus_cli("import", str(BUNDLED / "gold" / "articles.jsonl"), "--format", "jsonl",
                        "--copy-text", "--split", "test", corpus=corpus, cache=cache)
    assert result.exit_code == 0, result.output
    articles = Corpus(corpus).articles()
    assert [a["name"] for a in articles] == ["marlow-bridge", "westmark-cod",
                                             "lakeside-festival"]
    assert all(isinstance(a["text"], str) and a["split"] == "test" for a in articles)
    before = read_gold_jsonl(BUNDLED / "gold" / "articles.jsonl")
    after = read_gold_jsonl(corpus / "gold" / "articles.jsonl")
    assert [(d.text, d.quotes, d.negatives) for d in after] == [
        (d.text, d.quotes, d.negatives) for d in before]
