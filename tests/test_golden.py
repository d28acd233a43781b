"""Golden output: the JSONL of fixed articles is unchanged (see tests/golden_output.py)."""

import json

import pytest
from golden_output import read_golden, records_for, sets, stored_form
from shared_data import require_shared

from pipeline.paths import SHARED_DIR


def _first_difference(want: list[dict], got: list[dict]) -> str:
    if len(want) != len(got):
        return f"{len(got)} records, golden has {len(want)}"
    for w, g in zip(want, got, strict=True):
        for key in w.keys() | g.keys():
            if w.get(key) != g.get(key):
                wv, gv = w.get(key), g.get(key)
                if isinstance(wv, list) and isinstance(gv, list):
                    for k, (a, b) in enumerate(zip(wv, gv, strict=False)):
                        if a != b:
                            return f"{w['id']}: {key}[{k}]\n golden {a}\n got    {b}"
                    return f"{w['id']}: {key} has {len(gv)} items, golden {len(wv)}"
                return f"{w['id']}: {key}\n golden {wv}\n got    {gv}"
    return ""


@pytest.mark.parametrize("name", ["bundled", "polnear_dev_sample", "seed"])
def test_output_matches_golden(nlp, name):
    if name != "bundled":
        require_shared(SHARED_DIR / "data" / "polnear" / "dev")
        require_shared(SHARED_DIR / "seed" / "article.txt")
    want = read_golden(name)
    got = stored_form(name, records_for(nlp, sets()[name]))
    got = [json.loads(json.dumps(r, ensure_ascii=False, sort_keys=True)) for r in got]
    assert got == want, _first_difference(want, got)
