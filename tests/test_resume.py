"""`--resume` after a crash at any moment (kill -9 of a real run included) finishes the job so
that the output equals an uninterrupted run's: no record lost, none twice (issue 9)."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pipeline.errors import ClaimtraceError
from pipeline.output import ChunkEntry, FileSink, partial_paths

SENTENCES = [
    "“We will rebuild the bridge by spring,” said Mayor Ann Lee.",
    "Finance Minister Carla Ruiz said that taxes would rise next year.",
    "According to the Health Ministry, the outbreak has peaked in the north.",
    "Several economists agree that inflation will slow next year, the report said.",
]
N_ARTICLES = 14


def _write_inputs(folder: Path, changed: int | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    src = folder / "batch.jsonl"
    lines = []
    for i in range(N_ARTICLES):
        text = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3))
        if i == changed:
            text += " The council said that it would appeal."
        lines.append(json.dumps({"id": f"a{i:02d}", "text": text}))
    lines.insert(5, "{not json")  # an error record in the middle counts like any other
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


def _command(src: Path, out: Path, *extra: str) -> list[str]:
    """Paths relative to the test folder (the cwd), so error records name the input alike."""
    root = out.parent
    return [sys.executable, "-m", "pipeline.cli", "annotate", str(src.relative_to(root)),
            "-o", out.name, "--batch-size", "2", *extra]


def _run(src, out, *extra, timeout=600):
    return subprocess.run(_command(src, out, *extra), capture_output=True, text=True,
                          timeout=timeout, cwd=out.parent)


def _chunks_done(out: Path) -> int:
    index = partial_paths(out)[1]
    if not index.exists():
        return -1
    return max(index.read_bytes().count(b"\n") - 1, 0)


def _start_and_stop(src, out, sig, after_chunks, *extra):
    """Start a real run, send ``sig`` once ``after_chunks`` chunks are on disk (-1: as soon as
    the process exists); returns (exit code, stderr, pids of its worker processes)."""
    proc = subprocess.Popen(_command(src, out, *extra), stderr=subprocess.PIPE, text=True,
                            cwd=out.parent)
    deadline = time.monotonic() + 600
    while _chunks_done(out) < after_chunks and proc.poll() is None:
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.05)
    children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    return proc.returncode, stderr, children


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted run's output."""
    root = tmp_path_factory.mktemp("reference")
    src = _write_inputs(root / "in")
    out = root / "out.jsonl"
    result = _run(src, out)
    assert result.returncode == 1, result.stderr  # the broken line is an error record
    return out.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("after_chunks", "extra"),
    [(-1, ()), (0, ()), (1, ()), (4, ()), (2, ("--workers", "2"))],
    ids=["at-start", "before-first-chunk", "after-1-chunk", "after-4-chunks", "2-workers"],
)
def test_kill_9_then_resume_equals_uninterrupted(tmp_path, reference, after_chunks, extra):
    src = _write_inputs(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    code, _, children = _start_and_stop(src, out, signal.SIGKILL, after_chunks, *extra)
    if code != -signal.SIGKILL:  # the run beat the kill: nothing to resume, still must match
        assert out.read_bytes() == reference
        return
    assert not out.exists()  # never half an output under the final name
    deadline = time.monotonic() + 30
    while any(psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"
              for p in children):
        assert time.monotonic() < deadline, "worker processes outlived the killed run"
        time.sleep(0.2)
    resumed = _run(src, out, "--resume", *extra)
    assert resumed.returncode == 1, resumed.stderr
    assert out.read_bytes() == reference
    assert not any(p.exists() for p in partial_paths(out))
    if after_chunks >= 1:
        assert "records reused from the interrupted run" in resumed.stderr


@pytest.mark.slow
def test_ctrl_c_says_what_was_kept_and_exits_130(tmp_path, reference):
    src = _write_inputs(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    code, stderr, _ = _start_and_stop(src, out, signal.SIGINT, 2)
    if code == 1:  # finished before the signal arrived
        assert out.read_bytes() == reference
        return
    assert code == 130, stderr
    assert "interrupted:" in stderr and "--resume" in stderr and out.name in stderr
    assert not out.exists()
    again = _run(src, out)  # forgetting --resume is refused, the partial output is kept
    assert again.returncode == 2 and "[E115]" in again.stderr
    other = _run(src, out, "--resume", "--target", "raising taxes")
    assert other.returncode == 2 and "[E116]" in other.stderr and "targets" in other.stderr
    resumed = _run(src, out, "--resume")
    assert resumed.returncode == 1 and out.read_bytes() == reference


@pytest.mark.slow
def test_resume_recomputes_from_the_first_changed_input(tmp_path):
    src = _write_inputs(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    code, _, _ = _start_and_stop(src, out, signal.SIGKILL, 5)
    _write_inputs(tmp_path / "in", changed=3)  # article 3 (chunk 2) edited meanwhile
    resumed = _run(src, out, "--resume")
    fresh = tmp_path / "fresh.jsonl"
    _run(src, fresh)
    assert out.read_bytes() == fresh.read_bytes()
    if code == -signal.SIGKILL:
        assert "the inputs changed from record 3 on" in resumed.stderr


# -- the crash states a kill can leave, set up exactly -----------------------------------------
KEY = {"config_hash": "sha256:x", "batch_size": 2}


def _sink_with_chunks(out: Path, n: int) -> list[str]:
    sink = FileSink(out, KEY, resume=False)
    sink.open()
    lines = []
    for i in range(n):
        chunk = [json.dumps({"id": f"r{i}"}) + "\n"]
        sink.write_chunk(chunk, ChunkEntry(0, f"d{i}", 1, 0, 3))
        lines += chunk
    sink.close()  # as if killed: partial files stay
    return lines


def test_torn_tails_are_cut_on_resume(tmp_path):
    out = tmp_path / "out.jsonl"
    lines = _sink_with_chunks(out, 3)
    partial, index = partial_paths(out)
    with partial.open("ab") as f:
        f.write(b'{"id": "r3"}\n{"id": "half')  # records of a chunk whose index line is missing
    with index.open("ab") as f:
        f.write(b'{"end": 99, "dig')  # a torn index line
    sink = FileSink(out, KEY, resume=True)
    kept = sink.open()
    assert [c.digest for c in kept] == ["d0", "d1", "d2"]
    assert partial.read_text() == "".join(lines)
    sink.cut(1)  # the inputs of chunk 1 changed
    sink.write_chunk(['{"id": "new"}\n'], ChunkEntry(0, "n1", 1, 0, 1))
    sink.finish()
    assert out.read_text() == lines[0] + '{"id": "new"}\n'
    assert not partial.exists() and not index.exists()


def test_partial_shorter_than_its_index_is_refused(tmp_path):
    out = tmp_path / "out.jsonl"
    _sink_with_chunks(out, 2)
    partial = partial_paths(out)[0]
    partial.write_bytes(partial.read_bytes()[:5])
    with pytest.raises(ClaimtraceError) as info:
        FileSink(out, KEY, resume=True).open()
    assert info.value.code == "E116"


def test_stale_index_after_the_final_rename_starts_fresh(tmp_path):
    """Killed between renaming OUT.partial to OUT and deleting the index: the output is
    complete; the next run (with or without --resume) just starts over."""
    out = tmp_path / "out.jsonl"
    _sink_with_chunks(out, 2)
    partial, index = partial_paths(out)
    os.replace(partial, out)
    for resume in (False, True):
        sink = FileSink(out, KEY, resume=resume)
        assert sink.open() == []
        sink.discard()
    assert out.exists()


def test_a_second_run_on_the_same_output_is_refused(tmp_path):
    out = tmp_path / "out.jsonl"
    first = FileSink(out, KEY, resume=False)
    first.open()
    with pytest.raises(ClaimtraceError) as info:
        FileSink(out, KEY, resume=False).open()
    assert info.value.code == "E120"
    first.close()


def test_nothing_to_resume_without_finished_chunks(tmp_path):
    """Killed before the first chunk: rerunning without --resume just starts again."""
    out = tmp_path / "out.jsonl"
    _sink_with_chunks(out, 0)
    sink = FileSink(out, KEY, resume=False)
    assert sink.open() == []
    sink.close()
