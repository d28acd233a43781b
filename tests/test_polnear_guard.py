"""Regression guard on PolNeAR dev (all 84 articles): fails when the extraction scores drop
below what the pipeline has reached. Raise the thresholds as the pipeline improves.

Reached (claimtrace evaluate --gold ../shared/data/polnear/dev --format brat):
quotes with marks F1@0.3 0.943, speaker accuracy 0.930, all attributions F1@0.3 0.811,
indirect recall@0.3 0.671 (precision 0.797); with --config configs/accurate.cfg (the span
tagger ensemble): 0.946, 0.932, 0.822, 0.698 (0.797).
"""

import pytest
from shared_data import require_shared
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.paths import SHARED_DIR

GUARDS = {
    "configs/default.cfg": {"--min-quoted-f1": "0.94", "--min-speaker-acc": "0.93",
                            "--min-all-f1": "0.805", "--min-indirect-recall": "0.665"},
    "configs/accurate.cfg": {"--min-quoted-f1": "0.94", "--min-speaker-acc": "0.93",
                             "--min-all-f1": "0.82", "--min-indirect-recall": "0.69"},
}


@pytest.mark.slow
@pytest.mark.parametrize("config", sorted(GUARDS))
def test_polnear_dev_scores_do_not_regress(config):
    dev = require_shared(SHARED_DIR / "data" / "polnear" / "dev")
    args = ["evaluate", "--gold", str(dev), "--format", "brat", "--no-progress",
            "--config", config]
    for option, value in GUARDS[config].items():
        args += [option, value]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output[-3000:]
