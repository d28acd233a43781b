"""Stance speed: model pairs/s in fp32 and bf16, and pipeline words/s with 3 targets against
extraction alone, all in one run.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/stance.py [--pairs 512] [--repeat 3]

The pipeline part uses ``pipeline.build.load_pipeline("configs/default.cfg")`` and appends the
``claimtrace_stance`` component, so it works whether or not default.cfg lists the stance pipe.
Two corpora, each with three targets on its own topics: the bundled articles plus the seed
article (claim-dense commentary, about one claim per 30 words), and the first ``--polnear``
PolNeAR dev articles (2016 US political news).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from pipeline.paths import REPO_ROOT, SHARED_DIR

TARGETS = [
    "South Korea supplying weapons to Ukraine",
    "North Korea sending troops to Russia",
    "The government should cut taxes",
]
POLNEAR_TARGETS = [
    "Donald Trump should be elected president",
    "Hillary Clinton mishandled classified emails",
    "The United States should build a wall on the border with Mexico",
]
CLAIMS = [
    "I do not understand why our government wants to involve itself in this war on its own "
    "initiative.",
    "About 3,000 soldiers from special units of the North Korean army have been sent to Russia.",
    "We must help Ukraine defend itself with every weapon we can spare.",
    "The bridge will reopen next spring after the repairs are finished.",
]


def bench_pairs(n_pairs: int, repeat: int, batch_size: int) -> dict[str, float]:
    """Median pairs/s of the shipped model, fp32 and bf16 autocast, on the same pairs."""
    from pipeline.stance.model import load_model

    model = load_model("models/stance", bf16=False)
    pairs = [{"task": "stance", "target": TARGETS[i % 3], "text": CLAIMS[i % 4],
              "context": CLAIMS[i % 4] + " said the minister."} for i in range(n_pairs)]
    out = {}
    for mode in (False, True):
        model.bf16 = mode
        model.score(pairs[:batch_size], batch_size)  # warm-up
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            model.score(pairs, batch_size)
            times.append(time.perf_counter() - started)
        out["bf16" if mode else "fp32"] = n_pairs / sorted(times)[len(times) // 2]
    return out


def load_texts(copies: int) -> list[str]:
    """The bundled articles plus the shared seed article, repeated ``copies`` times."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "corpus/articles")
                                                          .glob("*.txt"))]
    seed = SHARED_DIR / "seed" / "article.txt"
    if seed.exists():
        texts.append(seed.read_text(encoding="utf-8"))
    return texts * copies


def words_per_s(nlp, texts: list[str], docs_per_batch: int) -> tuple[float, Counter]:
    """Words/s of one ``nlp.pipe`` pass over ``texts``, and counts of the claims seen and of
    their stance and actor stance entries by the stage that decided them (gate, first-pass,
    cross-encoder)."""
    words = sum(len(t.split()) for t in texts)
    counts: Counter = Counter()
    started = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=docs_per_batch):
        for claim in doc._.claims or []:
            counts["claims"] += 1
            counts.update(s.method for s in claim.stance or [])
            counts.update(f"actor {a.method}" for a in claim.actor_stance or [])
    return words / (time.perf_counter() - started), counts


VARIANTS = {  # name -> stance component config on top of the 3 targets
    "default (gate + first pass + actor stance)": {},
    "no first pass (gate + cross-encoder)": {"first_pass": False},
    "no relevance gate (cross-encoder on every pair)": {"relevance_threshold": None},
    "default, no actor stance": {"actor_stance": False},
}
DEFAULT = "default (gate + first pass + actor stance)"


def polnear_texts(limit: int) -> list[str]:
    """The first ``limit`` PolNeAR dev articles ([] when ../shared is absent)."""
    folder = SHARED_DIR / "data" / "polnear" / "dev" / "text"
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))[:limit]]


