"""``claimtrace spans``: build the span tagger's training data from PolNeAR and train it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.console import Console

from ..errors import ClaimtraceError, Errors

app = typer.Typer(help="The learned span tagger (content, cue, source): data and training.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
DATA_DIR = Path("out/spans-data")


@app.command("data")
def build_data(
    train_gold: Path = typer.Option(Path("../shared/data/polnear/train"), "--train",
                                    help="Brat folder to train on (its held-out slice, every "
                                         "--every-th article, is left out)."),
    dev_gold: Path = typer.Option(Path("../shared/data/polnear/dev"), "--dev",
                                  help="Brat folder for model selection."),
    out: Path = typer.Option(DATA_DIR, "--out", help="Folder for train.npz, dev.npz and "
                             "vocab.json (features and tags only, no text)."),
    config: str = typer.Option("configs/default.cfg", "--config", help="Pipeline config."),
    every: int = typer.Option(6, "--every", min=2, help="Hold out every N-th training article "
                              "(the 1st, N+1st, ...): the estimate for unseen news."),
    limit: int = typer.Option(0, "--limit", min=0, help="Use only the first N training and N "
                              "development articles (0: all; for quick checks)."),
    word_vectors: bool = typer.Option(False, "--word-vectors/--no-word-vectors",
                                      help="Give each token the base encoder's static word "
                                           "vector too (pipeline/components/spans/"
                                           "wordvectors.py)."),
) -> None:
    """Run the pipeline up to the rule stage on the gold texts and write features + tags."""
    from rich.progress import track

    from ..build import load_pipeline
    from ..components.spans.features import FeatureVocab, first_words_of
    from ..components.spans.wordvectors import WordVectors
    from ..evaluate.brat import read_brat_folder
    from .data import make_examples, save_examples, training_docs

    try:
        train_docs = training_docs(read_brat_folder(train_gold), every)
        dev_docs = read_brat_folder(dev_gold)
        nlp = load_pipeline(config, exclude=["stance", "spans"])
        vectors = WordVectors.from_package() if word_vectors else None
    except ClaimtraceError as err:
        console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    if limit:
        train_docs, dev_docs = train_docs[:limit], dev_docs[:limit]
    quotes = nlp.get_pipe("quotes")
    lexicon, first = quotes.cues, first_words_of(" ".join(w) for w in quotes.matcher.according_to)
    vocab = FeatureVocab()
    out.mkdir(parents=True, exist_ok=True)
    for name, docs, grow in (("train", train_docs, True), ("dev", dev_docs, False)):
        examples = list(track(make_examples(nlp, docs, vocab, lexicon, first, grow, vectors),
                              total=len(docs), description=f"features: {name}",
                              console=console))
        save_examples(examples, out / f"{name}.npz")
        console.print(f"{name}: {len(examples)} articles -> {out / (name + '.npz')}")
    meta = {"vocab": vocab.to_dict(), "every": every, "spacy_model":
            nlp.meta.get("claimtrace", {}).get("spacy_model"), "train_articles": len(train_docs),
            "word_vectors": vectors.describe() if vectors else None}
    (out / "vocab.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


@app.command("train")
def train_model(
    data: Path = typer.Option(DATA_DIR, "--data", help="Folder written by `claimtrace spans "
                              "data`."),
    out: Path = typer.Option(Path("models/spans"), "--out", help="Model folder to write."),
    epochs: int = typer.Option(12, "--epochs", min=1, help="Most epochs to train."),
    hidden: int = typer.Option(64, "--hidden", min=8, help="LSTM width per direction."),
    layers: int = typer.Option(1, "--layers", min=1, help="LSTM layers."),
    threads: int = typer.Option(1, "--threads", min=1, help="torch threads."),
    patience: int = typer.Option(3, "--patience", min=1,
                                 help="Stop after this many epochs without a better dev "
                                      "content F1."),
    seed: int = typer.Option(13, "--seed", help="Random seed (initialisation and order)."),
    teacher: list[Path] = typer.Option([], "--teacher",
                                       help="A trained tagger folder to learn from "
                                            "(repeatable): each token's target mixes its gold "
                                            "tag with the teachers' averaged probabilities."),
    soft_weight: float = typer.Option(0.5, "--soft-weight", min=0.0, max=1.0,
                                      help="With --teacher: the teachers' share of the target."),
    drop_word_vectors: bool = typer.Option(False, "--drop-word-vectors",
                                           help="On data built with --word-vectors, read only "
                                                "the tok2vec columns (a tagger as cheap as one "
                                                "trained without them)."),
) -> None:
    """Train the tagger on train.npz, keep the epoch with the best content F1 on dev.npz."""
    from ..components.spans.tagger import SpanTagger
    from .train import TrainSettings, train

    for name in ("train.npz", "dev.npz", "vocab.json"):
        if not (data / name).is_file():
            console.print(f"[red]{ClaimtraceError(Errors.E162, path=str(data), what=name)}[/red]")
            raise typer.Exit(2)
    meta = json.loads((data / "vocab.json").read_text(encoding="utf-8"))
    settings = TrainSettings(epochs=epochs, hidden=hidden, layers=layers, threads=threads,
                             patience=patience, seed=seed, soft_weight=soft_weight)
    with np.load(data / "dev.npz", allow_pickle=False) as arrays:
        available = int(arrays["dense"].shape[1])  # the data's dense columns
    vectors = meta.get("word_vectors")
    dense_width = None
    if drop_word_vectors and vectors:
        dense_width = available - int(vectors["width"])
        vectors = None
    try:
        teachers = [SpanTagger.from_folder(folder) for folder in teacher]
        for folder, tagger in zip(teacher, teachers, strict=True):
            if tagger.config["dense_width"] > available:
                raise ClaimtraceError(Errors.E161, path=str(folder),
                                      trained=f"{tagger.config['dense_width']}-wide vectors",
                                      given=f"{available}-wide (build the data with "
                                            "--word-vectors)")
    except ClaimtraceError as err:
        console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    out.mkdir(parents=True, exist_ok=True)
    summary = train(data / "train.npz", data / "dev.npz", meta["vocab"], out, settings,
                    log=console.print, word_vectors=vectors, teachers=teachers or None,
                    dense_width=dense_width)
    summary_path = out / "training.json"
    info = json.loads(summary_path.read_text(encoding="utf-8"))
    info.update({"spacy_model": meta.get("spacy_model"), "held_out_every": meta.get("every"),
                 "train_articles": meta.get("train_articles"),
                 "teachers": [str(folder) for folder in teacher]})
    summary_path.write_text(json.dumps(info, indent=1), encoding="utf-8")
    console.print(f"best epoch {summary['best_epoch']}: dev {summary['dev']} -> {out}")


@app.command("verifier")
def train_verifier(
    train_gold: Path = typer.Option(Path("../shared/data/polnear/train"), "--train",
                                    help="Brat folder whose held-out slice (every --every-th "
                                         "article, never trained on) gives the rows."),
    dev_gold: Path = typer.Option(Path("../shared/data/polnear/dev"), "--dev",
                                  help="Brat folder to report the verifier's ranking quality "
                                       "on (ROC AUC)."),
    out: Path = typer.Option(Path("models/spans/verifier.json"), "--out",
                             help="Verifier file to write (weights only, no text)."),
    config: str = typer.Option("configs/default.cfg", "--config",
                               help="Pipeline config whose span stage proposes the candidates "
                                    "(its own verifier is switched off)."),
    every: int = typer.Option(6, "--every", min=2, help="The held-out slice: every N-th "
                              "training article (as `claimtrace spans data --every`)."),
    c: float = typer.Option(0.1, "--c", min=1e-6, help="Inverse L2 strength of the logistic "
                            "regression."),
    threshold: float = typer.Option(0.45, "--threshold", min=0.0, max=1.0,
                                    help="Suggested keep threshold recorded in the file (the "
                                         "pipeline reads components.spans.min_verified)."),
) -> None:
    """Fit the span verifier (pipeline/components/spans/verify.py) on the span stage's
    reported-speech candidates in articles the tagger never saw."""
    from rich.progress import Progress
    from sklearn.metrics import roc_auc_score

    from ..build import load_pipeline
    from ..evaluate.brat import read_brat_folder
    from .data import held_out_docs
    from .verifier import collect_rows, fit

    try:
        rows_from = held_out_docs(read_brat_folder(train_gold), every)
        dev_docs = read_brat_folder(dev_gold)
        nlp = load_pipeline(config, overrides={"components.spans.verifier": ""},
                            exclude=["stance"])
    except ClaimtraceError as err:
        console.print(f"[red]{err}[/red]")
        raise typer.Exit(2) from err
    sets = {}
    with Progress(console=console) as progress:
        for name, docs in (("held-out", rows_from), ("dev", dev_docs)):
            task = progress.add_task(f"candidates: {name}", total=len(docs))
            sets[name] = collect_rows(nlp, docs,
                                      step=lambda n, t=task: progress.advance(t, n))
    rows, labels, _ = sets["held-out"]
    if len(set(labels.tolist())) < 2:
        err = ClaimtraceError(Errors.E162, path=str(train_gold),
                              what="candidates of both kinds (true and false)")
        console.print(f"[red]{err}[/red]")
        raise typer.Exit(2)
    verifier = fit(rows, labels, threshold, c)
    dev_rows, dev_labels, _ = sets["dev"]
    facts = {"config": config, "held_out_every": every, "c": c,
             "rows": int(len(labels)), "share_true": round(float(labels.mean()), 4),
             "dev_rows": int(len(dev_labels)),
             "dev_auc": round(float(roc_auc_score(dev_labels, verifier.scores(dev_rows))), 4)
             if len(set(dev_labels.tolist())) == 2 else None}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(verifier.to_dict(**facts), indent=1) + "\n", encoding="utf-8")
    console.print(f"{facts['rows']} candidates, dev ROC AUC {facts['dev_auc']} -> {out}")
