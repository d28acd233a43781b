"""Bad input never costs the batch: each gives a coded error naming the input and what to do."""

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.inputs import Article, InputFailure, non_english_reason, read_inputs

GOOD = "The mayor said that the bridge will reopen next week after the repairs are complete."


@pytest.fixture()
def batch(tmp_path):
    tmp_path = tmp_path / "in"  # the output goes next to the input folder, never inside it
    tmp_path.mkdir()
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("   \n\t", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "latin1.txt").write_bytes("Le maire a déclaré que le pont".encode("latin-1"))
    (tmp_path / "huge.txt").write_text("The council met. " * 300_000, encoding="utf-8")  # ~5 MB
    (tmp_path / "german.txt").write_text(
        "Der Bürgermeister sagte, dass die Brücke nächste Woche nach Abschluss der Reparaturen "
        "wieder geöffnet wird.",
        encoding="utf-8",
    )
    lines = [
        json.dumps({"id": "j1", "text": GOOD, "meta": {"targets": ["reopening the bridge"]}}),
        "{not json",
        json.dumps({"id": "j3", "body": "no text"}),
        "",
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    return tmp_path


EXPECTED_CODES = {
    "empty": "E001",
    "binary": "E003",
    "latin1": "E002",
    "huge": "E004",
    "german": "E005",
    "batch:2": "E006",
    "batch:3": "E007",
}


def test_reader_flags_each_bad_input(batch):
    items = {it.id: it for it in read_inputs([str(batch)], max_chars=1_000_000)}
    assert isinstance(items["good"], Article) and isinstance(items["j1"], Article)
    assert items["j1"].meta == {"targets": ["reopening the bridge"]}
    for item_id, code in EXPECTED_CODES.items():
        item = items[item_id]
        assert isinstance(item, InputFailure), item_id
        assert item.error.code == code, (item_id, item.error)
        assert item.error.hint  # always says what to do next


def test_missing_path_is_an_error_item():
    (item,) = read_inputs(["/no/such/file.txt"])
    assert isinstance(item, InputFailure) and item.error.code == "E008"


@pytest.mark.parametrize(
    ("text", "english"),
    [
        (GOOD, True),
        ("Der Bürgermeister sagte, dass die Brücke nächste Woche wieder geöffnet wird.", False),
        (
            "北朝鮮はロシアに兵士を送ったと韓国の情報機関が発表した。これは重大な問題である。",
            True,
        ),  # too few words to judge
        (
            "Северная Корея отправила войска в Россию, заявили в разведке Южной Кореи сегодня.",
            False,
        ),
    ],
)
def test_non_english_detection(text, english):
    assert (non_english_reason(text) is None) == english


def test_cli_keeps_going_and_exits_1(batch, tmp_path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["annotate", str(batch), "-o", str(out)])
    assert result.exit_code == 1, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in records}
    assert by_id["good"]["quotes"][0]["type"] == "indirect"
    assert by_id["j1"]["meta"]["targets"] == ["reopening the bridge"]
    errors = {r["id"]: r["error"]["code"] for r in records if "error" in r}
    assert errors == EXPECTED_CODES
    assert "batch.jsonl" in [r for r in records if r["id"] == "batch:2"][0]["source"]


def test_cli_reads_stdin_text_and_exits_0(tmp_path):
    result = CliRunner().invoke(app, ["annotate", "-"], input=GOOD)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["id"] == "stdin" and record["quotes"]


def test_cli_bad_config_override_is_a_clear_error():
    result = CliRunner().invoke(app, ["annotate", "-", "--set", "nonsense"], input=GOOD)
    assert result.exit_code == 2
    assert "E104" in result.output
