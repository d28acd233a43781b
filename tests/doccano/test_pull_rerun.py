"""Pull hands annotator-added quotes to the pipeline's own claims and stance components
(real server, real pipeline)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from pipeline.doccano.rerun import rerun_added_quotes
from pipeline.paths import SCHEMA_PATH

from .helpers import annotator, confirm, pull, push
from .records import plain_record, span

pytestmark = [pytest.mark.doccano, pytest.mark.slow]
TEXT = (
    "The mayor, Ann Lee, said the budget is balanced. “We will stay,” said Tom Baker, a "
    "professor at Foo University. “Taxes must not rise. The strike has to end,” the council "
    "wrote in a letter."
)


def test_added_quote_gets_the_pipelines_claims_and_stance(
    doccano_server, api, nlp, project_name, tmp_path
) -> None:
    record = plain_record()
    record["text"] = TEXT
    record["quotes"], record["claims"] = record["quotes"][:2], record["claims"][:2]
    push(api, [record], project_name, tmp_path)
    pid = api.find_project(project_name)["id"]
    example = api.examples(pid)[0]
    ann = annotator(doccano_server.url, project_name, f"rr-{project_name[:16]}")
    spans = ann.label_types(pid, "span")
    added = span(TEXT, "“Taxes must not rise. The strike has to end,”")
    council = span(TEXT, "the council")
    quote = ann.create_span(pid, example["id"], spans["QUOTE"], added["start"], added["end"])
    actor = ann.create_span(pid, example["id"], spans["ACTOR"], council["start"], council["end"])
    ann.create_relation(
        pid, example["id"], ann.label_types(pid, "relation")["SPEAKER_OF"], actor, quote
    )
    lonely = span(TEXT, "a professor at Foo University")  # added, but without a speaker
    ann.create_span(pid, example["id"], spans["QUOTE"], lonely["start"], lonely["end"])
    confirm(ann, pid, example["id"])

    pulled = pull(api, project_name)
    assert [c["id"] for c in pulled[0]["claims"]] == ["C1", "C2"]
    assert rerun_added_quotes(pulled, lambda: nlp) == 2
    got = pulled[0]
    new_quote = next(q for q in got["quotes"] if q["text"] == added["text"])
    derived = [c for c in got["claims"] if c["quote_id"] == new_quote["id"]]
    assert [c["text"] for c in derived] == ["Taxes must not rise", "The strike has to end"]
    assert [c["id"] for c in derived] == ["C3", "C4"]
    for claim in derived:
        assert claim["review"] == "rerun" and claim["speaker"]["mention"]["text"] == "the council"
        assert TEXT[claim["start"] : claim["end"]] == claim["text"]
        assert [i["target"] for i in claim["stance"]] == ["the strike"]
        assert claim["stance"][0]["label"] in ("favor", "against", "neutral")
        assert claim["stance"][0]["review"] == "machine"  # never gold
    speakerless = next(q for q in got["quotes"] if q["text"] == lonely["text"])
    assert not [c for c in got["claims"] if c["quote_id"] == speakerless["id"]]
    assert [w["code"] for w in got["warnings"]] == ["W302"]
    assert speakerless["id"] in got["warnings"][0]["message"]
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))
    assert list(validator.iter_errors(got)) == []
