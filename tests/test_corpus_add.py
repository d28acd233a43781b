"""`claimtrace corpus add`: content ids, exact and near-duplicates, metadata, reports, on real
files (the bundled articles and texts written for these tests)."""

import json
import random

import pytest
from corpus_helpers import OWN_ARTICLES, corpus_cli, read_jsonl, write_jsonl

from pipeline.corpus.add import Candidate, add_to_corpus
from pipeline.corpus.ids import content_id, split_for
from pipeline.corpus.layout import Corpus
from pipeline.corpus.planted import near_duplicate


@pytest.fixture
def cache(tmp_path):
    return tmp_path / "cache"


def test_add_files_writes_articles_mirrors_and_stable_ids(tmp_path, cache):
    corpus = tmp_path / "c"
    result = corpus_cli("add", *map(str, OWN_ARTICLES), "--source", "Test Wire", "--license",
                        "CC0", corpus=corpus, cache=cache)
    assert result.exit_code == 0, result.output
    articles = read_jsonl(corpus / "articles.jsonl")
    assert [a["name"] for a in articles] == [p.stem for p in OWN_ARTICLES]
    for article, path in zip(articles, OWN_ARTICLES, strict=True):
        text = path.read_text(encoding="utf-8")
        assert article["id"] == content_id(text) and len(article["id"]) == 16
        assert article["text"] == text
        assert article["split"] == split_for(article["id"])
        assert (article["source"], article["license"], article["language"]) == (
            "Test Wire", "CC0", "en")
        assert article["title"] == text.splitlines()[0]
        assert (corpus / "articles" / f"{article['name']}.txt").read_text(
            encoding="utf-8") == text
    # The same texts in another order, into another corpus: the same ids.
    other = tmp_path / "d"
    corpus_cli("add", *map(str, reversed(OWN_ARTICLES)), corpus=other, cache=cache)
    assert sorted(a["id"] for a in read_jsonl(other / "articles.jsonl")) == sorted(
        a["id"] for a in articles)


def test_exact_duplicates_are_rejected_with_a_code(tmp_path, cache):
    corpus = tmp_path / "c"
    corpus_cli("add", str(OWN_ARTICLES[0]), corpus=corpus, cache=cache)
    text = OWN_ARTICLES[0].read_text(encoding="utf-8")
    respaced = tmp_path / "respaced.txt"
    respaced.write_text(text.replace("\n\n", "\n  \n").replace(". ", ".  "), encoding="utf-8")
    report = tmp_path / "decisions.jsonl"
    result = corpus_cli("add", str(OWN_ARTICLES[0]), str(respaced), "--report", str(report),
                        corpus=corpus, cache=cache)
    assert result.exit_code == 0
    decisions = read_jsonl(report)
    assert [d["action"] for d in decisions] == ["duplicate", "duplicate"]
    assert {d["code"] for d in decisions} == {"E504"}
    assert "exact duplicate" in result.output
    assert len(read_jsonl(corpus / "articles.jsonl")) == 1


def test_near_duplicates_kept_out_unless_forced(tmp_path, cache):
    corpus = tmp_path / "c"
    corpus_cli("add", *map(str, OWN_ARTICLES), "--split", "dev", corpus=corpus, cache=cache)
    rng = random.Random(3)
    variants = []
    for path in OWN_ARTICLES:
        variant = tmp_path / f"{path.stem}-update.txt"
        variant.write_text(near_duplicate(path.read_text(encoding="utf-8"), rng), encoding="utf-8")
        variants.append(variant)
    fresh = tmp_path / "unrelated.txt"
    fresh.write_text("A quiet town votes to repaint its old lighthouse red and white.\n\n"
                     "The council said on Monday that the work would start in May and that "
                     "volunteers had offered to help. Residents welcomed the plan, although "
                     "some asked why the budget did not cover the harbour steps as well.\n",
                     encoding="utf-8")
    report = tmp_path / "near.jsonl"
    result = corpus_cli("add", *map(str, variants), str(fresh), "--report", str(report),
                        corpus=corpus, cache=cache)
    assert result.exit_code == 0
    decisions = {d["label"]: d for d in read_jsonl(report)}
    for variant, original in zip(variants, OWN_ARTICLES, strict=True):
        decision = decisions[str(variant)]
        assert decision["action"] == "near-duplicate" and decision["code"] == "E505"
        assert decision["other_name"] == original.stem and decision["score"] >= 0.4
    assert decisions[str(fresh)]["action"] == "added"
    assert "--force" in result.output

    forced = corpus_cli("add", str(variants[0]), "--force", corpus=corpus, cache=cache)
    assert forced.exit_code == 0 and "forced" in forced.output
    added = read_jsonl(corpus / "articles.jsonl")[-1]
    extra = json.loads(added["extra"])
    assert extra["near_duplicate_of"]["id"] == content_id(OWN_ARTICLES[0].read_text("utf-8"))
    assert added["split"] == "dev"  # joins its twin's split: no story across splits


