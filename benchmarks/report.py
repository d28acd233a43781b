"""How long `claimtrace report` takes on a 10,000-article annotated file (target: < 60 s).

    .venv/bin/python benchmarks/report.py [--articles 10000] [--seed-articles 150]

The file is built from real pipeline output: the first ``--seed-articles`` PolNeAR train texts
(the bundled articles when ../shared is missing) are annotated once with three stance targets
(cached under out/bench-report/), then copied with new ids and, for most copies, renamed
speakers, so the report sees as many distinct speakers as a large corpus has. Prints the build
time of the report (read, aggregate, render, write) and of `show` for the file's last article,
with the machine's load average: numbers from a loaded machine are upper bounds.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.paths import REPO_ROOT, SHARED_DIR  # noqa: E402

TARGETS = ["Donald Trump should be president", "Immigration should be restricted",
           "Free trade helps American workers"]
CACHE = REPO_ROOT / "out" / "bench-report"


def seed_records(n: int) -> list[dict]:
    """``n`` real annotated articles (annotated once, then read from the cache)."""
    folder = SHARED_DIR / "data" / "polnear" / "train" / "text"
    if not folder.exists():
        folder = REPO_ROOT / "corpus" / "articles"
    cache = CACHE / f"seed-{folder.parent.name}-{n}.jsonl"
    if cache.exists():
        return [json.loads(line) for line in cache.open(encoding="utf-8")]
    from pipeline.annotate import annotate
    from pipeline.build import load_pipeline
    from pipeline.inputs import read_inputs

    paths = [str(p) for p in sorted(folder.glob("*.txt"))[:n]]
    print(f"annotating {len(paths)} articles from {folder} once (cached in {cache}) ...",
          flush=True)
    start = time.perf_counter()
    records = [r for r in annotate(load_pipeline(), read_inputs(paths), TARGETS, 8)
               if "error" not in r]
    print(f"  {time.perf_counter() - start:.0f} s", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    with cache.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return records


def variant(record: dict, k: int) -> dict:
    """Copy ``k`` of a record: its own id; speakers renamed in three copies out of four."""
    out = copy.deepcopy(record)
    out["id"] = f"{record['id']}~{k}"
    if k % 4:
        suffix = f" {k % 997}"
        for item in out["quotes"] + out["claims"]:
            if item.get("speaker") and item["speaker"].get("name"):
                item["speaker"]["name"] += suffix
        for actor in out["actors"]:
            actor["name"] += suffix
    return out


def build_corpus(seeds: list[dict], n: int, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            handle.write(json.dumps(variant(seeds[i % len(seeds)], i // len(seeds)),
                                    ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the file")
    parser.add_argument("--seed-articles", type=int, default=150,
                        help="real articles annotated once and copied")
    args = parser.parse_args()

    from pipeline.report.overview import build_report
    from pipeline.report.render import write_html
    from pipeline.report.show import build_views, select_articles, show_html

    seeds = seed_records(args.seed_articles)
    corpus = CACHE / f"corpus-{args.articles}.jsonl"
    build_corpus(seeds, args.articles, corpus)
    size = corpus.stat().st_size
    print(f"corpus: {args.articles} articles from {len(seeds)} annotated ones, "
          f"{size / 2**20:.0f} MiB -> {corpus}")

    load = os.getloadavg()
    start = time.perf_counter()
    report = build_report(corpus)
    written = write_html(report.html, CACHE / "report.html")
    seconds = time.perf_counter() - start
    stats = report.stats
    print(f"report: {seconds:.1f} s for {stats.articles} articles "
          f"({stats.articles / seconds:.0f} articles/s, {size / 2**20 / seconds:.0f} MiB/s), "
          f"{len(stats.speakers)} speakers, {sum(stats.quote_types.values())} quotes; "
          f"HTML {written / 2**20:.1f} MiB; target < 60 s: {'met' if seconds < 60 else 'NOT met'}")

    last = f"{seeds[(args.articles - 1) % len(seeds)]['id']}~{(args.articles - 1) // len(seeds)}"
    start = time.perf_counter()
    views = build_views(select_articles(corpus, [last], 20))
    write_html(show_html(corpus, views), CACHE / "show.html")
    print(f"show --doc {last} (the last article): {time.perf_counter() - start:.1f} s")
    print(f"load average before the runs: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          f"on {os.cpu_count()} cores (a loaded machine gives upper bounds)")


if __name__ == "__main__":
    main()
