"""Score researcher-supplied (target, text[, context]) pairs from JSONL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pipeline.errors import ClaimtraceError, Errors
from pipeline.stance.data import TASK_LABELS
from pipeline.stance.model import Calibration, StanceModel, decide


@dataclass
class ParsedLine:
    """One input line: the example to score, or the error that line raised."""

    line: int
    example: dict | None = None
    error: ClaimtraceError | None = None


def parse_pairs(lines: Iterable[str], name: str, default_task: str = "stance"
                ) -> Iterator[ParsedLine]:
    """Parse JSONL pair lines; bad lines yield an error, blank lines are skipped."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield ParsedLine(number, error=ClaimtraceError(Errors.E203, line=number, name=name,
                                                           detail=exc.msg))
            continue
        if not isinstance(obj, dict):
            yield ParsedLine(number, error=ClaimtraceError(Errors.E203, line=number, name=name,
                                                           detail="not an object"))
            continue
        missing = next((f for f in ("target", "text")
                        if not isinstance(obj.get(f), str) or not obj[f].strip()), None)
        if missing:
            yield ParsedLine(number, error=ClaimtraceError(Errors.E204, line=number, name=name,
                                                           field=missing))
            continue
        task = obj.get("task", default_task)
        if task not in TASK_LABELS:
            yield ParsedLine(number, error=ClaimtraceError(Errors.E207, task=task, line=number,
                                                           name=name))
            continue
        context = obj.get("context") if isinstance(obj.get("context"), str) else ""
        yield ParsedLine(number, example={**obj, "task": task, "context": context})


def labelled(example: dict, probs: list[float], calibration: Calibration | None = None) -> dict:
    """The input object plus label (after the calibrated neutral threshold when given), score
    and all class scores."""
    names = TASK_LABELS[example["task"]]
    best = decide(probs, example["task"], calibration) if calibration else max(
        range(len(names)), key=lambda k: probs[k])
    return {**example, "label": names[best], "score": round(probs[best], 4),
            "scores": {n: round(p, 4) for n, p in zip(names, probs, strict=True)}}


def predict_lines(model: StanceModel, lines: Iterable[str], name: str, batch_size: int = 8,
                  default_task: str = "stance", chunk: int = 2048) -> Iterator[dict]:
    """Output records in input order: scored pairs or ``{"line", "error"}`` records."""
    pending: list[ParsedLine] = []

    def flush() -> Iterator[dict]:
        good = [p for p in pending if p.example is not None]
        probs = iter(model.score([p.example for p in good], batch_size=batch_size))
        for p in pending:
            if p.error is not None:
                yield {"line": p.line, "error": p.error.to_dict()}
            else:
                yield labelled(p.example, next(probs), model.calibration)
        pending.clear()

    for parsed in parse_pairs(lines, name, default_task):
        pending.append(parsed)
        if len(pending) >= chunk:
            yield from flush()
    yield from flush()
