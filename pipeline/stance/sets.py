"""The named evaluation sets and the metrics every stance number in the docs comes from.

Every set is split by topic from training: PERSPECTRUM by claim (official split), NewsMTSC by
the authors' split, Claim Stance by the configured held-out topics, ArgKP by its official dev
topics. ``mechanics`` applies the training augmentations to the held-out Claim Stance and ArgKP
topics and to NewsMTSC dev sentences, so it measures the taught mechanics (negated and noun-phrase
targets, confirm/deny/hedge, reported views, concession) on unseen topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.metrics import accuracy_score, f1_score

from pipeline.stance import augment, data, debater
from pipeline.stance.trainset import source_root


@dataclass
class EvalSet:
    """Examples plus the label ids a prediction is restricted to (2-class sets use (0, 1))."""

    name: str
    examples: list[dict]
    labels: tuple[int, ...]
    train_key: str  # which training pool its TF-IDF baseline learns from
    goal: str = "reported"
    goal_f1: float | None = None


def perspectrum_root(cfg: dict):
    return source_root(cfg, "perspectrum")


def newsmtsc_root(cfg: dict):
    return source_root(cfg, "newsmtsc")


def _head(examples: list[dict], limit: int) -> list[dict]:
    """A deterministic, evenly spaced slice (keeps every class of a sorted-by-source list)."""
    if not limit or limit >= len(examples):
        return examples
    step = len(examples) / limit
    return [examples[int(i * step)] for i in range(limit)]


def mechanics_examples(cfg: dict) -> list[dict]:
    """The augmentations built from held-out topics and sentences only (never trained on)."""
    seed = cfg["training"]["seed"] + 1000
    root = source_root(cfg, "debater")
    augment.use_spacy_model(cfg.get("augment", {}).get("spacy_model", augment.SPACY_MODEL))
    held_out = (debater.claim_stance_examples(root, cfg["data"]["claim_stance_dev_topics"], "dev")
                + debater.argkp_examples(root, "dev", key_points=False))
    out = augment.negated_targets(held_out, 0.3, seed)
    out += augment.gerund_targets(held_out, 0.2, seed)
    out += augment.discourse_frames(held_out, 40, seed)
    out += augment.topic_neutrals({e["target"] for e in held_out}, 5, seed)
    sentences = [e["text"] for e in data.newsmtsc_examples(newsmtsc_root(cfg), "dev")]
    out += augment.factual_frames(sentences, 150, seed)
    return out


def eval_sets(cfg: dict, split: str, limit: int = 0) -> list[EvalSet]:
    """Every stance set for ``dev`` (model selection) or ``test`` (reported numbers).

    Claim Stance and ArgKP have no test topics here (they are kept aside for independent
    evaluation), so their held-out dev topics appear in both."""
    seed = cfg["training"]["seed"]
    dcfg = cfg["data"]
    three = data.perspectrum_examples(perspectrum_root(cfg), split,
                                      neutral_per_claim=dcfg["neutral_per_claim"], seed=seed)
    two = [ex for ex in three if ex["label"] != data.NEUTRAL]
    sets = [
        EvalSet(f"perspectrum-{split} (support/undermine)", _head(two, limit), (0, 1),
                "stance-2", "macro-F1 >= 0.80", 0.80),
        EvalSet(f"perspectrum+neutral-{split} (3-class, built)", _head(three, limit), (0, 1, 2),
                "stance-3"),
    ]
    if dcfg.get("use_newsmtsc", True):
        news = data.newsmtsc_examples(newsmtsc_root(cfg), "dev" if split == "dev" else "test")
        sets.append(EvalSet(f"newsmtsc-rw-{split} (entity, 3-class)", _head(news, limit),
                            (0, 1, 2), "newsmtsc", "macro-F1 >= 0.80", 0.80))
    if dcfg.get("use_claim_stance", True):
        claims = debater.claim_stance_examples(source_root(cfg, "debater"),
                                               dcfg["claim_stance_dev_topics"], "dev")
        sets.append(EvalSet("claim-stance (held-out topics, pro/con)", _head(claims, limit),
                            (0, 1), "stance-2", "macro-F1 >= 0.80", 0.80))
    if dcfg.get("use_argkp", True):
        args = debater.argkp_examples(source_root(cfg, "debater"), "dev", key_points=False)
        sets.append(EvalSet("argkp (dev topics, pro/con)", _head(args, limit), (0, 1),
                            "stance-2", "macro-F1 >= 0.88", 0.88))
    if cfg.get("augment"):
        sets.append(EvalSet("mechanics (held-out topics, 3-class)",
                            _head(mechanics_examples(cfg), limit), (0, 1, 2), "stance-3"))
    return sets


def predict_labels(probs: Sequence[Sequence[float]], labels: Sequence[int]) -> list[int]:
    """Argmax restricted to ``labels`` (the 2-class sets ignore neutral)."""
    return [max(labels, key=lambda k, row=row: row[k]) for row in probs]


def scores(gold: Sequence[int], pred: Sequence[int], labels: Sequence[int]) -> dict[str, float]:
    """Macro-F1 over ``labels`` and accuracy."""
    return {"macro_f1": float(f1_score(gold, pred, labels=list(labels), average="macro",
                                       zero_division=0)),
            "accuracy": float(accuracy_score(gold, pred)), "n": len(gold)}
