"""Training and evaluation pairs for the stance model, built with `datasets`.

Every example is a dict ``{task, target, text, context, mention, label, source}``:
``task`` is ``"stance"`` (target = a proposition, labels favor/against/neutral) or ``"actor"``
(target = an entity, labels positive/negative/neutral); ``label`` is an index into the task's
label tuple (both tuples share the order: pro, contra, neutral, so one 3-way head serves both).

Sources:
* PERSPECTRUM: (claim, perspective) pairs, SUPPORT -> favor, UNDERMINE -> against. Neutral pairs
  are built per claim from perspectives of *other claims of the same split that share a topic
  tag* (random other claim of the split when none shares a topic), so they are on-topic but
  not about this claim. See docs/stance.md for caveats.
* NewsMTSC: (entity mention, news sentence) pairs, polarity 6/2/4 -> positive/negative/neutral.
* corpus/gold/*.jsonl: claims whose ``stance`` list a human set in the doccano loop.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path

import datasets

from pipeline.errors import ClaimtraceError, Errors
from pipeline.types import ACTOR_STANCE_LABELS, STANCE_LABELS

TASK_LABELS = {"stance": STANCE_LABELS, "actor": ACTOR_STANCE_LABELS}
PERSPECTRUM_LABELS = {"SUPPORT": 0, "UNDERMINE": 1}
NEWSMTSC_LABELS = {6.0: 0, 2.0: 1, 4.0: 2}
NEUTRAL = 2

PERSPECTRUM_FILES = {
    "claims": "perspectrum_with_answers_v1.0.json",
    "pool": "perspective_pool_v1.0.json",
    "split": "dataset_split_v1.0.json",
    "topics": "topic.json",
}
NEWSMTSC_FILES = {
    "train": "train.jsonl",
    "dev": "newsmtsc-rw/dev.jsonl",
    "test": "newsmtsc-rw/test.jsonl",
    "mt-test": "newsmtsc-mt/test.jsonl",
}


def example(task: str, target: str, text: str, label: int, source: str,
            context: str = "", mention: tuple[int, int] | None = None) -> dict:
    """One training/evaluation pair in the common format."""
    return {"task": task, "target": target, "text": text, "context": context,
            "mention": list(mention) if mention else None, "label": label, "source": source}


def _require(path: Path, what: str) -> Path:
    if not path.exists():
        raise ClaimtraceError(Errors.E201, what=what, path=str(path))
    return path


def _load_json_rows(path: Path, what: str) -> datasets.Dataset:
    """Read a JSON list or JSONL file through `datasets` (Arrow-backed, cached)."""
    return datasets.load_dataset("json", data_files=str(_require(path, what)), split="train")


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, recorded in training.json for reproducibility."""
    return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()


def perspectrum_hashes(root: Path) -> dict[str, str]:
    return {f"perspectrum/{name}": file_sha256(root / name) for name in PERSPECTRUM_FILES.values()}


def newsmtsc_hashes(root: Path) -> dict[str, str]:
    return {f"newsmtsc/{name}": file_sha256(root / name) for name in NEWSMTSC_FILES.values()}


def _perspectrum_tables(root: Path) -> tuple[list[dict], dict[int, str], dict[str, str], dict]:
    claims = _load_json_rows(root / PERSPECTRUM_FILES["claims"], "PERSPECTRUM claims").to_list()
    pool = _load_json_rows(root / PERSPECTRUM_FILES["pool"], "PERSPECTRUM perspective pool")
    texts = dict(zip(pool["pId"], pool["text"], strict=True))
    split_path = _require(root / PERSPECTRUM_FILES["split"], "PERSPECTRUM split")
    splits = json.loads(split_path.read_text(encoding="utf-8"))
    topics_path = _require(root / PERSPECTRUM_FILES["topics"], "PERSPECTRUM topics")
    topics = {row["claim_id"]: set(row["topics"] or [])
              for row in json.loads(topics_path.read_text(encoding="utf-8"))}
    return claims, texts, splits, topics