def test_jsonl_meta_wins_over_flags_and_bad_inputs_are_reported(tmp_path, cache):
    corpus = tmp_path / "c"
    text = OWN_ARTICLES[1].read_text(encoding="utf-8")
    batch = write_jsonl(tmp_path / "batch.jsonl", [
        {"id": "cod-story", "text": text,
         "meta": {"title": "Cod at a record low", "publisher": "North Sea Times",
                  "url": "https://example.org/cod", "date": "2024-05-02",
                  "targets": ["Closing fishing grounds"], "desk": "science"}},
        {"id": "bad-date", "text": OWN_ARTICLES[2].read_text(encoding="utf-8"),
         "meta": {"date": "last Tuesday"}},
        {"id": "empty", "text": "   "},
    ])
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    report = tmp_path / "r.jsonl"
    result = corpus_cli("add", str(batch), str(broken), "--source", "Flag Source",
                        "--license", "CC BY 4.0", "--report", str(report),
                        corpus=corpus, cache=cache)
    assert result.exit_code == 1  # some inputs were bad; the good one is still added
    (article,) = read_jsonl(corpus / "articles.jsonl")
    assert (article["name"], article["title"], article["source"], article["url"],
            article["date"], article["license"], article["targets"]) == (
        "cod-story", "Cod at a record low", "North Sea Times", "https://example.org/cod",
        "2024-05-02", "CC BY 4.0", ["Closing fishing grounds"])
    assert json.loads(article["extra"]) == {"desk": "science"}
    codes = sorted(d["code"] for d in read_jsonl(report) if d["action"] == "invalid")
    assert codes == ["E001", "E006", "E514"]


def test_reference_stores_path_not_text_and_dry_run_writes_nothing(tmp_path, cache):
    corpus = tmp_path / "c"
    private = tmp_path / "private.txt"
    private.write_text(OWN_ARTICLES[0].read_text(encoding="utf-8"), encoding="utf-8")
    dry = corpus_cli("add", str(private), "--reference", "--dry-run", corpus=corpus, cache=cache)
    assert dry.exit_code == 0 and "dry run" in dry.output
    assert not (corpus / "articles.jsonl").exists()
    corpus_cli("add", str(private), "--reference", corpus=corpus, cache=cache)
    (article,) = read_jsonl(corpus / "articles.jsonl")
    assert article["text"] is None and article["text_source"] == str(private.resolve())
    assert not (corpus / "articles").exists()  # no mirror for a referenced text
    assert Corpus(corpus).text(Corpus(corpus).articles()[0]) == private.read_text("utf-8")
    private.write_text("edited", encoding="utf-8")
    check = corpus_cli("check", corpus=corpus)
    assert check.exit_code == 1 and "E513" in check.output


def test_mirror_check_and_fix(tmp_path, cache):
    corpus = tmp_path / "c"
    corpus_cli("add", str(OWN_ARTICLES[0]), corpus=corpus, cache=cache)
    mirror = corpus / "articles" / f"{OWN_ARTICLES[0].stem}.txt"
    mirror.write_text("hand-edited", encoding="utf-8")
    assert "E516" in corpus_cli("check", corpus=corpus).output
    assert corpus_cli("check", "--fix", corpus=corpus).exit_code == 0
    assert mirror.read_text(encoding="utf-8") == OWN_ARTICLES[0].read_text(encoding="utf-8")


def test_a_file_in_the_mirror_folder_is_never_overwritten(tmp_path):
    corpus = Corpus(tmp_path / "c")
    (corpus.mirror_dir).mkdir(parents=True)
    stranger = corpus.mirror_dir / "story.txt"
    stranger.write_text("someone else's notes", encoding="utf-8")
    text = OWN_ARTICLES[0].read_text(encoding="utf-8")
    result = add_to_corpus(corpus, [Candidate(text=text, name="story", label="x", origin="t")])
    (decision,) = result.decisions
    assert decision.name == f"story-{content_id(text)[:6]}"
    assert stranger.read_text(encoding="utf-8") == "someone else's notes"


def test_bundled_corpus_is_consistent():
    """The shipped corpus: four articles, the seed only by reference, mirrors equal."""
    from corpus_helpers import BUNDLED

    articles = Corpus(BUNDLED).articles()
    assert [a["name"] for a in articles] == ["marlow-bridge", "westmark-cod",
                                             "lakeside-festival", "seed-article"]
    seed = articles[-1]
    assert seed["text"] is None and seed["text_source"] == "../shared/seed/article.txt"
    assert Corpus(BUNDLED).stale_mirrors(articles) == []
    for article in articles[:3]:
        assert article["id"] == content_id(article["text"])


def test_stats_counts_the_bundled_corpus():
    from corpus_helpers import BUNDLED

    counts = json.loads(corpus_cli("stats", "--json", "--list", corpus=BUNDLED).output)
    assert counts["articles"] == 4 and counts["by_split"] == {"test": 4}
    assert counts["by_state"] == {"gold": 4} and counts["by_stored"] == {"inline": 3,
                                                                         "reference": 1}
    assert counts["labels"]["quote_type"] == {"direct": 25, "indirect": 18, "mixed": 5}
    assert counts["labels"]["negative"] == {"term": 5, "scare_quote": 4, "title": 4}
    assert [row["name"] for row in counts["list"]][-1] == "seed-article"
    table = corpus_cli("stats", corpus=BUNDLED).output
    assert "4 articles" in table and "annotation state" in table and "seed" in table
