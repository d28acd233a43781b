"""Building the pipeline from configs/default.cfg: order, overrides, coded errors."""

import pytest

from pipeline.build import load_pipeline, parse_overrides
from pipeline.errors import ClaimtraceError


def test_default_pipeline_order_and_no_problems(nlp):
    names = nlp.pipe_names
    assert names[0] == "paragraphs" and names.index("ner") < names.index("actors")
    assert names.index("actors") < names.index("quotes") < names.index("attribution")
    assert names.index("attribution") < names.index("claims")
    problems = nlp.analyze_pipes(pretty=False)["problems"]
    assert all(not p for p in problems.values()), problems


def test_overrides_change_the_config_hash(nlp):
    tuned = load_pipeline(overrides=parse_overrides(["components.quotes.min_cue_precision=0.6"]))
    assert tuned.get_pipe("quotes").cues.is_blocked("call")  # 0.55 in the derived lexicon
    assert not nlp.get_pipe("quotes").cues.is_blocked("call")
    assert tuned.meta["claimtrace"]["config_hash"] != nlp.meta["claimtrace"]["config_hash"]


@pytest.mark.parametrize(("call", "code"), [
    (lambda: load_pipeline("configs/missing.cfg"), "E101"),
    (lambda: load_pipeline(overrides={"paths.spacy_model": "no_such_model_xx"}), "E102"),
    (lambda: parse_overrides(["no-equals-sign"]), "E104"),
])
def test_coded_errors(call, code):
    with pytest.raises(ClaimtraceError) as info:
        call()
    assert info.value.code == code and info.value.hint
