"""The corpus folder on disk: ``articles.jsonl``, ``articles/<name>.txt`` mirrors, ``gold/*.jsonl``.

``articles.jsonl`` is the source of truth: one article per line, every field always present (so
``datasets.load_dataset("json", ...)`` infers one schema). A text we may redistribute is stored
inline in ``text`` and mirrored as ``articles/<name>.txt`` for people and for ``claimtrace
annotate``; a text we may not (the example article, PolNeAR) is stored by reference:
``text_source`` plus ``text_sha256``, never its words.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path

from pipeline.corpus.ids import SPLITS, text_sha256
from pipeline.errors import ClaimtraceError, Errors
from pipeline.evaluate.brat import read_text
from pipeline.paths import REPO_ROOT, resolve

ARTICLES_FILE = "articles.jsonl"
MIRROR_DIR = "articles"
GOLD_DIR = "gold"

# Field order of an article line; every field is written on every line.
ARTICLE_FIELDS: dict[str, object] = {
    "id": None, "name": None, "title": None, "source": None, "url": None, "date": None,
    "language": "en", "license": "unknown", "split": None, "targets": [], "origin": None,
    "added": None, "text": None, "text_source": None, "text_sha256": None, "extra": "{}",
}


def portable_path(path: str | Path) -> str:
    """A path as stored in the corpus: relative to the repository root when it lies in the
    repository or beside it (``../shared/...``), else absolute."""
    absolute = Path(path).resolve()
    try:
        absolute.relative_to(REPO_ROOT.parent)
    except ValueError:
        return str(absolute)
    return os.path.relpath(absolute, REPO_ROOT)


def normalise_article(record: dict, name: str = "<record>", line: int = 0) -> dict:
    """Check one article line and return it with every field, in the documented order."""
    if not isinstance(record, dict):
        raise ClaimtraceError(Errors.E502, line=line, name=name, detail="not a JSON object")
    out = {key: record.get(key, default) for key, default in ARTICLE_FIELDS.items()}
    problems = []
    if not isinstance(out["id"], str) or not out["id"]:
        problems.append("no string id")
    if not isinstance(out["text"], str) and not isinstance(out["text_source"], str):
        problems.append('neither "text" nor "text_source"')
    if not isinstance(out["text_sha256"], str):
        problems.append('no "text_sha256"')
    if out["split"] not in SPLITS:
        problems.append(f"split {out['split']!r} is not one of {SPLITS}")
    if not isinstance(out["targets"], list):
        problems.append('"targets" is not a list')
    if not isinstance(out["extra"], str):
        out["extra"] = json.dumps(out["extra"], ensure_ascii=False, sort_keys=True)
    if problems:
        raise ClaimtraceError(Errors.E502, line=line, name=name, detail="; ".join(problems))
    out["name"] = out["name"] or out["id"]
    return out


def read_jsonl_objects(path: Path) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for every non-blank line; a bad line raises E502."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ClaimtraceError(Errors.E502, line=number, name=str(path),
                                      detail=exc.msg) from exc
            if not isinstance(obj, dict):
                raise ClaimtraceError(Errors.E502, line=number, name=str(path),
                                      detail="not a JSON object")
            yield number, obj


def write_jsonl_atomic(path: Path, records: list[dict]) -> None:
    """Write all records to ``path`` through a temporary file, so a crash never truncates it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    tmp.replace(path)


class Corpus:
    """One corpus folder. Reads are plain; writes go through :meth:`locked` and are atomic."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.articles_path = self.root / ARTICLES_FILE
        self.mirror_dir = self.root / MIRROR_DIR
        self.gold_dir = self.root / GOLD_DIR

    @classmethod
    def open(cls, root: str | Path) -> Corpus:
        """An existing corpus; E501 when ``root`` has no articles.jsonl."""
        corpus = cls(root)
        if not corpus.articles_path.is_file():
            raise ClaimtraceError(Errors.E501, path=str(root))
        return corpus

    def exists(self) -> bool:
        return self.articles_path.is_file()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold an exclusive lock on the corpus folder itself while writing (E503 if another
        writer has it); no lock file is left behind."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.root, os.O_RDONLY)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise ClaimtraceError(Errors.E503, path=str(self.root)) from exc
            yield
        finally:
            os.close(handle)

    # --- articles ---------------------------------------------------------------------------
    def articles(self) -> list[dict]:
        """Every article line, checked and with all fields ([] for a corpus not created yet)."""
        if not self.articles_path.is_file():
            return []
        return [normalise_article(obj, str(self.articles_path), number)
                for number, obj in read_jsonl_objects(self.articles_path)]

    def write_articles(self, articles: list[dict]) -> None:
        write_jsonl_atomic(self.articles_path, articles)

    def text(self, article: dict) -> str:
        """The article's text: inline, or read from ``text_source`` and checked by hash."""
        if isinstance(article.get("text"), str):
            return article["text"]
        path = resolve(article["text_source"])
        if not path.is_file():
            raise ClaimtraceError(Errors.E512, id=article["id"], path=str(path))
        text = read_text(path)
        actual = text_sha256(text)
        if actual != article["text_sha256"]:
            raise ClaimtraceError(Errors.E513, id=article["id"], path=str(path), actual=actual,
                                  expected=article["text_sha256"])
        return text

    def mirror_path(self, article: dict) -> Path:
        return self.mirror_dir / f"{article['name']}.txt"

    def write_mirror(self, article: dict) -> Path | None:
        """Write ``articles/<name>.txt`` for an inline text (exact bytes, newlines as stored)."""
        if not isinstance(article.get("text"), str):
            return None
        path = self.mirror_path(article)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            handle.write(article["text"])
        return path

    def stale_mirrors(self, articles: list[dict]) -> list[tuple[dict, Path]]:
        """Inline articles whose mirror file is missing or differs from the stored text."""
        stale = []
        for article in articles:
            if isinstance(article.get("text"), str):
                path = self.mirror_path(article)
                if not path.is_file() or read_text(path) != article["text"]:
                    stale.append((article, path))
        return stale

    # --- gold -------------------------------------------------------------------------------
    def gold_files(self) -> list[Path]:
        return sorted(self.gold_dir.glob("*.jsonl")) if self.gold_dir.is_dir() else []

    def gold_path(self, set_name: str) -> Path:
        return self.gold_dir / f"{set_name}.jsonl"

    def gold_lines(self, path: Path) -> list[dict]:
        return [obj for _, obj in read_jsonl_objects(path)]
