"""Corpus benchmarks, each measured in one run (these machines are noisy):

1. ``claimtrace corpus similar`` over a pool of 10,000 articles built from PolNeAR train texts,
   run twice with the same empty cache folder: first run (every text embedded) and cached run.
2. ``corpus add`` of 1,000 articles (PolNeAR train + dev) with 100 planted near-duplicates
   (pipeline/corpus/planted.py), shuffled: near-duplicate precision and recall (goal: both
   >= 0.95).

    .venv/bin/python benchmarks/corpus.py [--pool 10000] [--articles 1000] [--planted 100]
        [--skip-similar] [--skip-add] [--threshold 0.4]

Nothing is written to the repository: pools and corpora live in a temporary folder. PolNeAR is
read from ../shared (never copied).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.corpus.add import Candidate, add_to_corpus  # noqa: E402
from pipeline.corpus.config import DEFAULT_THRESHOLD  # noqa: E402
from pipeline.corpus.dedupe import NearDuplicateIndex, jaccard, shingles, signature  # noqa: E402
from pipeline.corpus.ids import content_id  # noqa: E402
from pipeline.corpus.layout import Corpus  # noqa: E402
from pipeline.corpus.planted import near_duplicate, paragraphs  # noqa: E402
from pipeline.paths import REPO_ROOT, SHARED_DIR  # noqa: E402

POLNEAR = SHARED_DIR / "data" / "polnear"
CLI = [sys.executable, "-m", "pipeline.cli"]
MIN_WORDS = 100  # shorter PolNeAR texts are stubs: one added line changes half of them


def polnear_texts(*splits: str) -> list[tuple[str, str]]:
    """(name, text) of the PolNeAR articles of the given splits, sorted by name."""
    out = []
    for split in splits:
        folder = POLNEAR / split / "text"
        if not folder.is_dir():
            raise SystemExit(f"{folder} is missing: this benchmark needs ../shared")
        out += [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))]
    return out


def build_pool(size: int, path: Path) -> int:
    """A JSONL pool of ``size`` distinct articles from PolNeAR train: round r of article i is its
    headline, its body from paragraph r on, and the first three paragraphs of another article."""
    texts = [paragraphs(t) for _, t in polnear_texts("train")]
    names = [n for n, _ in polnear_texts("train")]
    seen = set()
    with path.open("w", encoding="utf-8") as handle:
        for k in range(size):
            i, r = k % len(texts), k // len(texts)
            own, other = texts[i], texts[(i + 97 * r + 1) % len(texts)]
            body = own[1:][r % max(1, len(own) - 1):] + (other[1:4] if r else [])
            text = "\n\n".join([own[0], *body]) + "\n"
            seen.add(text)
            handle.write(json.dumps({"id": f"{names[i]}~{r}", "text": text,
                                     "meta": {"source": names[i].split("_")[0]}}) + "\n")
    return len(seen)


def run_similar(pool: Path, cache: Path, output: Path) -> float:
    start = time.perf_counter()
    subprocess.run([*CLI, "corpus", "similar", str(pool), "--corpus", str(REPO_ROOT / "corpus"),
                    "--top", "50", "-o", str(output), "--cache", str(cache)],
                   check=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def bench_similar(size: int, work: Path) -> None:
    pool = work / "pool.jsonl"
    distinct = build_pool(size, pool)
    cache = work / "cache"
    first = run_similar(pool, cache, work / "shortlist1.jsonl")
    cached = run_similar(pool, cache, work / "shortlist2.jsonl")
    same = (work / "shortlist1.jsonl").read_text() == (work / "shortlist2.jsonl").read_text()
    print(f"corpus similar, pool of {size} articles ({distinct} distinct texts, PolNeAR train), "
          f"corpus/ as references, --top 50:")
    print(f"  first run  {first:7.1f} s  ({size / first:.0f} articles/s, every text embedded)")
    print(f"  cached run {cached:7.1f} s  ({size / cached:.0f} articles/s)  "
          f"speed-up {first / cached:.1f}x; same shortlist: {same}")


def distinct_base(texts: list[tuple[str, str]], floor: float) -> tuple[list, float]:
    """The articles left after dropping every one that is already close to an earlier one
    (exact Jaccard >= ``floor``: PolNeAR has real near-duplicates, which would count as false
    positives), and the highest Jaccard of a pair that was dropped."""
    kept, highest = [], 0.0
    index = NearDuplicateIndex(dict(texts).__getitem__, threshold=floor)
    for name, text in texts:
        mine = shingles(text)
        sig = signature(mine)
        match = index.find(sig, mine)
        if match:
            highest = max(highest, match.score)
            continue
        index.add(name, sig, mine)
        kept.append((name, text))
    return kept, highest


def bench_add(total: int, planted: int, threshold: float, work: Path) -> None:
    rng = random.Random(13)
    articles = [(n, t) for n, t in polnear_texts("train", "dev") if len(t.split()) >= MIN_WORDS]
    base, highest = distinct_base(articles, floor=0.2)
    dropped = len(articles) - len(base)
    rng.shuffle(base)
    base = base[: total - planted]
    twins = rng.sample(base, planted)
    items = [Candidate(text=t, name=n, label=n, origin="bench") for n, t in base]
    items += [Candidate(text=near_duplicate(t, rng), name=f"{n}~near", label=f"{n}~near",
                        origin="bench") for n, t in twins]
    rng.shuffle(items)
    truth = {frozenset((n, f"{n}~near")) for n, _ in twins}
    corpus = Corpus(work / "add-corpus")
    start = time.perf_counter()
    result = add_to_corpus(corpus, items, threshold=threshold)
    elapsed = time.perf_counter() - start
    label_of = {content_id(i.text): i.label for i in items}
    flagged = {frozenset((d.label, label_of[d.other_id])) for d in result.decisions
               if d.action == "near-duplicate"}
    true_pos = len(flagged & truth)
    precision = true_pos / len(flagged) if flagged else 0.0
    recall = true_pos / len(truth)
    pair_scores = sorted(jaccard(shingles(dict(base)[n]), shingles(v.text))
                         for v in items if v.name.endswith("~near")
                         for n in [v.name[:-5]])
    print(f"corpus add of {len(items)} articles (PolNeAR train+dev of >= {MIN_WORDS} words; "
          f"{dropped} left out first as already near-duplicates of another, Jaccard up to "
          f"{highest:.2f}) with {planted} planted near-duplicates, threshold {threshold}:")
    print(f"  near-duplicate precision {precision:.3f}  recall {recall:.3f}  "
          f"({true_pos} of {len(truth)} planted found, {len(flagged) - true_pos} false)  "
          f"goal >= 0.95 both")
    print(f"  planted pairs' Jaccard: min {pair_scores[0]:.2f}, median "
          f"{pair_scores[len(pair_scores) // 2]:.2f}, max {pair_scores[-1]:.2f}")
    print(f"  {result.summary()}; {len(items) / elapsed:.0f} articles/s ({elapsed:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=10_000, help="candidate pool size")
    parser.add_argument("--articles", type=int, default=1000, help="articles added")
    parser.add_argument("--planted", type=int, default=100, help="planted near-duplicates")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                        help="near-duplicate Jaccard threshold")
    parser.add_argument("--skip-similar", action="store_true", help="only the add benchmark")
    parser.add_argument("--skip-add", action="store_true", help="only the similar benchmark")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="claimtrace-corpus-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_add:
            bench_add(args.articles, args.planted, args.threshold, work)
        if not args.skip_similar:
            bench_similar(args.pool, work)


if __name__ == "__main__":
    main()
