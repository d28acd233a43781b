"""Own gold JSONL: reader, hash check, coded errors, and the shipped gold files."""

import json
import os
from pathlib import Path

import pytest

from pipeline.errors import ClaimtraceError
from pipeline.evaluate.gold import read_gold_jsonl, sha256_text
from pipeline.paths import REPO_ROOT

TEXT = 'Ann Lee said that costs rose. "Sure," she added. A "bet" it is.'


def require_shared(path: Path) -> None:
    """Skip locally when ../shared is absent, but fail loudly under CI."""
    if path.exists():
        return
    message = f"{path} is missing: ../shared must sit next to the repository"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def write_gold(tmp_path: Path, record: dict) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def base_record(**overrides) -> dict:
    record = {
        "id": "t1", "text": TEXT,
        "quotes": [
            {"start": 18, "end": 28, "type": "indirect", "cue": {"start": 8, "end": 12},
             "speaker": {"mention": {"start": 0, "end": 7}, "name": "Ann Lee"}},
            {"start": 30, "end": 37, "type": "direct", "cue": {"start": 42, "end": 47},
             "speaker": {"mention": {"start": 38, "end": 41}, "name": "Ann Lee"}},
        ],
        "negatives": [{"start": 51, "end": 56, "kind": "scare_quote"}],
    }
    record.update(overrides)
    return record


def test_inline_text_record(tmp_path: Path):
    (doc,) = read_gold_jsonl(write_gold(tmp_path, base_record()))
    assert [doc.text[q.start:q.end] for q in doc.quotes] == ["costs rose", '"Sure,"']
    assert doc.quotes[1].has_quote_mark and not doc.quotes[0].has_quote_mark
    assert doc.text[doc.negatives[0].start:doc.negatives[0].end] == '"bet"'


def test_text_source_with_matching_hash(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    record = base_record(text=None, text_source="a.txt", text_sha256=sha256_text(TEXT))
    (doc,) = read_gold_jsonl(write_gold(tmp_path, record), root=tmp_path)
    assert doc.text == TEXT


def test_text_source_with_wrong_hash_is_E403(tmp_path: Path):
    (tmp_path / "a.txt").write_text(TEXT + " changed", encoding="utf-8")
    record = base_record(text=None, text_source="a.txt", text_sha256=sha256_text(TEXT))
    with pytest.raises(ClaimtraceError) as info:
        read_gold_jsonl(write_gold(tmp_path, record), root=tmp_path)
    assert info.value.code == "E403"


def test_missing_text_source_is_E402(tmp_path: Path):
    record = base_record(text=None, text_source="missing.txt", text_sha256="0")
    with pytest.raises(ClaimtraceError) as info:
        read_gold_jsonl(write_gold(tmp_path, record), root=tmp_path)
    assert info.value.code == "E402"
    assert "missing.txt" in str(info.value)


@pytest.mark.parametrize(
    "bad_quote",
    [{"start": 5, "end": 500, "type": "direct"},           # beyond the text
     {"start": 5, "end": 9, "type": "quoted"},             # unknown type
     {"start": 9, "end": 5, "type": "direct"}],            # reversed
)
def test_invalid_quotes_are_E404(tmp_path: Path, bad_quote: dict):
    with pytest.raises(ClaimtraceError) as info:
        read_gold_jsonl(write_gold(tmp_path, base_record(quotes=[bad_quote])))
    assert info.value.code == "E404"


def test_invalid_json_is_E404(tmp_path: Path):
    path = tmp_path / "gold.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(ClaimtraceError) as info:
        read_gold_jsonl(path)
    assert info.value.code == "E404"


def test_own_articles_gold_loads_and_covers_every_type():
    docs = read_gold_jsonl(REPO_ROOT / "corpus" / "gold" / "articles.jsonl")
    assert len(docs) >= 3
    for doc in docs:
        types = {q.type for q in doc.quotes}
        assert types == {"direct", "mixed", "indirect"}, doc.id
        assert doc.negatives, doc.id
        for quote in doc.quotes:
            content = doc.text[quote.start:quote.end]
            assert content == content.strip()
            if quote.type == "direct":
                assert quote.has_quote_mark, content
        for negative in doc.negatives:
            assert doc.text[negative.start] in "\"“‘«"


def test_seed_gold_loads_with_11_quoted_and_5_indirect():
    require_shared(REPO_ROOT.parent / "shared" / "seed" / "article.txt")
    (doc,) = read_gold_jsonl(REPO_ROOT / "corpus" / "gold" / "seed.jsonl")
    assert sum(q.type in ("direct", "mixed") for q in doc.quotes) == 11
    assert sum(q.type == "indirect" for q in doc.quotes) == 5
    assert all(q.name for q in doc.quotes if q.type != "indirect")
    assert len(doc.negatives) == 5


def test_require_shared_fails_loudly_under_ci(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must sit next to the repository"):
        require_shared(tmp_path / "shared")
    monkeypatch.setenv("CI", "")
    with pytest.raises(pytest.skip.Exception):
        require_shared(tmp_path / "shared")
