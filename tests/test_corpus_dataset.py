"""The corpus as a dataset: plain `datasets.load_dataset("json", ...)` on the files, and
`load_corpus` returning a DatasetDict with texts, gold and annotation states."""

import shutil

import datasets
import pytest
from corpus_helpers import BUNDLED, corpus_cli
from shared_data import require_shared

from pipeline.corpus import load_corpus
from pipeline.corpus.layout import Corpus
from pipeline.paths import SHARED_DIR


@pytest.fixture
def hf_cache(tmp_path, monkeypatch):
    """datasets writes its Arrow cache here, never into the user's HF_HOME."""
    folder = tmp_path / "hf"
    monkeypatch.setenv("HF_HOME", str(folder))
    monkeypatch.setenv("HF_DATASETS_CACHE", str(folder / "datasets"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    return folder / "datasets"


def test_bundled_corpus_loads_as_a_datasetdict(hf_cache):
    require_shared(SHARED_DIR / "seed" / "article.txt")
    corpus = load_corpus(BUNDLED)
    assert isinstance(corpus, datasets.DatasetDict)
    assert {k: v.num_rows for k, v in corpus.items()} == {"train": 0, "dev": 0, "test": 4}
    rows = {r["name"]: r for r in corpus["test"]}
    seed = rows["seed-article"]
    assert seed["text"] == (SHARED_DIR / "seed" / "article.txt").read_text(encoding="utf-8")
    assert seed["text_source"] == "../shared/seed/article.txt" and seed["state"] == "gold"
    (annotation,) = seed["annotations"]
    assert annotation["set"] == "seed" and len(annotation["quotes"]) == 16
    bridge = rows["marlow-bridge"]
    quote = bridge["annotations"][0]["quotes"][0]
    assert bridge["text"][quote["start"]:quote["end"]].startswith('"We cannot take any risks')
    assert quote["speaker"]["name"] == "Linda Okafor" and quote["fragments"] == [
        [quote["start"], quote["end"]]]


def test_plain_load_dataset_reads_articles_and_gold(tmp_path, hf_cache):
    """Mixed gold sets (hand gold with negatives, doccano-style with claims, brat with
    fragments) still load with plain `load_dataset` and no features given."""
    require_shared(SHARED_DIR / "data" / "polnear" / "dev")
    corpus = tmp_path / "c"
    shutil.copytree(BUNDLED, corpus)
    assert corpus_cli("import", str(SHARED_DIR / "data" / "polnear" / "dev"), "--format",
                      "brat", "--limit", "3", corpus=corpus, cache=tmp_path / "v").exit_code == 0
    articles = datasets.load_dataset("json", data_files=str(corpus / "articles.jsonl"),
                                     cache_dir=str(hf_cache))["train"]
    assert articles.num_rows == 7 and articles.column_names[:3] == ["id", "name", "title"]
    gold = datasets.load_dataset("json", data_files=str(corpus / "gold" / "*.jsonl"),
                                 cache_dir=str(hf_cache))["train"]
    assert gold.num_rows == 7
    assert set(gold.unique("state")) == {"gold"}
    by_split = load_corpus(corpus)
    assert {k: v.num_rows for k, v in by_split.items()} == {"train": 0, "dev": 3, "test": 4}
    assert all(row["state"] == "gold" for row in by_split["dev"])
    assert any(len(q["fragments"]) > 1 for row in by_split["dev"]
               for q in row["annotations"][0]["quotes"])
    assert (hf_cache).exists()


def test_missing_reference_is_a_coded_error_unless_allowed(tmp_path):
    corpus = tmp_path / "c"
    private = tmp_path / "p.txt"
    private.write_text((BUNDLED / "articles" / "marlow-bridge.txt").read_text("utf-8"), "utf-8")
    corpus_cli("add", str(private), "--reference", "--split", "train", corpus=corpus,
               cache=tmp_path / "v")
    private.unlink()
    with pytest.raises(Exception, match="E512"):
        load_corpus(corpus)
    loose = load_corpus(corpus, require_text=False)
    assert loose["train"][0]["text"] is None and loose["train"][0]["state"] == "unannotated"
    assert Corpus(corpus).articles()[0]["text_sha256"]


def test_not_a_corpus(tmp_path):
    with pytest.raises(Exception, match="E501"):
        load_corpus(tmp_path)
    result = corpus_cli("stats", corpus=tmp_path)
    assert result.exit_code == 2 and "E501" in result.output
