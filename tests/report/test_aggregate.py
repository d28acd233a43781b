"""Corpus counts from one streaming pass, and the tables built from them."""

from __future__ import annotations

from pipeline.report.aggregate import NO_SPEAKER, CorpusStats, net
from pipeline.report.overview import tables

from .records import edge_records, record


def stats_of(records: list[dict]) -> CorpusStats:
    stats = CorpusStats()
    for rec in records:
        stats.add(rec)
    return stats


def test_counts_over_the_edge_records():
    stats = stats_of(edge_records())
    assert (stats.records, stats.articles, dict(stats.errors)) == (5, 4, {"E001": 1})
    assert dict(stats.quote_types) == {"direct": 4, "indirect": 2}
    bo = stats.speakers["Bo Park"]
    assert (bo.total_quotes, bo.claims, bo.articles, dict(bo.quotes)) == (
        2, 2, 1, {"indirect": 1, "direct": 1})
    assert stats.speakers["Kim Su"].articles == 1


def test_stance_counts_leave_gated_pairs_out_of_the_net_value():
    stats = stats_of(edge_records())
    ann = stats.stance[("Ann Lee", "Ban cars downtown")]
    assert ann["gated"] == 1 and net(ann, "favor", "against", ("favor", "against", "neutral")) \
        is None
    bo = stats.stance[("Bo Park", "Reopen the bridge")]
    assert bo["against"] == 2
    assert net(bo, "favor", "against", ("favor", "against", "neutral")) == -1.0
    assert stats.sentiment[("Bo Park", "Ann Lee")]["negative"] == 1


def test_speakers_are_merged_across_articles_by_name():
    one = record("one", "“A,” said Ann Lee.", [{"quote": "“A,”", "cue": "said",
                                              "speaker": "Ann Lee", "actor": "Ann Lee"}],
                 actors=[("Ann Lee", "PERSON")])
    two = record("two", "Ann Lee said that B is true. “C,” he said.", [
        {"quote": "B is true", "type": "indirect", "cue": "said", "speaker": "Ann Lee",
         "actor": "Ann Lee"},
        {"quote": "“C,”", "cue": "said", "speaker": "he", "resolution": "pronoun"}],
        actors=[("Ann Lee", "PERSON")])
    stats = stats_of([one, two, one])
    ann = stats.speakers["Ann Lee"]
    assert (ann.total_quotes, ann.articles) == (3, 3)
    assert stats.duplicate_ids == 1
    assert NO_SPEAKER not in stats.speakers
    rows = {t["id"]: t for t in tables(stats)}
    assert rows["articles"]["rows"][1] == ["two", 2, 2, 1, "Ann Lee", 0, 0, 0]
    assert rows["speakers"]["rows"][0][:3] == ["Ann Lee", "PERSON", 3]
