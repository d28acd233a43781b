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