def bench_pipeline(nlp, texts: list[str], targets: list[str], repeat: int, bf16: str,
                   docs_per_batch: int, stance_batch: int | None) -> dict:
    """Extraction alone, then the default stance settings and three variants, on one
    pipeline; ``stance_batch`` replaces the config's pairs per forward pass. Every round
    times extraction alone and each variant once, so a machine that speeds up or slows down
    during the run moves both sides of each ratio; medians over ``repeat`` rounds."""
    from pipeline.stance import component  # noqa: F401  (registers claimtrace_stance)

    if "stance" in nlp.pipe_names:
        nlp.remove_pipe("stance")
    extra_config = {"batch_size": stance_batch} if stance_batch else {}
    times: dict[str | None, list[float]] = {None: [], **{name: [] for name in VARIANTS}}
    counts: Counter = Counter()
    for _ in range(repeat):
        wps, _counts = words_per_s(nlp, texts, docs_per_batch)
        times[None].append(wps)
        for name, extra in VARIANTS.items():
            nlp.add_pipe("claimtrace_stance", name="stance", last=True,
                         config={"targets": targets, "bf16": bf16, **extra, **extra_config})
            stance = nlp.get_pipe("stance")
            stance.classifier, stance.gate, stance.first_pass  # load outside the timing  # noqa: B018
            wps, seen = words_per_s(nlp, texts, docs_per_batch)
            times[name].append(wps)
            if name == DEFAULT:
                counts = seen
            nlp.remove_pipe("stance")

    def median(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    base_wps = median(times[None])
    out = {"extraction_words_per_s": base_wps, "claims": counts["claims"],
           "decided_by": {k: v for k, v in counts.items() if k != "claims"}, "targets": targets,
           "words": sum(len(t.split()) for t in texts), "variants": {}}
    for name in VARIANTS:
        wps = median(times[name])
        out["variants"][name] = {"words_per_s": wps, "ratio": wps / base_wps}
    default = out["variants"][DEFAULT]
    out["with_stance_words_per_s"], out["ratio"] = default["words_per_s"], default["ratio"]
    return out


def print_pipeline(name: str, pipe: dict) -> None:
    print(f"{name} ({pipe['words']} words, {pipe['claims']} claims, 3 targets): "
          f"extraction alone {pipe['extraction_words_per_s']:.0f} words/s")
    for variant, row in pipe["variants"].items():
        print(f"  + stance, {variant}: {row['words_per_s']:.0f} words/s, "
              f"ratio {row['ratio']:.2f}")
    print(f"  ratio with the default stance settings: {pipe['ratio']:.2f} (goal >= 0.50)")
    decided = ", ".join(f"{k} {v}" for k, v in sorted(pipe["decided_by"].items()))
    print(f"  default settings, entries by stage: {decided}")


def dev_quality() -> dict:
    """Dev macro-F1 of the cascade against the cross-encoder alone, as recorded when the first
    pass was fitted (models/stance/training.json): the quality side of the speed trade."""
    meta_path = REPO_ROOT / "models" / "stance" / "training.json"
    info = json.loads(meta_path.read_text(encoding="utf-8")).get("first_pass") or {}
    if not info:
        print("dev quality: the shipped model has no first pass")
        return {}
    row = info["by_threshold"].get(str(info["threshold"])) or info["by_threshold"].get(
        info["threshold"], {})
    print(f"dev macro-F1 (stance dev sets, mean): cross-encoder alone {info['reference_f1']:.3f}, "
          f"with the first pass {row.get('f1', float('nan')):.3f} (threshold {info['threshold']}, "
          f"decides {info.get('dev_share_decided', 0):.1%} of pairs; allowed loss "
          f"{info['max_f1_loss']})")
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=512, help="pairs per timing run")
    parser.add_argument("--batch-size", type=int, default=8, help="pairs per forward pass")
    parser.add_argument("--copies", type=int, default=1,
                        help="copies of the article set (identical copies in one batch share "
                             "their scored pairs, which flatters the ratio; keep 1)")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs (median reported)")
    parser.add_argument("--polnear", type=int, default=20,
                        help="PolNeAR dev articles in the second corpus (0 = skip it)")
    parser.add_argument("--bf16", default="auto", help="pipeline stance bf16: auto/true/false")
    parser.add_argument("--docs-per-batch", type=int, default=64,
                        help="documents per nlp.pipe batch (64: claimtrace annotate's default "
                             "--batch-size)")
    parser.add_argument("--stance-batch", type=int, default=None,
                        help="pipeline stance pairs per forward pass (default: the config's)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()

    result = {"pairs_per_s": bench_pairs(args.pairs, args.repeat, args.batch_size)}
    print(f"stance model: fp32 {result['pairs_per_s']['fp32']:.1f} pairs/s, "
          f"bf16 {result['pairs_per_s']['bf16']:.1f} pairs/s "
          f"({result['pairs_per_s']['bf16'] / result['pairs_per_s']['fp32']:.2f}x)")
    from pipeline.stance.model import bf16_supported, use_bf16

    # the stance/extraction ratio depends on the CPU: without native bf16 the model runs in
    # fp32, about 2x slower per pair, while extraction speed hardly changes
    print(f"CPU bf16: {'native (AMX or avx512_bf16)' if bf16_supported() else 'not native'}; "
          f"pipeline stance runs in {'bf16' if use_bf16(args.bf16) else 'fp32'}")
    from pipeline.build import load_pipeline

    nlp = load_pipeline("configs/default.cfg")
    corpora = {"bundled articles": (load_texts(args.copies), TARGETS),
               "PolNeAR dev": (polnear_texts(args.polnear), POLNEAR_TARGETS)}
    result["pipeline"] = {}
    for name, (texts, targets) in corpora.items():
        if not texts:
            print(f"{name}: no texts (../shared missing?), skipped")
            continue
        result["pipeline"][name] = bench_pipeline(nlp, texts, targets, args.repeat, args.bf16,
                                                  args.docs_per_batch, args.stance_batch)
        print_pipeline(name, result["pipeline"][name])
    result["dev_quality"] = dev_quality()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
