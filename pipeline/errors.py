"""Coded errors and warnings: every message says what went wrong and what to do next."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorCode:
    """A stable code, a message template and a hint telling the user what to do."""

    code: str
    message: str
    hint: str

    def format(self, **kwargs: object) -> str:
        return f"[{self.code}] {self.message.format(**kwargs)} {self.hint.format(**kwargs)}"


class ClaimtraceError(Exception):
    """An error the user can act on; ``code`` is stable, ``hint`` says what to do next."""

    def __init__(self, error: ErrorCode, **kwargs: object) -> None:
        self.code = error.code
        self.message = error.message.format(**kwargs)
        self.hint = error.hint.format(**kwargs)
        super().__init__(f"[{self.code}] {self.message} {self.hint}")

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "hint": self.hint}


class Errors:
    """Registry of error codes. E0xx input, E1xx config/pipeline, E2xx stance, E3xx doccano,
    E4xx evaluation. Add new codes here, never reuse one."""

    E001 = ErrorCode("E001", "Input {name!r} is empty or only whitespace.",
                     "Remove it from the batch or give it some text.")
    E002 = ErrorCode("E002", "Input {name!r} is not valid UTF-8 text ({detail}).",
                     "Convert it to UTF-8 (e.g. `iconv -f LATIN1 -t UTF-8`) or drop it.")
    E003 = ErrorCode("E003", "Input {name!r} looks binary (NUL bytes found).",
                     "Pass plain-text articles (.txt) or JSONL with a \"text\" field.")
    E004 = ErrorCode("E004", "Input {name!r} has {size} characters, above the limit of {limit}.",
                     "Split it into articles, or raise --max-chars if it really is one article.")
    E005 = ErrorCode("E005", "Input {name!r} does not look like English ({detail}).",
                     "claimtrace's rules and models are English-only; translate it first.")
    E006 = ErrorCode("E006", "Line {line} of {name!r} is not valid JSON ({detail}).",
                     "Fix that line; each line must be an object like "
                     "{{\"id\": ..., \"text\": ..., \"meta\": {{}}}}.")
    E007 = ErrorCode("E007", "Line {line} of {name!r} has no string \"text\" field.",
                     "Add a \"text\" field holding the article text.")
    E008 = ErrorCode("E008", "Input path {name!r} does not exist.",
                     "Check the path; pass .txt files, folders of them, .jsonl files or '-'.")
    E009 = ErrorCode("E009", "Processing {name!r} failed: {detail}.",
                     "This is a bug; please report it with the input. Other inputs were kept.")
    E101 = ErrorCode("E101", "Config file {path!r} not found.",
                     "Pass an existing .cfg file, e.g. configs/default.cfg.")
    E102 = ErrorCode("E102", "spaCy model {model!r} is not installed.",
                     "Run `make install`, or set [vars] spacy_model to an installed model.")
    E103 = ErrorCode("E103", "Word list {path!r} could not be read: {detail}.",
                     "Check the path in the config; word lists live in pipeline/resources/.")
    E104 = ErrorCode("E104", "Bad config override {override!r}.",
                     "Use --set section.key=value, e.g. --set components.quotes.min_words=3.")
