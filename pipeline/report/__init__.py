"""Reports people look at: `claimtrace show` (one annotated article as HTML) and
`claimtrace report` (a corpus overview of who says what, with which stance).

Both write one self-contained HTML file (no network at view time): templates and styles are
package data in ``templates/``; charts come from plotly with its JavaScript inlined once.
"""
