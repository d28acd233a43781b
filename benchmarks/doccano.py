"""Push and pull N articles through a real doccano server and print articles/s: first push,
unchanged re-push, pull, and a re-push where every article changed (updated in place).

    .venv/bin/python benchmarks/doccano.py [--articles 200] [--input annotated.jsonl]

Without --input, the shared example article (../shared/seed/article.txt) is annotated once by
the real pipeline and cloned under N ids. Without --url, a throwaway server (free loopback
port, temporary data folder, throwaway admin account) is started and stopped.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.doccano import server  # noqa: E402
from pipeline.doccano.client import DoccanoAPI  # noqa: E402
from pipeline.doccano.mapping import strip_review  # noqa: E402
from pipeline.doccano.pull import pull_records  # noqa: E402
from pipeline.doccano.push import push_records  # noqa: E402
from pipeline.doccano.state import PushState  # noqa: E402
from pipeline.paths import SHARED_DIR  # noqa: E402

TARGET = "South Korea should supply arms to Ukraine"


def seed_records(count: int, work: Path) -> list[dict]:
    """The example article annotated once, cloned ``count`` times under distinct ids."""
    annotated = work / "seed.jsonl"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "claimtrace"),
            "annotate",
            str(SHARED_DIR / "seed" / "article.txt"),
            "-o",
            str(annotated),
            "--target",
            TARGET,
        ],
        cwd=REPO,
        check=True,
    )
    base = json.loads(annotated.read_text(encoding="utf-8").splitlines()[0])
    if not any(claim["stance"] for claim in base["claims"]):
        print(
            "the pipeline gave no stance (no stance model?): adding one synthetic neutral "
            "stance per claim so the stance project is exercised too"
        )
        for claim in base["claims"]:
            claim["stance"] = [
                {
                    "target": TARGET,
                    "label": "neutral",
                    "score": 0.5,
                    "scores": {"favor": 0.2, "against": 0.3, "neutral": 0.5},
                }
            ]
    clones = []
    for index in range(count):
        record = copy.deepcopy(base)
        record["id"] = f"bench-{index:04d}"
        clones.append(record)
    return clones


def pipeline_changed(record: dict) -> dict:
    """The record as a slightly different pipeline would give it: the first quote with a cue
    loses it (one CUE span and its relation go; its claims follow)."""
    changed = copy.deepcopy(record)
    quote = next((q for q in changed["quotes"] if q["cue"]), None)
    if quote is not None:
        quote["cue"] = None
        for claim in changed["claims"]:
            if claim["quote_id"] == quote["id"]:
                claim["cue"] = None
    return changed


def main(
    articles: int = typer.Option(200, help="Number of articles to push and pull."),
    input_file: Path = typer.Option(None, "--input", help="JSONL records to push (cycled)."),
    url: str = typer.Option(None, help="Use this running server (needs DOCCANO_ADMIN_* env)."),
) -> None:
    """Measure push and pull throughput in articles/s."""
    with tempfile.TemporaryDirectory(prefix="claimtrace-bench-") as tmp:
        work = Path(tmp)
        if input_file:
            lines = [
                json.loads(x) for x in input_file.read_text(encoding="utf-8").splitlines() if x
            ]
            records = []
            for index in range(articles):
                record = copy.deepcopy(lines[index % len(lines)])
                record["id"] = f"bench-{index:04d}"
                records.append(record)
        else:
            records = seed_records(articles, work)
        cfg = None
        if url is None:
            os.environ.setdefault(server.ADMIN_USER_ENV, "bench-admin")
            os.environ.setdefault(server.ADMIN_PASSWORD_ENV, secrets.token_urlsafe(16))
            cfg = server.ServerConfig(
                work / "data", (REPO / ".venv-doccano").resolve(), server.free_port()
            )
            started = time.monotonic()
            url = server.start(cfg)
            print(f"server up in {time.monotonic() - started:.1f} s at {url}")
        try:
            user, password = server.admin_credentials()
            api = DoccanoAPI(url).login(user, password)
            project = f"bench-{secrets.token_hex(3)}"
            n_quotes = sum(len(r["quotes"]) for r in records)
            n_stance = sum(len(c["stance"] or []) for r in records for c in r["claims"])
            print(f"{len(records)} articles, {n_quotes} quotes, {n_stance} stance items")
            started = time.monotonic()
            push_records(api, records, project, PushState(work, project), show_progress=False)
            push_s = time.monotonic() - started
            started = time.monotonic()
            again = push_records(
                api, records, project, PushState(work, project), show_progress=False
            )
            repush_s = time.monotonic() - started
            started = time.monotonic()
            pulled, _ = pull_records(api, project, include_unconfirmed=True, show_progress=False)
            pull_s = time.monotonic() - started
            assert [strip_review(r) for r in pulled] == records, "round trip was not lossless"
            assert again.articles.created == 0
            changed = [pipeline_changed(r) for r in records]
            started = time.monotonic()
            update = push_records(
                api, changed, project, PushState(work, project), show_progress=False
            )
            update_s = time.monotonic() - started
            assert update.articles.updated == len(records), update.articles
            pulled, _ = pull_records(api, project, include_unconfirmed=True, show_progress=False)
            assert [strip_review(r) for r in pulled] == changed, "in-place update was not exact"
            print(f"push: {push_s:.1f} s = {len(records) / push_s:.1f} articles/s")
            print(
                f"re-push (no changes): {repush_s:.1f} s = {len(records) / repush_s:.1f} articles/s"
            )
            print(f"pull: {pull_s:.1f} s = {len(records) / pull_s:.1f} articles/s (lossless: yes)")
            print(
                f"re-push, every article changed (one cue dropped, updated in place): "
                f"{update_s:.1f} s = {len(records) / update_s:.1f} articles/s (exact: yes)"
            )
        finally:
            if cfg is not None:
                server.stop(cfg)


if __name__ == "__main__":
    typer.run(main)
