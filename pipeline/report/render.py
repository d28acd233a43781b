"""Render the package's Jinja2 templates and write the HTML file safely.

Autoescape is on for every ``.html``/``.j2`` template, so record text can never become markup;
the CSS and JS files it inlines are ours and are included verbatim.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pipeline import __version__
from pipeline.errors import ClaimtraceError, Errors
from pipeline.report.labels import speaker_colours


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (cached: templates compile once per process)."""
    env = Environment(
        loader=PackageLoader("pipeline.report", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals["colours"] = speaker_colours
    env.globals["version"] = __version__
    return env


def render(template: str, **context: Any) -> str:
    """Render one template of ``pipeline/report/templates``."""
    return environment().get_template(template).render(**context)


def check_output(output: Path, inputs: list[Path]) -> None:
    """Refuse to write over an input file (E608)."""
    target = output.resolve()
    for path in inputs:
        if path.exists() and path.resolve() == target:
            raise ClaimtraceError(Errors.E608, output=str(output))


def write_html(html: str, output: Path) -> int:
    """Write ``html`` to ``output`` atomically (a crash never leaves half a file); returns bytes."""
    data = html.encode("utf-8")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; a report is meant to be shared
            os.replace(tmp, output)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ClaimtraceError(Errors.E609, output=str(output), detail=exc.strerror or exc) from exc
    return len(data)
