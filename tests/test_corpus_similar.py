"""`claimtrace corpus similar` with the real MiniLM encoder: planted similar articles ranked on
top, duplicates of corpus articles dropped, the cache reused, the shortlist addable."""

import json
import random

import pytest
from corpus_helpers import FIXTURES, OWN_ARTICLES, corpus_cli, read_jsonl, write_jsonl
from shared_data import require_shared

from pipeline.corpus.add import add_to_corpus
from pipeline.corpus.cache import VectorCache
from pipeline.corpus.importers import from_inputs
from pipeline.corpus.layout import Corpus
from pipeline.corpus.planted import near_duplicate
from pipeline.corpus.similar import Embedder, rank_pool
from pipeline.paths import SHARED_DIR

pytestmark = pytest.mark.slow
PLANTED = sorted((FIXTURES / "similar").glob("*.txt"))


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A corpus of the three own articles and a pool of PolNeAR dev texts with the three planted
    similar articles, a near-duplicate and an exact copy of corpus articles."""
    root = tmp_path_factory.mktemp("similar")
    corpus = Corpus(root / "corpus")
    add_to_corpus(corpus, from_inputs([str(p) for p in OWN_ARTICLES]))
    dev = require_shared(SHARED_DIR / "data" / "polnear" / "dev" / "text")
    rows = [{"id": p.stem, "text": p.read_text(encoding="utf-8")}
            for p in sorted(dev.glob("*.txt"))[:30]]
    rows += [{"id": p.stem, "text": p.read_text(encoding="utf-8"), "meta": {"source": "fixture"}}
             for p in PLANTED]
    own = {p.stem: p.read_text(encoding="utf-8") for p in OWN_ARTICLES}
    bridge, cod = own["marlow-bridge"], own["westmark-cod"]
    rows.append({"id": "bridge-update", "text": near_duplicate(bridge, random.Random(1))})
    rows.append({"id": "cod-copy", "text": cod})
    rows.append({"id": "ferry-again", "text": PLANTED[0].read_text(encoding="utf-8")})
    random.Random(2).shuffle(rows)
    pool = write_jsonl(root / "pool.jsonl", rows)
    return corpus, pool, root / "cache"


def test_planted_similar_articles_rank_on_top_and_duplicates_are_dropped(setup):
    corpus, pool, cache_dir = setup
    with VectorCache(cache_dir) as cache:
        result = rank_pool(corpus, list(from_inputs([str(pool)])), Embedder(cache), top=5)
    names = [r.item.name for r in result.shortlist]
    assert set(names[:3]) == {p.stem for p in PLANTED}, names
    scores = [r.score for r in result.shortlist]
    assert scores == sorted(scores, reverse=True)
    nearest = {r.item.name: r.nearest.name for r in result.shortlist[:3]}
    assert nearest == {"ferry-pier-closure": "marlow-bridge", "herring-quota-cut": "westmark-cod",
                       "street-festival-noise": "lakeside-festival"}
    assert any(d.code == "E505" and d.other == "marlow-bridge" for d in result.dropped)
    assert any(d.code == "E504" and d.other == "westmark-cod" for d in result.dropped)
    assert any(d.code == "E504" and "same text" in d.reason for d in result.dropped)


def test_second_run_reads_every_vector_from_the_cache(setup):
    corpus, pool, cache_dir = setup
    items = list(from_inputs([str(pool)]))
    with VectorCache(cache_dir) as cache:
        first = rank_pool(corpus, items, Embedder(cache), top=5)
        embedder = Embedder(cache)
        again = rank_pool(corpus, items, embedder, top=5)
    assert embedder._encoder is None  # nothing was encoded: every vector came from the cache
    assert [(r.item.name, round(r.score, 5)) for r in again.shortlist] == [
        (r.item.name, round(r.score, 5)) for r in first.shortlist]


def test_like_and_target_choose_the_references(setup):
    corpus, pool, cache_dir = setup
    items = list(from_inputs([str(pool)]))
    with VectorCache(cache_dir) as cache:
        like = rank_pool(corpus, items, Embedder(cache), top=3, like=["marlow-bridge"])
        target = rank_pool(corpus, items, Embedder(cache), top=3,
                           targets=["Cutting fishing quotas to protect fish stocks"])
    assert like.shortlist[0].item.name == "ferry-pier-closure"
    assert target.shortlist[0].item.name == "herring-quota-cut"
    assert target.shortlist[0].nearest.name is None  # a target, not an article


def test_cli_shortlist_is_what_corpus_add_takes(setup, tmp_path):
    corpus, pool, cache_dir = setup
    out = tmp_path / "shortlist.jsonl"
    result = corpus_cli("similar", str(pool), "--top", "3", "-o", str(out),
                        corpus=corpus.root, cache=cache_dir)
    assert result.exit_code == 0, result.output
    lines = read_jsonl(out)
    assert [line["rank"] for line in lines] == [1, 2, 3]
    assert {line["id"] for line in lines} == {p.stem for p in PLANTED}
    assert all(0 < line["score"] <= 1 and line["nearest"]["name"] for line in lines)
    assert "dropped" in result.output and "near-duplicate of corpus article" in result.output
    # An unknown --like id is a coded error; the output may not overwrite an input.
    assert "E506" in corpus_cli("similar", str(pool), "--like", "nope", "-o", str(out),
                                corpus=corpus.root, cache=cache_dir).output
    assert "E511" in corpus_cli("similar", str(pool), "-o", str(pool),
                                corpus=corpus.root, cache=cache_dir).output

    target = tmp_path / "grown"
    corpus_cli("add", *map(str, OWN_ARTICLES), corpus=target, cache=cache_dir)
    added = corpus_cli("add", str(out), corpus=target, cache=cache_dir)
    assert added.exit_code == 0, added.output
    grown = read_jsonl(target / "articles.jsonl")
    assert len(grown) == 6
    extra = json.loads(grown[-1]["extra"])
    assert extra["shortlist"]["rank"] == 3 and extra["shortlist"]["score"] > 0
