"""The normaliser rewrites typography for spaCy and maps every character back to the input."""

import pytest

from pipeline.normalise import normalise

CASES = [
    # (input, expected normalised text)
    ("a simple “bet”—since it was", "a simple “bet” — since it was"),
    ('He said "no way" and "yes".', "He said “no way” and “yes”."),
    ("«Bonjour» dit-il", "“Bonjour” dit-il"),
    ("„Guten Tag“ sagte er", "“Guten Tag“ sagte er"),
    ("so-called ''pass through'' income", "so-called “pass through” income"),
    ("``Quoted,'' he said", "“Quoted,” he said"),
    ("line one\r\nline two\rline three", "line one\nline two\nline three"),
    ("a\u00a0b", "a b"),
    ("Ann 😀 said", "Ann   said"),
    ("it's fine, isn't it?", "it's fine, isn't it?"),
    ("\"People say, 'It works,'\" said Ann.", "“People say, 'It works,'” said Ann."),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_normalised_text(raw, expected):
    assert normalise(raw).text == expected


@pytest.mark.parametrize(("raw", "_"), CASES)
def test_every_character_maps_back(raw, _):
    norm = normalise(raw)
    assert len(norm.offsets) == len(norm.text) + 1 and len(norm.ends) == len(norm.text)
    for i, ch in enumerate(norm.text):
        start, end = norm.to_original(i, i + 1)
        source = raw[start:end]
        assert ch in source or ch in "“” \n" or source in ("\r", "\u00a0", "😀"), (i, ch, source)
    assert norm.to_original(0, len(norm.text)) == (0, len(raw))


def test_two_apostrophe_quote_maps_to_both_characters():
    raw = "called ''pass through'' income"
    norm = normalise(raw)
    start = norm.text.index("“")
    end = norm.text.index("”") + 1
    s, e = norm.to_original(start, end)
    assert raw[s:e] == "''pass through''"


# Invisible characters scraped news is full of: dropped from the normalised text, kept in the
# original, every offset still exact.
INVISIBLE_CASES = [
    # (input, expected normalised text)
    ("Ann\u200b Lee said", "Ann Lee said"),  # zero-width space
    ("\ufeff“We rebuild,” she said.", "“We rebuild,” she said."),  # BOM
    ("“\u200fWe rebuild,\u200e” she said.", "“We rebuild,” she said."),  # RLM / LRM
    ("\u202a“We rebuild,”\u202c she said.", "“We rebuild,” she said."),  # LRE ... PDF
    ("\u2066\"No,\"\u2069 he said.", "“No,” he said."),  # isolates around straight quotes
    ("B\u2060ob and in\u00adter\u00adnational", "Bob and international"),  # word joiner, SHY
    ("a\u200c\u200db\ufe0f", "ab"),  # ZWNJ, ZWJ, variation selector
    ("one\u2028two\u2029three\u0085four", "one\ntwo\nthree\nfour"),  # line separators
]


@pytest.mark.parametrize(("raw", "expected"), INVISIBLE_CASES)
def test_invisible_characters_are_dropped(raw, expected):
    assert normalise(raw).text == expected


@pytest.mark.parametrize(("raw", "_"), INVISIBLE_CASES)
def test_invisible_characters_keep_offsets_exact(raw, _):
    norm = normalise(raw)
    assert len(norm.offsets) == len(norm.text) + 1 and len(norm.ends) == len(norm.text)
    for i, ch in enumerate(norm.text):
        start, end = norm.to_original(i, i + 1)
        assert end == start + 1  # one visible character each
        assert ch == raw[start] or ch in "“”\n", (i, ch, raw[start])
    assert norm.offsets[-1] == len(raw)


def test_span_maps_to_the_visible_characters_only():
    raw = "said \u200e“It is\u200b fine”\u200f today"
    norm = normalise(raw)
    start, end = norm.text.index("“"), norm.text.index("”") + 1
    s, e = norm.to_original(start, end)
    assert raw[s:e] == "“It is\u200b fine”"  # inner marks kept, outer ones not included
