"""``claimtrace_spans``: the learned span tagger between the rule stage and attribution.

It tags content, cue and source spans (``tagger``), groups them into attributions (``link``)
and combines them with the rule candidates (``merge``), rewriting
``doc._.quote_candidates`` with the tagged source and fragment group as hints for
attribution. The weights (``models/spans``) and the word lists it reads are saved with the
pipeline by ``nlp.to_disk``."""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from ...errors import ClaimtraceError, Errors
from ...extensions import read_candidates, register_extensions, write_candidates
from ...paths import resolve
from ...resources import parse_cue_lexicon, parse_word_list
from ...types import Quote
from ..persist import ResourceComponent
from ..quotes.filters import not_a_quotation
from ..settings import fraction, invalid, number, resource, whole
from ..structure import DocIndex
from .features import doc_features, first_words_of, translate
from .link import chunks, link
from .merge import Candidate, MergeSettings, merge
from .tagger import CONFIG, WEIGHTS, SpanTagger, predict_together
from .verify import FEATURES, FeatureReader, Verifier, groups, leads_its_cue
from .wordvectors import WordVectors

DEFAULTS = {
    "model": "models/spans",
    "ensemble": [],
    "cue_verbs": "resources:cue_verbs.tsv",
    "derived_cues": "resources:cue_lexicon.tsv",
    "according_to": "resources:according_to.txt",
    "title_cues": "resources:title_cues.txt",
    "min_cue_precision": 0.25,
    "min_cue_count": 5,
    "min_words_cued": 3,
    "max_title_tokens": 12,
    "outside_bias": 0.0,
    "replace": ["indirect", "mixed"],
    "min_confidence": 0.6,
    "min_fragment_confidence": 0.8,
    "own_cue_confidence": 0.3,
    "drop_below": 0.5,
    "max_link_gap": 40,
    "min_indirect_confidence": None,
    "verifier": "",
    "min_verified": 0.5,
}
QUOTE_TYPES = ("direct", "indirect", "mixed")


@Language.factory(
    "claimtrace_spans",
    assigns=["doc._.quote_candidates"],
    requires=["doc._.quote_candidates", "doc._.layout", "token.dep", "doc.tensor"],
    default_config=DEFAULTS,
)
def make_spans(nlp: Language, name: str, model: str, ensemble: list[str], cue_verbs: str,
               derived_cues: str, according_to: str, title_cues: str, min_cue_precision: float,
               min_cue_count: int, min_words_cued: int, max_title_tokens: int,
               outside_bias: float, replace: list[str], min_confidence: float,
               min_fragment_confidence: float, own_cue_confidence: float, drop_below: float,
               max_link_gap: int, min_indirect_confidence: float | None, verifier: str,
               min_verified: float) -> "SpanFinder":
    register_extensions()
    if not isinstance(replace, list | tuple) or any(r not in QUOTE_TYPES for r in replace):
        raise invalid(name, "replace", replace, f"expected a list of {', '.join(QUOTE_TYPES)}")
    if not isinstance(ensemble, list | tuple):
        raise invalid(name, "ensemble", ensemble, "expected a list of tagger folders")
    return SpanFinder(
        model=resource(name, "model", model),
        ensemble=[resource(name, "ensemble", folder) for folder in ensemble],
        cue_verbs=resource(name, "cue_verbs", cue_verbs),
        derived_cues=resource(name, "derived_cues", derived_cues, optional=True),
        according_to=resource(name, "according_to", according_to),
        title_cues=resource(name, "title_cues", title_cues),
        min_cue_precision=fraction(name, "min_cue_precision", min_cue_precision),
        min_cue_count=whole(name, "min_cue_count", min_cue_count),
        min_words_cued=whole(name, "min_words_cued", min_words_cued),
        max_title_tokens=whole(name, "max_title_tokens", max_title_tokens),
        merge=MergeSettings(tuple(replace), fraction(name, "min_confidence", min_confidence),
                            fraction(name, "drop_below", drop_below),
                            fraction(name, "min_fragment_confidence", min_fragment_confidence),
                            fraction(name, "own_cue_confidence", own_cue_confidence),
                            None if min_indirect_confidence is None else
                            fraction(name, "min_indirect_confidence", min_indirect_confidence)),
        max_link_gap=whole(name, "max_link_gap", max_link_gap, minimum=1),
        outside_bias=number(name, "outside_bias", outside_bias),
        verifier=resource(name, "verifier", verifier, optional=True),
        min_verified=fraction(name, "min_verified", min_verified),
    )


