"""Saving a component's word lists and rule files with the pipeline.

A component keeps the raw text of every resource it was configured with; ``nlp.to_disk``
writes those texts into the component's folder and ``spacy.load`` reads them back, so a saved
or packaged pipeline needs neither the repository nor the configured paths."""

from __future__ import annotations

from pathlib import Path

import srsly

from ..errors import ClaimtraceError, Errors
from ..resources import read_resource

INDEX = "resources.json"


class ResourceComponent:
    """Mixin: ``self.resources`` maps a resource name (a config key) to its file text, and
    ``self._load()`` rebuilds what the rules use from that text and the settings."""

    resources: dict[str, str]

    def _read(self, paths: dict[str, str]) -> None:
        """Read the configured files (empty path: no such resource) and load them."""
        self.resources = {name: read_resource(p) for name, p in paths.items() if p}
        self._load()

    @staticmethod
    def _file_name(name: str, text: str) -> str:
        """The file a resource is saved as: JSON rule files keep ``.json``."""
        return f"{name}.json" if text.lstrip().startswith("{") else f"{name}.txt"

    def _load(self) -> None:  # pragma: no cover - every component overrides it
        raise NotImplementedError

    def to_bytes(self, *, exclude: tuple = ()) -> bytes:
        return srsly.msgpack_dumps(self.resources)

    def from_bytes(self, data: bytes, *, exclude: tuple = ()):
        self.resources = dict(srsly.msgpack_loads(data))
        self._load()
        return self

    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        names = {}
        for name, text in sorted(self.resources.items()):
            file = self._file_name(name, text)
            (path / file).write_text(text, encoding="utf-8")
            names[name] = file
        srsly.write_json(path / INDEX, names)

    def from_disk(self, path: str | Path, *, exclude: tuple = ()):
        path = Path(path)
        if not (path / INDEX).is_file():
            raise ClaimtraceError(Errors.E153, path=str(path), what=INDEX)
        resources = {}
        for name, file in srsly.read_json(path / INDEX).items():
            if not (path / file).is_file():
                raise ClaimtraceError(Errors.E153, path=str(path), what=file)
            resources[name] = (path / file).read_text(encoding="utf-8")
        self.resources = resources
        self._load()
        return self

