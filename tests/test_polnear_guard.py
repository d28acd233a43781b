"""Regression guard on PolNeAR dev (all 84 articles): fails when the extraction scores drop
below what the pipeline has reached. Raise the thresholds as the pipeline improves.

Reached (claimtrace evaluate --gold ../shared/data/polnear/dev --format brat):
quotes with marks F1@0.3 0.943, speaker accuracy 0.930, all attributions F1@0.3 0.805,
indirect recall@0.3 0.662.
"""

import pytest
from shared_data import require_shared
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.paths import SHARED_DIR

GUARD = {"--min-quoted-f1": "0.94", "--min-speaker-acc": "0.93", "--min-all-f1": "0.80",
         "--min-indirect-recall": "0.66"}


@pytest.mark.slow
def test_polnear_dev_scores_do_not_regress():
    dev = require_shared(SHARED_DIR / "data" / "polnear" / "dev")
    args = ["evaluate", "--gold", str(dev), "--format", "brat", "--no-progress"]
    for option, value in GUARD.items():
        args += [option, value]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output[-3000:]
