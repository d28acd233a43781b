"""Building the pipeline from configs/default.cfg: order, overrides, coded errors."""

import pytest
import spacy

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


@pytest.mark.parametrize(("override", "code", "key"), [
    ({"components.quotes.min_words_cued": -1}, "E150", "components.quotes.min_words_cued"),
    ({"components.quotes.min_cue_precision": 2.5}, "E150", "components.quotes.min_cue_precision"),
    ({"components.claims.min_words": "many"}, "E151", "components.claims.min_words"),
    ({"components.quotes.no_such_setting": 1}, "E151", "components.quotes.no_such_setting"),
])
def test_invalid_config_values_are_coded_errors_naming_the_key(override, code, key):
    with pytest.raises(ClaimtraceError) as info:
        load_pipeline(overrides=override)
    assert info.value.code == code and key in str(info.value), str(info.value)


def test_missing_word_list_is_a_coded_error():
    with pytest.raises(ClaimtraceError) as info:
        load_pipeline(overrides={"paths.titles": "resources:no_such_list.txt"})
    assert info.value.code == "E103" and "no_such_list.txt" in info.value.message


def test_every_setting_is_in_the_default_config(nlp):
    """configs/default.cfg lists each claimtrace component's full default_config."""
    from spacy.language import Language

    from pipeline.paths import REPO_ROOT

    config = spacy.util.load_config(REPO_ROOT / "configs" / "default.cfg", interpolate=False)
    for name, section in config["components"].items():
        factory = section.get("factory", "")
        if not factory.startswith("claimtrace_"):
            continue
        defaults = Language.get_factory_meta(factory).default_config
        assert set(defaults) <= set(section), (name, set(defaults) - set(section))
