"""Counts over a corpus: articles per source, split and annotation state; gold labels."""

from __future__ import annotations

from collections import Counter

from pipeline.corpus.dataset import annotation_state, gold_by_article
from pipeline.corpus.layout import Corpus

UNKNOWN = "(none)"


def corpus_stats(corpus: Corpus) -> dict:
    """``{"articles", "by_source", "by_split", "by_state", "by_language", "by_license",
    "stored", "gold_sets", "labels", "warnings"}`` (counts sorted by key)."""
    articles = corpus.articles()
    gold = gold_by_article(corpus)
    known = {a["id"] for a in articles}
    by: dict[str, Counter] = {key: Counter() for key in
                              ("source", "split", "state", "language", "license", "stored")}
    labels = {"quote_type": Counter(), "negative": Counter(), "stance": Counter(),
              "review": Counter()}
    sets: Counter = Counter()
    for article in articles:
        annotations = gold.get(article["id"], [])
        by["source"][article["source"] or UNKNOWN] += 1
        by["split"][article["split"]] += 1
        by["language"][article["language"] or UNKNOWN] += 1
        by["license"][article["license"] or UNKNOWN] += 1
        by["stored"]["inline" if isinstance(article["text"], str) else "reference"] += 1
        by["state"][annotation_state([a["state"] for a in annotations])] += 1
        for annotation in annotations:
            sets[annotation["set"]] += 1
            labels["quote_type"].update(q.get("type") for q in annotation["quotes"])
            labels["negative"].update(n.get("kind") for n in annotation["negatives"])
            for claim in annotation["claims"]:
                for stance in claim.get("stance") or []:
                    labels["stance"][stance.get("label")] += 1
                    labels["review"][stance.get("review") or "hand"] += 1
    orphans = sorted(set(gold) - known)
    warnings = [f"gold for {len(orphans)} article id(s) not in articles.jsonl: "
                f"{', '.join(orphans[:5])}"] if orphans else []
    stale = corpus.stale_mirrors(articles)
    if stale:
        warnings.append(f"{len(stale)} text mirror(s) missing or edited: "
                        f"{', '.join(str(p) for _, p in stale[:5])} (run `claimtrace corpus "
                        f"check --fix`)")

    def sort(counter: Counter) -> dict:
        return dict(sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0]))))

    return {"articles": len(articles),
            **{f"by_{key}": sort(counter) for key, counter in by.items()},
            "gold_sets": sort(sets),
            "labels": {key: sort(counter) for key, counter in labels.items()},
            "warnings": warnings}
