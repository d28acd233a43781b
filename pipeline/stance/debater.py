"""IBM Project Debater stance sets: Claim Stance (Wikipedia claims) and ArgKP (crowd arguments
and key points), each a (debate topic, text, pro/con) pair.

Both are split **by topic**: every dev or test topic is unseen in training, which is what
stance toward a user's own targets needs. Claim Stance ships only its train topics here, so a
configured list of them is held out as dev (``claim_stance_dev_topics`` in configs/stance.cfg);
ArgKP keeps its official train/dev topic split.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from pipeline.stance.data import _require, example, file_sha256

CLAIM_STANCE_FILE = "claim_stance_train.jsonl"
ARGKP_FILES = {"arguments": "kpa_arguments_{split}.csv", "key_points": "kpa_key_points_{split}.csv"}
PRO_CON = {"PRO": 0, "CON": 1, "1": 0, "-1": 1}


def claim_stance_examples(root: Path, dev_topics: list[int], part: str) -> list[dict]:
    """Claim Stance pairs (target = the motion without "This house ...", text = the claim).

    ``part`` is ``train`` (every topic not in ``dev_topics``) or ``dev`` (only those)."""
    path = _require(Path(root) / CLAIM_STANCE_FILE, "IBM Claim Stance")
    held_out = {int(t) for t in dev_topics}
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if (int(row["topic_id"]) in held_out) != (part == "dev"):
            continue
        out.append({**example("stance", row["target"], row["claim"], PRO_CON[row["stance"]],
                              "claim-stance"), "topic": str(row["topic_id"])})
    return out


def argkp_examples(root: Path, split: str, key_points: bool = True) -> list[dict]:
    """ArgKP arguments (and, with ``key_points``, the short key points) of the official
    ``train`` or ``dev`` topics, labelled pro (favor) or con (against) toward the topic."""
    out = []
    kinds = ("arguments", "key_points") if key_points else ("arguments",)
    for kind in kinds:
        path = _require(Path(root) / ARGKP_FILES[kind].format(split=split), f"ArgKP {kind}")
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = row["argument" if kind == "arguments" else "key_point"].strip()
                out.append({**example("stance", row["topic"].strip(), text,
                                      PRO_CON[row["stance"].strip()], f"argkp-{kind}"),
                            "topic": row["topic"].strip()})
    return out


def debater_hashes(root: Path) -> dict[str, str]:
    names = [CLAIM_STANCE_FILE] + [f.format(split=s) for f in ARGKP_FILES.values()
                                   for s in ("train", "dev")]
    return {f"ibm-debater/{n}": file_sha256(Path(root) / n) for n in names
            if (Path(root) / n).exists()}