class SpanFinder(ResourceComponent):
    """Tags spans, links them into attributions and merges them with the rule candidates."""

    def __init__(self, model: str = DEFAULTS["model"], cue_verbs: str = DEFAULTS["cue_verbs"],
                 derived_cues: str = DEFAULTS["derived_cues"],
                 according_to: str = DEFAULTS["according_to"],
                 title_cues: str = DEFAULTS["title_cues"], min_cue_precision: float = 0.25,
                 min_cue_count: int = 5, min_words_cued: int = 3, max_title_tokens: int = 12,
                 merge: MergeSettings | None = None, max_link_gap: int = 40,
                 outside_bias: float = 0.0, ensemble: list[str] | None = None,
                 verifier: str = "", min_verified: float = 0.5) -> None:
        self.min_cue_precision = min_cue_precision
        self.min_cue_count = min_cue_count
        self.min_words_cued = min_words_cued
        self.max_title_tokens = max_title_tokens
        self.settings = merge or MergeSettings()
        self.max_link_gap = max_link_gap
        self.outside_bias = outside_bias
        self.min_verified = min_verified
        self.model_path = model
        # A saved pipeline carries its own copy of the weights (from_disk replaces this), so a
        # configured folder that is missing is an error only when a document needs it.
        folder = resolve(model)
        self._tagger = SpanTagger.from_folder(folder) if folder.is_dir() else None
        self.ensemble_paths = list(ensemble or [])
        self._ensemble = [SpanTagger.from_folder(resolve(f)) if resolve(f).is_dir() else None
                          for f in self.ensemble_paths]
        # Like the weights, a saved pipeline carries its verifier (from_disk reads it), so a
        # configured file that is missing is an error only when a document needs it.
        self.verifier_path = verifier
        present = bool(verifier) and resolve(verifier).is_file()
        self._read({"cue_verbs": cue_verbs, "derived_cues": derived_cues,
                    "according_to": according_to, "title_cues": title_cues,
                    "verifier": verifier if present else ""})

    def _load(self) -> None:
        self.lexicon = parse_cue_lexicon(self.resources["cue_verbs"],
                                         self.resources.get("derived_cues"),
                                         self.min_cue_precision, self.min_cue_count)
        self.first_words = first_words_of(parse_word_list(self.resources["according_to"]))
        self.title_cues = parse_word_list(self.resources["title_cues"])
        text = self.resources.get("verifier")
        try:
            self.verifier = Verifier.from_dict(json.loads(text)) if text else None
        except (ValueError, KeyError, TypeError) as err:
            raise ClaimtraceError(Errors.E164, what=str(err)) from err

    @property
    def tagger(self) -> SpanTagger:
        if self._tagger is None:
            raise ClaimtraceError(Errors.E160, path=str(resolve(self.model_path)),
                                  what=f"{CONFIG} and {WEIGHTS}")
        return self._tagger

    def __call__(self, doc: Doc) -> Doc:
        return self._tag([doc])[0]

    def pipe(self, stream: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Tag ``batch_size`` documents at a time: the tagger steps through all their
        paragraphs together, which is several times faster than one document at a time."""
        for docs in minibatch(stream, size=batch_size):
            yield from self._tag(list(docs))

    def _members(self) -> list[SpanTagger]:
        """The tagger, then the ensemble's further taggers (their probabilities averaged)."""
        lead = self.tagger
        for path, tagger in zip(self.ensemble_paths, self._ensemble, strict=False):
            if tagger is None:
                raise ClaimtraceError(Errors.E160, path=str(resolve(path)),
                                      what=f"{CONFIG} and {WEIGHTS}")
            if tagger.labels != lead.labels:
                raise ClaimtraceError(Errors.E161, path=str(path),
                                      trained=f"the tags {', '.join(tagger.labels)}",
                                      given=f"the tags {', '.join(lead.labels)}")
        return [lead, *self._ensemble]

    def candidates(self, docs: list[Doc]
                   ) -> Iterator[tuple[Doc, DocIndex, list[Candidate], np.ndarray]]:
        """Each document with its index, its merged candidates (before the verifier) and the
        tagger's per-token probabilities."""
        indexes = [DocIndex(doc) for doc in docs]
        members = self._members()
        wanted = next((t.config["word_vectors"] for t in members
                       if t.config.get("word_vectors")), None)
        vectors = WordVectors.from_package(wanted["base"]) if wanted else None
        # the features are computed once, in the lead tagger's vocabulary, with word vectors
        # when any member reads them; each member gets its own view of them
        feats = [doc_features(doc, self.tagger.vocab, self.lexicon, self.first_words,
                              index=index, word_vectors=vectors)
                 for doc, index in zip(docs, indexes, strict=True)]
        tok2vec = feats[0].dense.shape[1] - (vectors.width if vectors else 0) if feats else 0
        views = []
        for path, tagger in zip([self.model_path, *self.ensemble_paths], members, strict=True):
            width = tagger.config["dense_width"]
            expected = tok2vec + (vectors.width if tagger.config.get("word_vectors") else 0)
            if feats and width != expected:
                raise ClaimtraceError(Errors.E161, path=str(path),
                                      trained=f"{width}-wide vectors",
                                      given=f"{expected}-wide")
            views.append((tagger, [translate(f, self.tagger.vocab, tagger.vocab, width)
                                   for f in feats]))
        tagged = predict_together(views, self.outside_bias)
        for doc, index, (tags, probs) in zip(docs, indexes, tagged, strict=True):
            yield doc, index, self._merge(doc, index, tags, probs), probs

    def _tag(self, docs: list[Doc]) -> list[Doc]:
        if self.verifier is None and self.verifier_path:
            raise ClaimtraceError(Errors.E164, what=f"no file {str(resolve(self.verifier_path))!r}")
        for doc, index, merged, probs in self.candidates(docs):
            if self.verifier is not None:
                merged = self._verified(doc, index, merged, probs)
            write_candidates(doc, [c.quote for c in merged], [(c.source, c.group) for c in merged])
        return docs

    def verifier_rows(self, doc: Doc, index: DocIndex, merged: list[Candidate],
                      probs: np.ndarray) -> tuple[list[list[int]], np.ndarray]:
        """The indirect attributions among ``merged`` (candidate indexes, by group) and the
        verifier's features of each (one row per attribution)."""
        found = groups([c.quote.type for c in merged], [c.group for c in merged])
        reader = FeatureReader(doc, probs, index.paragraph, index.in_marks,
                               self.lexicon.precision, self.lexicon.kind_of)
        rows = np.zeros((len(found), len(FEATURES)))
        for r, members in enumerate(found):
            first = merged[members[0]]
            rows[r] = reader.row([merged[k].quote.content for k in members], first.quote.cue,
                                 first.quote.how, first.source, first.origin)
        return found, rows

    def _verified(self, doc: Doc, index: DocIndex, merged: list[Candidate],
                  probs: np.ndarray) -> list[Candidate]:
        """``merged`` without the indirect attributions the verifier scores below
        ``min_verified``. A rule candidate whose content comes before its cue ('A, argues
        this commentary') stays: PolNeAR, which the verifier learned from, has few of them."""
        found, rows = self.verifier_rows(doc, index, merged, probs)
        if not found:
            return merged
        scores = self.verifier.scores(rows)
        drop = {k for members, score in zip(found, scores, strict=True)
                if score < self.min_verified and not leads_its_cue(merged[members[0]])
                for k in members}
        return [c for k, c in enumerate(merged) if k not in drop]

    def _merge(self, doc: Doc, index: DocIndex, tags: np.ndarray,
               probs: np.ndarray) -> list[Candidate]:
        """Link the tagged spans into attributions and combine them with the rules'."""
        found = link(doc, index, chunks(tags, probs, "C"), chunks(tags, probs, "Q"),
                     chunks(tags, probs, "S"), self.max_link_gap)

        def rejected(quote: Quote) -> bool:
            return not_a_quotation(quote, index.in_marks, self.title_cues, self.min_words_cued,
                                   self.max_title_tokens)

        return merge(doc, read_candidates(doc), found, probs, index.in_marks, self.settings,
                     rejected)

    # --- saving: word lists (ResourceComponent) plus the taggers' weights -----------------
    def to_bytes(self, *, exclude: tuple = ()) -> bytes:
        return srsly.msgpack_dumps({"resources": self.resources,
                                    **_tagger_message(self.tagger),
                                    "ensemble": [_tagger_message(t) for t in self._ensemble]})

    def from_bytes(self, data: bytes, *, exclude: tuple = ()) -> "SpanFinder":
        msg = srsly.msgpack_loads(data)
        self._tagger = _tagger_from_message(msg)
        self._ensemble = [_tagger_from_message(m) for m in msg.get("ensemble", [])]
        if len(self.ensemble_paths) != len(self._ensemble):
            self.ensemble_paths = [f"ensemble-{i}" for i in range(1, len(self._ensemble) + 1)]
        self.resources = dict(msg["resources"])
        self._load()
        return self

    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        super().to_disk(path, exclude=exclude)
        self.tagger.to_folder(Path(path) / "model")
        for i, tagger in enumerate(self._ensemble, start=1):
            tagger.to_folder(Path(path) / f"ensemble-{i}")

    def from_disk(self, path: str | Path, *, exclude: tuple = ()) -> "SpanFinder":
        super().from_disk(path, exclude=exclude)
        folders = [Path(path) / "model"]
        i = 1
        while (Path(path) / f"ensemble-{i}").is_dir():
            folders.append(Path(path) / f"ensemble-{i}")
            i += 1
        for folder in folders:
            for name in (CONFIG, WEIGHTS):
                if not (folder / name).is_file():
                    raise ClaimtraceError(Errors.E153, path=str(folder), what=name)
        self._tagger, *self._ensemble = [SpanTagger.from_folder(f) for f in folders]
        self.ensemble_paths = [str(f) for f in folders[1:]]
        return self


def _tagger_message(tagger: SpanTagger) -> dict:
    """A tagger's config and fp16 weights as msgpack-ready data."""
    return {"config": tagger.config,
            "weights": {k: v.astype(np.float16).tobytes() for k, v in tagger.w.items()},
            "shapes": {k: list(v.shape) for k, v in tagger.w.items()}}


def _tagger_from_message(msg: dict) -> SpanTagger:
    weights = {k: np.frombuffer(v, dtype=np.float16).reshape(msg["shapes"][k])
               for k, v in msg["weights"].items()}
    return SpanTagger(msg["config"], weights)


def model_card_facts(folder: str | Path) -> dict:
    """What ``training.json`` in a model folder says (for the model card and tests)."""
    path = Path(folder) / "training.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
