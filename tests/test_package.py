"""`claimtrace package`: the wheels install non-editable in a fresh virtualenv, where
`claimtrace annotate` works from an empty folder and spacy.load("en_claimtrace") returns the
whole pipeline. Slow (builds two wheels and installs every dependency into a new venv)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.build import PACKAGE_NAME
from pipeline.paths import REPO_ROOT

ARTICLE = (REPO_ROOT / "corpus" / "articles" / "marlow-bridge.txt").read_text(encoding="utf-8")


def _run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, (command, result.stdout[-3000:], result.stderr[-3000:])
    return result


@pytest.mark.slow
def test_built_wheels_work_in_a_fresh_virtualenv(nlp, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HF_HUB_OFFLINE"] = "1"
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pipeline.cli", "package", str(dist)], cwd=REPO_ROOT, env=env)
    wheels = sorted(dist.glob("*.whl"))
    assert {w.name.split("-")[0] for w in wheels} == {"claimtrace", PACKAGE_NAME}

    venv = tmp_path / "venv"
    _run([sys._base_executable, "-m", "venv", str(venv)], env=env)
    _run([str(venv / "bin" / "pip"), "install", "-q", "-c", str(REPO_ROOT / "constraints.txt"),
          *map(str, wheels)], env=env, timeout=1800)

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "article.txt").write_text(ARTICLE, encoding="utf-8")
    _run([str(venv / "bin" / "claimtrace"), "annotate", "article.txt", "-o", "out.jsonl",
          "--target", "The bridge should reopen soon"], cwd=empty, env=env)
    (record,) = [json.loads(line) for line in (empty / "out.jsonl").read_text().splitlines()]
    assert record["text"] == ARTICLE and record["quotes"] and record["claims"]
    assert record["claims"][0]["stance"][0]["target"] == "The bridge should reopen soon"

    probe = (
        "import json, spacy, pipeline\n"
        f"nlp = spacy.load({PACKAGE_NAME!r})\n"
        "print(json.dumps({'pipes': nlp.pipe_names, 'code': pipeline.__file__, "
        "'model': str(nlp.get_pipe('stance').model_dir)}))\n"
    )
    out = json.loads(_run([str(venv / "bin" / "python"), "-c", probe], cwd=empty,
                          env=env).stdout.strip().splitlines()[-1])
    assert out["pipes"] == nlp.pipe_names
    assert Path(out["code"]).is_relative_to(venv)  # the installed code, not the checkout
    assert Path(out["model"]).is_relative_to(venv)
    assert (Path(out["model"]) / "weights.safetensors").is_file()
