"""`claimtrace show` and `claimtrace report` from the command line: outputs and coded errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.report.records import iter_lines

from .records import edge_records, error_record, record, write_jsonl

runner = CliRunner()


@pytest.fixture
def edge_file(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "edge.jsonl", edge_records())


def run(*args: str):
    return runner.invoke(app, list(args))


def test_show_one_doc_writes_one_self_contained_page(edge_file: Path, tmp_path: Path):
    out = tmp_path / "deep" / "bridge.html"
    result = run("show", str(edge_file), "--doc", "bridge", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count('data-doc="') == 1 and 'data-doc="bridge"' in html
    assert "<script src" not in html and "<link rel=\"stylesheet\"" not in html
    assert "http://" not in html and "https://" not in html
    assert "Content-Security-Policy" in html


def test_show_without_doc_shows_every_article_and_skips_error_records(edge_file, tmp_path):
    out = tmp_path / "all.html"
    result = run("show", str(edge_file), "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for doc_id in ("bridge", "emoji", "hostile", "no-claims"):
        assert f'data-doc="{doc_id}"' in html
    assert 'data-doc="broken"' not in html


@pytest.mark.parametrize(("args", "code"), [
    (["--doc", "nope"], "E605"),
    (["--doc", "broken"], "E606"),
    (["--max-docs", "2"], "E607"),
])
def test_show_errors_name_the_input_and_what_to_do(edge_file, tmp_path, args, code):
    out = tmp_path / "x.html"
    result = run("show", str(edge_file), "-o", str(out), *args)
    assert result.exit_code == 2
    assert code in result.output and "edge.jsonl" in result.output
    assert not out.exists()


def test_unknown_doc_lists_known_ids(edge_file, tmp_path):
    result = run("show", str(edge_file), "--doc", "nope", "-o", str(tmp_path / "x.html"))
    assert "'bridge'" in result.output


def test_refuses_to_overwrite_the_input(edge_file: Path):
    before = edge_file.read_bytes()
    for command in ("show", "report"):
        result = run(command, str(edge_file), "-o", str(edge_file))
        assert result.exit_code == 2 and "E608" in result.output
    assert edge_file.read_bytes() == before


def test_bad_json_line_is_E602_with_its_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    good = json.dumps(edge_records()[0])
    path.write_text(good + "\n\n{not json\n", encoding="utf-8")
    for command in ("show", "report"):
        result = run(command, str(path), "-o", str(tmp_path / "x.html"))
        assert result.exit_code == 2 and "E602" in result.output and "Line 3" in result.output


@pytest.mark.parametrize(("content", "code"), [
    (b'["a list"]\n', "E603"),
    (b'{"id": "x", "quotes": []}\n', "E603"),
    (b'{"id": "x", "text": "t", "quotes": "no"}\n', "E603"),
    (b'{"id": "x", "text": "caf\xe9"}\n', "E610"),
    (b"\n\n", "E604"),
])
def test_not_a_record_file(tmp_path: Path, content: bytes, code: str):
    path = tmp_path / "in.jsonl"
    path.write_bytes(content)
    result = run("show", str(path), "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 2 and code in result.output, result.output


def test_missing_file_is_E601(tmp_path: Path):
    for command in ("show", "report"):
        result = run(command, str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "x.html"))
        assert result.exit_code == 2 and "E601" in result.output


def test_only_error_records(tmp_path: Path):
    path = write_jsonl(tmp_path / "errs.jsonl", [error_record("a"), error_record("b")])
    result = run("show", str(path), "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 2 and "E604" in result.output
    result = run("report", str(path), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0 and "E604" in result.output  # a report of errors still helps


def test_byte_order_mark_and_duplicate_ids(tmp_path: Path):
    rec = edge_records()[0]
    path = tmp_path / "bom.jsonl"
    line = json.dumps(rec, ensure_ascii=False)
    path.write_bytes(b"\xef\xbb\xbf" + (line + "\n" + line + "\n").encode("utf-8"))
    assert [x.id for x in iter_lines(path)] == ["bridge", "bridge"]
    result = run("show", str(path), "--doc", "bridge", "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 0 and "E611" in result.output


def test_bad_offsets_warn_on_stderr_but_still_render(tmp_path: Path):
    rec = record("bad", "“Yes,” said Al.", [{"quote": "“Yes,”", "cue": "said"}])
    rec["quotes"][0]["start"] = 50
    path = write_jsonl(tmp_path / "bad.jsonl", [rec])
    out = tmp_path / "x.html"
    result = run("show", str(path), "-o", str(out))
    assert result.exit_code == 0 and "E612" in result.output
    assert "E612" in out.read_text(encoding="utf-8")


def test_report_writes_tables_with_every_row(edge_file: Path, tmp_path: Path):
    out = tmp_path / "report.html"
    result = run("report", str(edge_file), "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("<script src") == 0 and html.count("Plotly.newPlot") >= 4
    assert 'id="stance-heatmap"' in html and 'id="sentiment-heatmap"' in html
    assert "&lt;script&gt;alert" in html or "\\u003cscript\\u003e" in html
    assert "<script>alert" not in html


def test_doc_lookup_in_a_big_file_finds_late_and_numeric_ids(tmp_path: Path):
    base = edge_records()[0]
    records = []
    for n in range(30):
        rec = json.loads(json.dumps(base))
        rec["id"] = n if n == 25 else f"doc-é-{n}"
        records.append(rec)
    path = write_jsonl(tmp_path / "many.jsonl", records)
    out = tmp_path / "x.html"
    for doc in ("25", "doc-é-29"):
        result = run("show", str(path), "--doc", doc, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert f'data-doc="{doc}"' in out.read_text(encoding="utf-8")