def perspectrum_examples(root: Path, split: str, *, neutral_per_claim: float = 0.5,
                         seed: int = 13) -> list[dict]:
    """PERSPECTRUM pairs of one split (train/dev/test), plus on-topic neutral pairs.

    ``neutral_per_claim`` is the number of neutral pairs per labelled pair of that claim
    (0.5 gives about one third neutral overall, close to balanced 3 classes); 0 gives the
    plain 2-class data."""
    claims, texts, splits, topics = _perspectrum_tables(Path(root))
    claims = [c for c in claims if splits.get(str(c["cId"])) == split]
    rng = random.Random(f"{seed}:{split}")
    out: list[dict] = []
    own_pids: dict[int, list[int]] = {}
    for claim in claims:
        pids = []
        for cluster in claim["perspectives"]:
            label = PERSPECTRUM_LABELS[cluster["stance_label_3"]]
            for pid in cluster["pids"]:
                if pid in texts:
                    out.append(example("stance", claim["text"], texts[pid], label,
                                       "perspectrum"))
                    pids.append(pid)
        own_pids[claim["cId"]] = pids
    if neutral_per_claim <= 0:
        return out
    for claim in claims:
        cid = claim["cId"]
        wanted = round(len(own_pids[cid]) * neutral_per_claim)
        mine = set(topics.get(cid, ()))
        same_topic = [c["cId"] for c in claims
                      if c["cId"] != cid and mine & topics.get(c["cId"], set())]
        donors = same_topic or [c["cId"] for c in claims if c["cId"] != cid]
        own = set(own_pids[cid])
        candidates = sorted({p for d in donors for p in own_pids[d]} - own)
        for pid in rng.sample(candidates, min(wanted, len(candidates))):
            out.append(example("stance", claim["text"], texts[pid], NEUTRAL,
                               "perspectrum-neutral"))
    return out


def perspectrum_paraphrases(root: Path, split: str) -> list[tuple[str, list[str]]]:
    """PERSPECTRUM's clusters of equivalent perspectives (two or more texts that make the same
    point) for the claims of one split, as (claim text, group): paraphrase groups for the
    augmentations, with the claim they were written for (to drop held-out topics)."""
    claims, texts, splits, _ = _perspectrum_tables(Path(root))
    groups = []
    for claim in claims:
        if splits.get(str(claim["cId"])) != split:
            continue
        for cluster in claim["perspectives"]:
            group = [texts[p].strip() for p in cluster["pids"] if p in texts]
            if len(set(group)) >= 2:
                groups.append((claim["text"], list(dict.fromkeys(group))))
    return groups


def newsmtsc_examples(root: Path, part: str) -> list[dict]:
    """NewsMTSC (entity mention, sentence) pairs; ``part`` is train, dev, test or mt-test."""
    rows = _load_json_rows(Path(root) / NEWSMTSC_FILES[part], f"NewsMTSC {part}")
    out = []
    for sentence, targets in zip(rows["sentence_normalized"], rows["targets"], strict=True):
        for t in targets:
            out.append(example("actor", t["mention"], sentence,
                               NEWSMTSC_LABELS[float(t["polarity"])], "newsmtsc",
                               mention=(int(t["from"]), int(t["to"]))))
    return out


def gold_examples(gold_dir: Path) -> list[dict]:
    """Stance pairs from human-corrected records in corpus/gold/*.jsonl; [] if there are none.

    Items an annotator kept or changed count (and items without a ``review`` field, written by
    hand); unreviewed machine labels do not."""
    gold_dir = Path(gold_dir)
    files = sorted(gold_dir.glob("*.jsonl")) if gold_dir.is_dir() else []
    out: list[dict] = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            for claim in record.get("claims") or []:
                for st in claim.get("stance") or []:
                    # "machine": pulled from doccano but never confirmed by an annotator, so
                    # training on it would only teach the model its own guesses.
                    if st.get("review") == "machine":
                        continue
                    if st.get("label") in STANCE_LABELS and st.get("target"):
                        out.append(example("stance", st["target"], claim.get("text", ""),
                                           STANCE_LABELS.index(st["label"]), "gold"))
    return out


def gold_hashes(gold_dir: Path) -> dict[str, str]:
    gold_dir = Path(gold_dir)
    files = sorted(gold_dir.glob("*.jsonl")) if gold_dir.is_dir() else []
    return {f"gold/{p.name}": file_sha256(p) for p in files}


def label_counts(examples: list[dict]) -> dict[str, dict[str, int]]:
    """{source: {label name: count}} for the model card and logs."""
    counts: dict[str, Counter] = {}
    for ex in examples:
        name = TASK_LABELS[ex["task"]][ex["label"]]
        counts.setdefault(ex["source"], Counter())[name] += 1
    return {src: dict(sorted(c.items())) for src, c in sorted(counts.items())}
