"""`claimtrace annotate` never loses or corrupts data: every bad option, output path and config
is refused with a coded error and exit 2 before any file is touched; the output appears whole
or not at all; exit codes are distinct (issue 9, "Safe output")."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.output import partial_paths

GOOD = "The mayor said that the bridge will reopen next week after the repairs are complete."
YESTERDAY = '{"id": "kept", "note": "yesterday\'s results"}\n'


@pytest.fixture()
def job(tmp_path):
    """An input folder, an existing output holding yesterday's results, and a runner."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text(YESTERDAY, encoding="utf-8")

    def run(*args, out_path=out, inputs=(src,)):
        cmd = ["annotate", *map(str, inputs), "-o", str(out_path), *map(str, args)]
        return CliRunner().invoke(app, cmd)

    return src, out, run


def _untouched(tmp_path, out):
    assert out.read_text(encoding="utf-8") == YESTERDAY
    assert not any(p.exists() for p in partial_paths(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.jsonl"]


# (arguments, error code): each must exit 2 and leave every file as it was.
USAGE_ERRORS = [
    (["--batch-size", "0"], "E110"),
    (["--batch-size", "-1"], "E110"),
    (["--max-chars", "0"], "E110"),
    (["--workers", "0"], "E110"),
    (["--dask", "local", "--workers", "0"], "E110"),
    (["--dask", "tcp://127.0.0.1:1", "--workers", "2"], "E110"),
    (["--ids", "inode"], "E110"),
    (["--target", "  "], "E110"),
    (["--set", "nonsense"], "E104"),
    (["--set", "components.quotes.min_words_cued=-1"], "E150"),  # a real key, bad value
    (["--set", "components.quotes.no_such_key=2"], "E151"),
    (["--set", "components.quotes.min_cue_precision=high"], "E151"),
    (["--set", "componentz.quotes.x=1"], "E111"),
    (["--set", 'nlp.pipeline=["tok2vec","nope"]'], "E111"),
    (["--config", "configs/missing.cfg"], "E101"),
    (["--set", "paths.spacy_model=no_such_model_xx"], "E102"),
    (["--dask", "tcp://127.0.0.1:1"], "E118"),  # nothing listens there
]


@pytest.mark.parametrize(("args", "code"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_and_config_errors_touch_nothing(job, tmp_path, monkeypatch, args, code):
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "2s")
    _, out, run = job
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert f"[{code}]" in result.stderr, result.stderr
    assert "nothing was written" in result.stderr or code in ("E101", "E102", "E104")
    _untouched(tmp_path, out)


def test_output_onto_an_input_file_is_refused(job, tmp_path):
    src, out, run = job
    article = src / "a.txt"
    result = run(out_path=article, inputs=(article,))
    assert result.exit_code == 2 and "[E112]" in result.stderr
    assert article.read_text(encoding="utf-8") == GOOD
    result = run(out_path=article, inputs=(src / "." / "a.txt",))  # the same file, spelt apart
    assert result.exit_code == 2 and "[E112]" in result.stderr


def test_output_inside_an_input_folder_is_refused_unless_asked(job, tmp_path):
    src, _, run = job
    inside = src / "out.jsonl"
    result = run(out_path=inside)
    assert result.exit_code == 2 and "[E113]" in result.stderr and not inside.exists()
    for _ in range(2):  # allowed: the run never reads its own output back, now or next time
        result = run("--allow-output-in-input", out_path=inside)
        assert result.exit_code == 0, result.output
        assert [json.loads(x)["id"] for x in inside.read_text().splitlines()] == ["a"]
    assert "this run's own output file" in result.stderr


@pytest.mark.parametrize(("where", "code"), [("missing/out.jsonl", "E114"), ("in", "E122")])
def test_output_in_a_missing_folder_or_onto_a_folder(job, tmp_path, where, code):
    _, out, run = job
    result = run(out_path=tmp_path / where)
    assert result.exit_code == 2 and f"[{code}]" in result.stderr
    _untouched(tmp_path, out)


def test_resume_needs_an_output_file(job):
    src, _, _ = job
    result = CliRunner().invoke(app, ["annotate", str(src), "--resume"])
    assert result.exit_code == 2 and "[E117]" in result.stderr


def test_success_replaces_the_output_whole_and_leaves_no_partial_files(job, tmp_path):
    src, out, run = job
    (src / "b.txt").write_text("", encoding="utf-8")  # one failing input: exit 1, still written
    result = run()
    assert result.exit_code == 1, result.output
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", "b"] and records[1]["error"]["code"] == "E001"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.jsonl"]
    assert "1 annotated, 1 failed, 0 skipped" in result.stderr
    (src / "b.txt").unlink()
    assert run().exit_code == 0


def test_stdout_gets_records_only(job):
    src, _, _ = job
    result = CliRunner().invoke(app, ["annotate", str(src)])
    assert result.exit_code == 0
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == ["a"]
    assert "1 annotated" in result.stderr


PROBE = (
    "import runpy, sys\n"
    "sys.argv = ['claimtrace', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('pipeline.cli', run_name='__main__')\n"
    "except SystemExit as exit:\n"
    "    heavy = [m for m in ('torch', 'transformers', 'peft', 'datasets') if m in sys.modules]\n"
    "    print('HEAVY', ','.join(heavy), file=sys.stderr)\n"
    "    raise\n"
)


@pytest.mark.slow
def test_no_stance_work_loads_no_torch_and_stance_work_is_quiet(tmp_path):
    """Only the work asked for: without a stance target neither torch nor transformers is
    imported; with one, the stance model runs and stderr carries no library bars or
    FutureWarnings, only claimtrace's summary."""
    src = tmp_path / "a.txt"
    src.write_text("“We will rebuild the bridge by spring,” said Mayor Ann Lee.\n",
                   encoding="utf-8")
    plain = subprocess.run([sys.executable, "-c", PROBE, "annotate", str(src)],
                           capture_output=True, text=True, timeout=600)
    assert plain.returncode == 0, plain.stderr
    assert "HEAVY \n" in plain.stderr, plain.stderr
    assert json.loads(plain.stdout)["provenance"]["stance_model"] is None

    jsonl = tmp_path / "t.jsonl"  # a target in one article's meta is enough to load stance
    jsonl.write_text(json.dumps({"id": "t", "text": src.read_text(encoding="utf-8"),
                                 "meta": {"targets": ["rebuilding the bridge"]}}) + "\n")
    stance = subprocess.run([sys.executable, "-c", PROBE, "annotate", str(jsonl)],
                            capture_output=True, text=True, timeout=900)
    assert stance.returncode == 0, stance.stderr
    assert "torch" in stance.stderr.split("HEAVY")[1]
    record = json.loads(stance.stdout)
    assert record["claims"][0]["stance"][0]["target"] == "rebuilding the bridge"
    lines = [ln for ln in stance.stderr.splitlines() if ln.strip()]
    assert lines[0].startswith("1 annotated, 0 failed") and lines[1].startswith("HEAVY")
    assert len(lines) == 2, stance.stderr
