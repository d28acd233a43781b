"""Accounts and membership from the CLI; agreement between two real annotator accounts on a
fixture with known values (real server)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipeline.doccano.cli import NEW_PASSWORD_ENV, app
from pipeline.doccano.client import DoccanoAPI

from .helpers import ANNOTATOR_PASSWORD, confirm, pull
from .records import plain_record, span

pytestmark = pytest.mark.doccano
runner = CliRunner()
# stance labels of the six claim-target pairs (doc-a C1..C3, doc-b C1..C3) by annotator:
# observed agreement 4/6, chance agreement 1/3, so Cohen's kappa is exactly 0.5
STANCE = {
    "a": ["favor", "favor", "against", "against", "neutral", "neutral"],
    "b": ["favor", "against", "against", "against", "neutral", "favor"],
}


def _where(doccano_server) -> list[str]:
    return ["--port", str(doccano_server.cfg.port), "--data-dir", str(doccano_server.cfg.data_dir)]


def _cli(doccano_server, *args: str, env: dict | None = None):
    return runner.invoke(app, [*args, *_where(doccano_server)], env=env)


def _add(doccano_server, name: str, role: str, project: str, env: dict | None = None):  # noqa: ANN001, ANN202
    return _cli(doccano_server, "users", "add", name, "--role", role, "--project", project, env=env)


def _push(doccano_server, project: str, tmp_path, *extra: str) -> None:
    source = tmp_path / f"{project}.jsonl"
    records = [plain_record("doc-a"), plain_record("doc-b")]
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    result = _cli(doccano_server, "push", str(source), "--project", project, *extra)
    assert result.exit_code == 0, result.output


def test_users_add_list_and_remove(doccano_server, api, project_name, tmp_path) -> None:
    _push(doccano_server, project_name, tmp_path)
    name = f"u-{project_name[:12]}"
    env = {NEW_PASSWORD_ENV: ANNOTATOR_PASSWORD}
    added = _add(doccano_server, name, "annotator", project_name, env=env)
    assert added.exit_code == 0, added.output
    assert f"{project_name}: annotator (added)" in added.output
    assert f"{project_name}.stance: annotator (added)" in added.output
    DoccanoAPI(doccano_server.url).login(name, ANNOTATOR_PASSWORD)  # the account works
    again = _add(doccano_server, name, "approver", project_name)
    assert again.exit_code == 0 and "approver (role changed)" in again.output
    listed = _cli(doccano_server, "users", "list", "--project", project_name)
    assert f"{name:<20} annotation_approver" in listed.output
    store_id = api.find_project(f"{project_name}.store")["id"]
    assert name not in {m["username"] for m in api.members(store_id)}
    store = _add(doccano_server, name, "annotator", f"{project_name}.store")
    assert store.exit_code == 1 and "E320" in store.output
    nopass = _add(
        doccano_server, "no-pass-user", "annotator", project_name, env={NEW_PASSWORD_ENV: ""}
    )
    assert nopass.exit_code == 1 and "E318" in nopass.output
    weak = _add(
        doccano_server, "weak-user", "annotator", project_name, env={NEW_PASSWORD_ENV: "123"}
    )
    assert weak.exit_code == 1 and "E319" in weak.output
    removed = _cli(doccano_server, "users", "remove", name, "--project", project_name)
    assert removed.exit_code == 0 and f"{project_name}.stance" in removed.output
    assert name not in _cli(doccano_server, "users", "list", "--project", project_name).output


def _label(ann: DoccanoAPI, pid: int, example_id: int, label: str, start: int, end: int) -> int:
    return ann.create_span(pid, example_id, ann.label_types(pid, "span")[label], start, end)


def _annotate_blind(ann: DoccanoAPI, project: str, who: str) -> None:
    """Label both documents and all six stance pairs as annotator ``who``, and confirm."""
    pid = ann.find_project(project)["id"]
    text = plain_record()["text"]
    q1, q2, q3 = (
        span(text, s) for s in ("the budget is balanced", "“We will stay,”", "taxes will rise")
    )
    ann_lee, tom, council = (span(text, s) for s in ("Ann Lee", "Tom Baker", "the council"))
    speaker = ann.label_types(pid, "relation")["SPEAKER_OF"]
    for example in ann.examples(pid):
        eid = example["id"]
        if example["meta"]["doc_id"] == "doc-a":
            quote = _label(ann, pid, eid, "QUOTE", q1["start"], q1["end"])
            actor = _label(ann, pid, eid, "ACTOR", ann_lee["start"], ann_lee["end"])
            if who == "a":
                ann.create_relation(pid, eid, speaker, actor, quote)
            else:
                ann.create_relation(pid, eid, speaker, quote, actor)  # drawn backwards
                _label(ann, pid, eid, "QUOTE", q3["start"], q3["end"])
        else:
            quote = _label(ann, pid, eid, "QUOTE", q2["start"], q2["end"])
            who_said = tom if who == "a" else council
            actor = _label(ann, pid, eid, "ACTOR", who_said["start"], who_said["end"])
            ann.create_relation(pid, eid, speaker, actor, quote)
        confirm(ann, pid, eid)
    sid = ann.find_project(f"{project}.stance")["id"]
    categories = ann.label_types(sid, "category")
    for example in ann.examples(sid):
        meta = example["meta"]
        index = (meta["doc_id"] == "doc-b") * 3 + int(meta["claim_id"][1:]) - 1
        ann.set_category(sid, example["id"], categories[STANCE[who][index]])
        confirm(ann, sid, example["id"])


def test_agreement_between_two_annotators(doccano_server, project_name, tmp_path) -> None:
    project = f"{project_name}-agr"
    _push(doccano_server, project, tmp_path, "--independent")
    env = {NEW_PASSWORD_ENV: ANNOTATOR_PASSWORD}
    for who in ("a", "b"):
        name = f"{who}-{project_name[:12]}"
        result = _add(doccano_server, name, "annotator", project, env=env)
        assert result.exit_code == 0, result.output
        _annotate_blind(
            DoccanoAPI(doccano_server.url).login(name, ANNOTATOR_PASSWORD), project, who
        )

    result = _cli(doccano_server, "agreement", "--project", project, "--json")
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    assert got["documents"] == 2 and len(got["annotators"]) == 2
    assert got["span_f1"]["QUOTE"] == {"f1": 0.8, "matched": 2, "spans": 5}
    assert got["span_f1"]["ACTOR"] == {"f1": 0.5, "matched": 1, "spans": 4}
    assert got["span_f1"]["all"]["f1"] == pytest.approx(0.6667, abs=1e-4)
    assert got["speaker"] == {"agreement": 0.5, "quotes": 2}
    assert got["stance"]["measure"] == "cohen" and got["stance"]["examples"] == 6
    assert got["stance"]["kappa"] == 0.5
    assert got["stance"]["percent_agreement"] == pytest.approx(0.6667, abs=1e-4)
    table = _cli(doccano_server, "agreement", "--project", project)
    assert table.exit_code == 0 and "Cohen's kappa 0.500 over 6 examples" in table.output
    assert max(len(line) for line in table.output.splitlines()) <= 80

    admin = DoccanoAPI(doccano_server.url).login(*_admin())
    mine = {r["id"]: r for r in pull(admin, project, annotator=f"a-{project_name[:12]}")}
    quote = mine["doc-a"]["quotes"][0]  # drew the machine's Q1 and its speaker, not its cue
    assert quote["id"] == "Q1" and quote["cue"] is None and quote["review"] == "changed"
    assert quote["speaker"]["name"] == "Ann Lee" and "review" not in quote["speaker"]
    assert [q["id"] for q in mine["doc-a"]["review"]["deleted"]["quotes"]] == ["Q2", "Q3"]
    blind = _cli(doccano_server, "pull", "--project", project, "-o", str(tmp_path / "x.jsonl"))
    assert blind.exit_code == 1 and "E317" in blind.output
    collaborative = _cli(doccano_server, "agreement", "--project", project_name)
    assert collaborative.exit_code == 1 and "E308" in collaborative.output


def _admin() -> tuple[str, str]:
    from .conftest import ADMIN_PASSWORD, ADMIN_USER

    return ADMIN_USER, ADMIN_PASSWORD
