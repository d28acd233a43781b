# claimtrace: every set-up step a fresh machine needs lives here.
#   make run   - install, then annotate the bundled sample articles into out/annotated.jsonl
#   make test  - install (main venv + doccano server venv), then run the whole test suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DOCCANO_VENV := .venv-doccano
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install doccano-install browser-install run test test-fast test-doccano lint bench bench-doccano bench-report bench-corpus evaluate train-stance train-spans train-verifier bench-batch package clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -c constraints.txt -e '.[dev]'
	touch $@

doccano-install: $(DOCCANO_VENV)/.installed

$(DOCCANO_VENV)/.installed:
	test -x $(DOCCANO_VENV)/bin/python || $(PYTHON) -m venv $(DOCCANO_VENV)
	$(DOCCANO_VENV)/bin/pip install -q -U pip
	$(DOCCANO_VENV)/bin/pip install 'doccano==1.8.4' 'marshmallow<4' 'numpy<2'
	touch $@

# Debian's chromium + chromium-driver, for the tests that drive a real headless browser.
browser-install: /usr/bin/chromedriver

/usr/bin/chromedriver:
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver

run: install
	mkdir -p out
	$(BIN)/claimtrace annotate corpus/articles -o out/annotated.jsonl

test: install doccano-install browser-install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not doccano"

lint: install
	$(BIN)/ruff check .

evaluate: install
	$(BIN)/claimtrace evaluate --gold ../shared/data/polnear/dev --format brat
	$(BIN)/claimtrace evaluate --gold ../shared/data/polnear/train --format brat --every 6
	$(BIN)/claimtrace evaluate --gold corpus/gold --format jsonl
	$(BIN)/claimtrace stance evaluate

train-stance: install
	nice -n 10 $(BIN)/claimtrace stance train --config configs/stance.cfg

# Continue training the shipped stance model on corpus/gold (human labels from the doccano
# loop) with a small replay sample of the public sets; writes models/stance-retrained, never
# over models/stance (docs/stance.md, "Retraining from annotators' corrections").
retrain-stance: install
	nice -n 10 $(BIN)/claimtrace stance train --config configs/stance.cfg --init models/stance \
		-o models/stance-retrained --set training.epochs=2 --set training.learning_rate=0.00005 \
		--set data.max_examples_per_source=600 --set data.gold_repeat=4 \
		--set augment.factual_sentences=100 --set augment.off_topic_neutrals=100 \
		--set augment.paraphrase_groups=100 --set augment.discourse_per_target=1 \
		--set augment.topic_neutrals_per_target=1

# Retrains models/spans, the span tagger: features from PolNeAR train without its held-out
# slice (every 6th article), model selection on dev; about 20 min on one busy core. Needs ../shared.
train-spans: install
	nice -n 10 $(BIN)/claimtrace spans data --out out/spans-data
	nice -n 10 $(BIN)/claimtrace spans train --data out/spans-data --out models/spans

# The reported-speech verifier of each profile, fitted on the held-out slice (after train-spans).
train-verifier: install
	$(BIN)/claimtrace spans verifier --out models/spans/verifier.json --threshold 0.40
	$(BIN)/claimtrace spans verifier --config configs/accurate.cfg \
		--out models/spans-ensemble/verifier.json --threshold 0.45

test-doccano: install doccano-install
	$(BIN)/python -m pytest -q tests/doccano

bench: install
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/stance.py

bench-doccano: install doccano-install
	$(BIN)/python benchmarks/doccano.py

bench-report: install
	$(BIN)/python benchmarks/report.py
# corpus similar over a 10,000-article pool (first and cached run) and near-duplicate P/R; needs ../shared
bench-corpus: install
	$(BIN)/python benchmarks/corpus.py
# The installable pipeline (en_claimtrace: spaCy model, word lists and stance model inside) and
# the claimtrace wheel, in dist/: pip install dist/*.whl, then spacy.load("en_claimtrace").
package: install
	$(BIN)/claimtrace package dist
# Batch-job ratios of issue 9 (needs ../shared; about an hour on 2 busy cores).
bench-batch: install
	$(BIN)/python benchmarks/batch.py

clean:
	rm -rf out dist .pytest_cache .ruff_cache
