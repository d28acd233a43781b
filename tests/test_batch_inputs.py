"""Hostile inputs a batch job meets: each is read, reported or turned into an error record,
never silently dropped, doubled or split (issue 9, "Correct inputs")."""

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.annotate import RunSpec, build_nlp
from pipeline.inputs import Article, InputFailure, InputReader, read_inputs
from pipeline.paths import resolve
from pipeline.record import doc_to_record

GOOD = "The mayor said that the bridge will reopen next week after the repairs are complete."
OTHER = "Finance Minister Carla Ruiz said that taxes would rise next year, the ministry said."


def line(**obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


def read(paths, **kwargs):
    """(items by position, skip reports) of reading ``paths``."""
    skipped: list[tuple[str, str]] = []
    items = list(read_inputs([str(p) for p in paths], on_skip=lambda p, r: skipped.append((p, r)),
                             **kwargs))
    return items, skipped


def summary(items) -> list[tuple[str, str]]:
    """(id, "ok" or the error code) per item, in order."""
    return [(it.id, "ok" if isinstance(it, Article) else it.error.code) for it in items]


def _unreadable(path: Path) -> None:
    """A file whose read fails with a real OSError, whoever runs the test."""
    if os.geteuid() == 0:  # root reads anything chmod forbids; /proc/self/mem refuses offset 0
        path.symlink_to("/proc/self/mem")
    else:
        path.write_text(GOOD, encoding="utf-8")
        path.chmod(0)


# Each case builds a folder under tmp_path/"in" and lists what reading it must give:
# (ids with "ok" or an error code, in order; substrings the skip reports must contain).
def _separators(root: Path):
    # U+2028/U+2029/U+0085 inside a valid JSONL line (json.dumps(ensure_ascii=False) leaves
    # them raw): still one article, and the next line keeps its number.
    (root / "b.jsonl").write_text("\n".join([
        line(id="s1", text=GOOD + "\u2028" + GOOD + "\u2029 and \u0085 more."),
        "{broken",
        line(text=OTHER),
    ]) + "\n", encoding="utf-8")
    return [("s1", "ok"), ("b:2", "E006"), ("b:3", "ok")], []


def _duplicate_files(root: Path):
    for sub in ("a", "b"):
        (root / sub).mkdir()
        (root / sub / "x.txt").write_text(GOOD, encoding="utf-8")
    return [("x", "ok"), ("x", "E010")], []


def _duplicate_jsonl_ids(root: Path):
    (root / "d.jsonl").write_text("\n".join([
        line(id="same", text=GOOD), line(id="same", text=OTHER), line(id=None, text=OTHER),
        line(id=7, text=GOOD), line(id="", text=GOOD), line(id=["x"], text=GOOD),
    ]), encoding="utf-8")
    return [("same", "ok"), ("same", "E010"), ("d:3", "ok"), ("7", "ok"), ("d:5", "ok"),
            ("d:6", "E011")], []


def _bad_meta(root: Path):
    (root / "m.jsonl").write_text("\n".join([
        line(id="m1", text=GOOD, meta="not an object"),
        line(id="m2", text=GOOD, meta={"targets": "one string"}),
        line(id="m3", text=GOOD, meta={"targets": ["ok", ""]}),
        line(id="m4", text=GOOD, meta=None),
    ]), encoding="utf-8")
    return [("m1", "E014"), ("m2", "E015"), ("m3", "E015"), ("m4", "ok")], []


def _links_and_suffixes(root: Path):
    real = root.parent / "elsewhere"
    real.mkdir()
    (real / "linked.txt").write_text(GOOD, encoding="utf-8")
    (root / "sub").symlink_to(real, target_is_directory=True)  # followed
    (root / "UPPER.TXT").write_text(GOOD, encoding="utf-8")  # read, whatever the case
    (root / "gone.txt").symlink_to(root / "missing.txt")  # an error record
    (root / "gone.md").symlink_to(root / "missing.md")  # reported
    (root / "notes.md").write_text("# notes", encoding="utf-8")  # reported
    (root / ".hidden.txt").write_text(GOOD, encoding="utf-8")  # reported
    (root / "loop").symlink_to(root, target_is_directory=True)  # reported, not followed
    os.mkfifo(root / "pipe.txt")  # reported, never opened (it would block)
    return [("UPPER", "ok"), ("gone", "E013"), ("linked", "ok")], [
        ".hidden.txt: hidden file", "gone.md: broken symbolic link", "loop: symbolic link back",
        "notes.md: not a .txt or .jsonl", "pipe.txt: not a regular file"]


def _unreadable_file(root: Path):
    _unreadable(root / "locked.txt")
    (root / "fine.txt").write_text(GOOD, encoding="utf-8")
    return [("fine", "ok"), ("locked", "E012")], []


def _empty_folder(root: Path):
    (root / "readme.md").write_text("nothing here", encoding="utf-8")
    return [("in", "E018")], ["readme.md: not a .txt or .jsonl"]


def _empty_and_huge_lines(root: Path):
    (root / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    (root / "long.jsonl").write_text("\n".join([
        line(id="big", text="word " * 5000),  # over --max-chars 2000: E004
        line(id="huge", text="word " * 250_000),  # over the line limit: skipped unread
        line(id="after", text=GOOD),
    ]), encoding="utf-8")
    return [("empty", "E001"), ("big", "E004"), ("long:2", "E017"), ("after", "ok")], []


def _markup_names(root: Path):
    (root / "[bold]a.txt").write_text(GOOD, encoding="utf-8")
    (root / "[").mkdir()
    (root / "[" / "x].txt").write_text("", encoding="utf-8")
    (root / "[red]notes.md").write_text("x", encoding="utf-8")
    return [("x]", "E001"), ("[bold]a", "ok")], ["[red]notes.md: not a .txt"]


CASES = {
    "line separators inside JSONL": (_separators, {}),
    "same file name in two folders": (_duplicate_files, {}),
    "repeated, null, numeric, empty and list JSONL ids": (_duplicate_jsonl_ids, {}),
    "meta not an object, bad meta.targets": (_bad_meta, {}),
    "symlinks, .TXT, dangling links, hidden files, loops, FIFOs": (_links_and_suffixes, {}),
    "unreadable file": (_unreadable_file, {}),
    "folder without articles": (_empty_folder, {}),
    "empty JSONL file, over-long line": (_empty_and_huge_lines, {"max_chars": 2000}),
    "rich markup in file names": (_markup_names, {}),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_inputs_table(tmp_path, case):
    build, kwargs = CASES[case]
    root = tmp_path / "in"
    root.mkdir()
    expected, skip_notes = build(root)
    items, skipped = read([root], **kwargs)
    assert summary(items) == expected
    reports = [f"{Path(p).name}: {r}" for p, r in skipped]
    for note in skip_notes:
        assert any(r.startswith(note) for r in reports), (note, reports)
    assert len(reports) == len(skip_notes), reports  # nothing else skipped
    for item in items:
        if isinstance(item, InputFailure):
            assert item.error.hint and item.source


def test_folder_given_twice_is_read_once_and_reported(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    items, skipped = read([tmp_path, tmp_path, tmp_path / "a.txt"])
    assert summary(items) == [("a", "ok")]
    assert len(skipped) == 2 and all("already read" in reason for _, reason in skipped)


def test_ids_from_paths_keep_same_names_apart(tmp_path):
    _duplicate_files(tmp_path)
    items, _ = read([tmp_path], ids="path")
    assert summary(items) == [("a/x", "ok"), ("b/x", "ok")]


def test_inputs_are_streamed_not_listed(tmp_path):
    """The first article is yielded before later files are even opened."""
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(OTHER, encoding="utf-8")
    items = iter(InputReader([str(tmp_path)]))
    assert next(items).id == "a"
    (tmp_path / "b.txt").write_text("", encoding="utf-8")  # changed after the first was read
    assert next(items).error.code == "E001"


def test_cli_reports_skips_and_markup_literally(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    _markup_names(root)
    (root / "[/x].md").write_text("x", encoding="utf-8")  # a MarkupError for rich
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app_cli(), ["annotate", str(root), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "[/x].md: not a .txt or .jsonl file" in result.stderr
    assert "[red]notes.md" in result.stderr
    assert "x].txt" in result.stderr and "E001" in result.stderr
    assert "1 annotated, 1 failed, 2 skipped" in result.stderr
    ids = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert ids == ["x]", "[bold]a"]


def app_cli():
    from pipeline.cli import app

    return app


def test_cli_output_escapes_line_separators(tmp_path):
    """claimtrace's own output stays one line per record even for readers that split on
    U+2028 (str.splitlines), and reads back to the same text."""
    text = GOOD + "\u2028" + OTHER
    src = tmp_path / "in.jsonl"
    src.write_text(line(id="u", text=text) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app_cli(), ["annotate", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.output
    raw = out.read_text(encoding="utf-8")
    assert len(raw.splitlines()) == 1 and "\u2028" not in raw and "\\u2028" in raw
    assert json.loads(raw)["text"] == text


INVISIBLE = {
    "zero-width space": "\u200b",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "LRE/PDF embedding": "\u202a",
    "RLO override": "\u202e",
    "word joiner": "\u2060",
    "byte-order mark": "\ufeff",
}
ARTICLE = (
    "“We will rebuild the bridge by spring,” said Mayor Ann Lee. The council disagreed. "
    "“It is too expensive,” said Councillor Bob Stone."
)


def _sprinkle(text: str, mark: str) -> str:
    """Invisible marks where scrapers leave them: around quote marks, inside names."""
    return (mark + text.replace("“", "“" + mark).replace("”", mark + "”" + mark)
            .replace("Ann Lee", f"Ann{mark} Lee").replace("Bob", f"B{mark}ob"))


@pytest.fixture(scope="module")
def lean_nlp():
    return build_nlp(RunSpec(config=str(resolve("configs/default.cfg")), exclude=("stance",)))


@pytest.mark.parametrize("mark", list(INVISIBLE.values()), ids=list(INVISIBLE))
def test_invisible_characters_do_not_change_the_annotation(lean_nlp, mark):
    clean = doc_to_record(lean_nlp(ARTICLE), "clean")
    text = _sprinkle(ARTICLE, mark)
    record = doc_to_record(lean_nlp(text), "marked")
    assert record["text"] == text  # the input as given, marks included
    assert [a["name"] for a in record["actors"]] == [a["name"] for a in clean["actors"]]
    for actor in record["actors"]:
        assert mark not in actor["name"]
        for m in actor["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    quotes = [(q["type"], q["speaker"]["name"]) for q in record["quotes"]]
    assert quotes == [(q["type"], q["speaker"]["name"]) for q in clean["quotes"]]
    assert len(quotes) == 2  # neither dropped nor joined across the unquoted text
    for quote in record["quotes"]:
        assert text[quote["start"]:quote["end"]] == quote["text"]
        assert quote["text"].startswith("“") and quote["text"].endswith("”")


def test_max_chars_above_spacy_default_is_honoured():
    nlp = build_nlp(RunSpec(config=str(resolve("configs/default.cfg")), exclude=("stance",),
                            max_chars=3_000_000))
    assert nlp.max_length >= 3_000_000
    doc = nlp.make_doc("word " * 250_000)  # 1.25 M characters: spaCy's default limit is 1 M
    assert len(doc) == 250_000
