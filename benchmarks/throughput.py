"""Words per second of the whole extraction pipeline against bare ``nlp.pipe`` with the same
spaCy model on the same texts, measured in one run (rounds alternate, best of each kept).

    .venv/bin/python benchmarks/throughput.py [--texts DIR] [--rounds 3] [--config CFG]

Prints both rates and their ratio; the target is a ratio >= 0.8.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.build import load_pipeline  # noqa: E402
from pipeline.paths import REPO_ROOT, SHARED_DIR  # noqa: E402


def load_texts(folder: Path | None) -> list[str]:
    """PolNeAR dev texts when available, else the bundled sample articles (and the seed)."""
    if folder is None:
        folder = SHARED_DIR / "data" / "polnear" / "dev" / "text"
        if not folder.exists():
            folder = REPO_ROOT / "corpus" / "articles"
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no .txt files in {folder}")
    return texts


def rate(nlp, texts: list[str], words: int, batch_size: int) -> float:
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return words / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=Path, default=None, help="folder of .txt articles")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; best kept")
    parser.add_argument("--config", default="configs/default.cfg", help="pipeline config")
    parser.add_argument("--batch-size", type=int, default=16, help="nlp.pipe batch size")
    args = parser.parse_args()

    texts = load_texts(args.texts)
    words = sum(len(t.split()) for t in texts)
    full = load_pipeline(args.config)
    if "stance" in full.pipe_names:  # extraction only; benchmarks/stance.py measures stance
        full.disable_pipe("stance")
    bare = spacy.load(full.meta["claimtrace"]["spacy_model"])
    rate(bare, texts[:5], words, args.batch_size)  # warm both up
    rate(full, texts[:5], words, args.batch_size)
    best_bare = best_full = 0.0
    for _ in range(args.rounds):
        best_bare = max(best_bare, rate(bare, texts, words, args.batch_size))
        best_full = max(best_full, rate(full, texts, words, args.batch_size))
    print(f"texts: {len(texts)}, words: {words}, rounds: {args.rounds}")
    print(f"bare nlp.pipe ({full.meta['claimtrace']['spacy_model']}): {best_bare:,.0f} words/s")
    print(f"claimtrace extraction pipeline:         {best_full:,.0f} words/s")
    print(f"ratio (pipeline / bare): {best_full / best_bare:.2f}  (target >= 0.80)")


if __name__ == "__main__":
    main()
