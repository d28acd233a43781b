"""The issue's repro against a real server and the real pipeline: a confirmed stance label
stays on the claim it was given to when the pipeline's output shifts claim ids, and an
annotator's unconfirmed work survives the re-push (in place, backed up, reported)."""

from __future__ import annotations

import stat

import pytest

from pipeline.annotate import annotate
from pipeline.doccano.mapping import claim_of_stance_text
from pipeline.doccano.offsets import OffsetMap
from pipeline.inputs import Article
from pipeline.paths import SHARED_DIR
from tests.shared_data import require_shared

from .helpers import annotator, confirm, pull, push, set_stance, stance_examples

pytestmark = [pytest.mark.doccano, pytest.mark.slow]
TARGET = "South Korea supplying weapons to Ukraine"
NEW_FIRST_LINE = "“We will never send weapons to Kyiv,” a Defence Ministry spokesperson said.\n"


def _annotate(nlp, text: str) -> dict:
    return next(annotate(nlp, [Article("seed", text, {"source": "seed.txt"})], [TARGET]))


def test_confirmed_stance_label_stays_on_its_claim(
    doccano_server, api, nlp, project_name, tmp_path
) -> None:
    text = (require_shared(SHARED_DIR / "seed") / "article.txt").read_text(encoding="utf-8")
    first = _annotate(nlp, text)
    judged = next(c for c in first["claims"] if c["id"] == "C4")
    push(api, [first], project_name, tmp_path)

    ann = annotator(doccano_server.url, project_name, f"ann-{project_name[:20]}")
    example = next(e for e in stance_examples(ann, project_name) if e["meta"]["claim_id"] == "C4")
    human = "against" if judged["stance"][0]["label"] != "against" else "favor"
    set_stance(ann, project_name, example["id"], human)
    confirm(ann, ann.find_project(f"{project_name}.stance")["id"], example["id"])
    # an unconfirmed span edit in the article itself: a CUE where the machine has none
    pid = api.find_project(project_name)["id"]
    doc = api.examples(pid)[0]
    phrase = "diplomatic isolation"
    start = text.index(phrase)
    u_start, u_end = OffsetMap(text).span_to_u16(start, start + len(phrase))
    ann.create_span(pid, doc["id"], ann.label_types(pid, "span")["CUE"], u_start, u_end)

    second = _annotate(nlp, NEW_FIRST_LINE + text)
    moved = next(c for c in second["claims"] if c["text"] == judged["text"])
    assert moved["id"] != "C4", "the new first line should shift the claim ids"
    report = push(api, [second], project_name, tmp_path)
    assert report.articles.updated == 1 and report.stance.repointed == 1
    assert report.edits.merged == ["seed"] and len(report.edits.backups) == 1
    backup = report.edits.backups[0]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600 and phrase in backup.read_text()

    after = api.examples(pid)
    assert [e["id"] for e in after] == [doc["id"]]  # updated in place, not re-imported
    names = {v: k for k, v in api.label_types(pid, "span").items()}
    shift = len(NEW_FIRST_LINE)
    new_u = OffsetMap(second["text"]).span_to_u16(start + shift, start + shift + len(phrase))
    assert ("CUE", *new_u) in {
        (names[s["label"]], s["start_offset"], s["end_offset"]) for s in api.spans(pid, doc["id"])
    }

    pulled = pull(api, project_name, include_unconfirmed=True)[0]
    by_text = {c["text"]: c for c in pulled["claims"]}
    item = by_text[judged["text"]]["stance"][0]
    assert item["label"] == human and item["review"] in ("changed", "kept")
    assert by_text[judged["text"]]["id"] == moved["id"]
    now_c4 = next(c for c in pulled["claims"] if c["id"] == "C4")
    assert now_c4["text"] != judged["text"] and now_c4["stance"][0]["review"] == "machine"
    assert pulled["review"]["orphaned"] == {"stance": []}

    texts = [
        claim_of_stance_text(e["text"]) + e["meta"]["target"]
        for e in stance_examples(api, project_name)
    ]
    assert len(texts) == len(set(texts)), "two stance examples for one claim and target"
