"""The training pairs of one run: every configured source, topic-disjoint from dev, plus the
augmentations of ``[augment]``, with the sha256 of every file read."""

from __future__ import annotations

import random
from collections.abc import Callable

import numpy as np

from pipeline.paths import resolve
from pipeline.stance import augment, data, debater


def source_root(cfg: dict, name: str):
    """A ``[paths]`` entry resolved against the repository root."""
    return resolve(cfg["paths"][name])


def _cap(examples: list[dict], limit: int, seed: int) -> list[dict]:
    if not limit or len(examples) <= limit:
        return examples
    return random.Random(seed).sample(examples, limit)


def dev_topics(cfg: dict) -> list[str]:
    """The held-out topics (Claim Stance dev topics and ArgKP dev topics) as target strings."""
    dcfg = cfg["data"]
    topics: list[str] = []
    if dcfg.get("use_claim_stance", False):
        topics += [e["target"] for e in debater.claim_stance_examples(
            source_root(cfg, "debater"), dcfg["claim_stance_dev_topics"], "dev")]
    if dcfg.get("use_argkp", False):
        topics += [e["target"] for e in debater.argkp_examples(source_root(cfg, "debater"),
                                                              "dev", key_points=False)]
    return sorted(set(topics))


def drop_dev_topics(examples: list[dict], topics: list[str], threshold: float,
                    similarity: Callable[[list[str], list[str]], np.ndarray]
                    ) -> tuple[list[dict], list[str]]:
    """Training pairs whose target is at least ``threshold`` close to a dev topic are dropped;
    returns (kept, dropped targets). ``similarity(rows, cols)`` gives a cosine matrix."""
    targets = sorted({e["target"] for e in examples if e["task"] == "stance"})
    if not topics or not targets:
        return examples, []
    sims = similarity(targets, topics)
    dropped = {t for t, row in zip(targets, sims, strict=True) if max(row) >= threshold}
    return [e for e in examples if e["target"] not in dropped], sorted(dropped)


def base_gate(cfg: dict):
    """The relevance gate's encoder (base sentence embeddings), for topic similarity."""
    from pipeline.stance.relevance import load_gate

    return load_gate(cfg["model"]["base"], bf16=cfg["training"]["bf16"],
                     threads=cfg["training"]["threads"])


def public_examples(cfg: dict) -> tuple[list[dict], dict[str, str]]:
    """Training pairs of the public sets (before augmentation) and their file hashes."""
    dcfg, seed = cfg["data"], cfg["training"]["seed"]
    cap = dcfg["max_examples_per_source"]
    examples: list[dict] = []
    hashes: dict[str, str] = {}
    if dcfg.get("use_perspectrum", True):
        root = source_root(cfg, "perspectrum")
        examples += _cap(data.perspectrum_examples(
            root, "train", neutral_per_claim=dcfg["neutral_per_claim"], seed=seed), cap, seed)
        hashes.update(data.perspectrum_hashes(root))
    if dcfg.get("use_claim_stance", False) or dcfg.get("use_argkp", False):
        root = source_root(cfg, "debater")
        if dcfg.get("use_claim_stance", False):
            examples += _cap(debater.claim_stance_examples(
                root, dcfg["claim_stance_dev_topics"], "train"), cap, seed)
        if dcfg.get("use_argkp", False):
            examples += _cap(debater.argkp_examples(
                root, "train", key_points=dcfg.get("argkp_key_points", True)), cap, seed)
        hashes.update(debater.debater_hashes(root))
    if dcfg["use_newsmtsc"]:
        root = source_root(cfg, "newsmtsc")
        examples += _cap(data.newsmtsc_examples(root, "train"), cap, seed)
        hashes.update(data.newsmtsc_hashes(root))
    return examples, hashes


def augmentations(cfg: dict, examples: list[dict], gate=None) -> list[dict]:
    """The configured augmentations of ``examples`` (labelled debate pairs and news sentences).

    Built from the public sets only: gold pairs from annotators are never rewritten."""
    acfg, seed = cfg.get("augment", {}), cfg["training"]["seed"]
    if not acfg:
        return []
    augment.use_spacy_model(acfg.get("spacy_model", augment.SPACY_MODEL))
    debate = [e for e in examples if e["task"] == "stance" and e["source"] != "gold"]
    labelled = [e for e in debate if e["label"] != augment.NEUTRAL]
    out: list[dict] = []
    if acfg.get("negated_target_rate"):
        out += augment.negated_targets(labelled, acfg["negated_target_rate"], seed)
    if acfg.get("gerund_target_rate"):
        out += augment.gerund_targets(labelled, acfg["gerund_target_rate"], seed)
    if acfg.get("discourse_per_target"):
        out += augment.discourse_frames(labelled, acfg["discourse_per_target"], seed)
    if acfg.get("topic_neutrals_per_target"):
        out += augment.topic_neutrals({e["target"] for e in labelled},
                                      acfg["topic_neutrals_per_target"], seed)
    if acfg.get("off_topic_neutrals"):
        out += augment.off_topic_neutrals(labelled, acfg["off_topic_neutrals"], seed,
                                          gate.pairwise if gate is not None else None)
    if acfg.get("paraphrase_groups") and cfg["data"].get("use_perspectrum", True):
        kept = {e["target"] for e in examples}  # claims close to a dev topic are already gone
        groups = [group for claim, group in data.perspectrum_paraphrases(
            source_root(cfg, "perspectrum"), "train") if claim in kept]
        out += augment.paraphrase_frames(groups, acfg["paraphrase_groups"], seed)
    if acfg.get("factual_sentences"):
        sentences = [e["text"] for e in examples if e["source"] == "newsmtsc"]
        out += augment.factual_frames(sentences, acfg["factual_sentences"], seed)
    return out


def training_examples(cfg: dict, log=print) -> tuple[list[dict], dict[str, str]]:
    """All training pairs of a run (public sets minus dev topics, augmentations, gold) and the
    hashes of the files read."""
    examples, hashes = public_examples(cfg)
    gate = base_gate(cfg)
    threshold = cfg["data"].get("dev_topic_exclusion")
    if threshold:
        examples, dropped = drop_dev_topics(
            examples, dev_topics(cfg), threshold,
            lambda rows, cols: gate.embed(rows) @ gate.embed(cols).T)
        log(f"dropped {len(dropped)} training targets close to a dev topic: {dropped}")
    examples += augmentations(cfg, examples, gate)
    if cfg["data"]["use_gold"]:
        gold_dir = source_root(cfg, "gold")
        gold = data.gold_examples(gold_dir)
        examples += gold * max(1, int(cfg["data"].get("gold_repeat", 1)))
        hashes.update(data.gold_hashes(gold_dir))
    return examples, hashes
