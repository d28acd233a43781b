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
    E401 = ErrorCode("E401", "Gold path {path!r} does not exist.",
                     "Pass a brat folder (with text/ and attributions/), a gold .jsonl file or "
                     "a folder of them, e.g. --gold corpus/gold.")
    E402 = ErrorCode("E402", "Gold article {id!r} points at {path!r}, which is missing.",
                     "The shared data lives in ../shared next to the repository; check it is "
                     "mounted, or give the article a \"text\" field.")
    E403 = ErrorCode("E403", "Text of gold article {id!r} ({path!r}) has sha256 {actual}, "
                     "expected {expected}.",
                     "The source text changed, so the gold offsets are stale: re-annotate, or "
                     "restore the original file.")
    E404 = ErrorCode("E404", "Line {line} of gold file {name!r} is invalid: {detail}.",
                     "Fix that line; the format is described in docs/evaluation.md.")
    E405 = ErrorCode("E405", "brat file {name!r} is invalid: {detail}.",
                     "Check the .ann file against its .txt (offsets are code points, end "
                     "exclusive).")
    E406 = ErrorCode("E406", "No gold articles found under {path!r} for format {fmt!r}.",
                     "brat needs text/*.txt and attributions/*.ann; jsonl needs *.jsonl files.")
    E407 = ErrorCode("E407", "Predictions file {path!r} is unusable: {detail}.",
                     "Pass the JSONL written by `claimtrace annotate` on the same gold texts, "
                     "or leave --pred out to run the pipeline.")
    E408 = ErrorCode("E408", "Prediction for {id!r} has a different text than the gold article.",
                     "Offsets would not line up: annotate the gold texts exactly as given.")
    E409 = ErrorCode("E409", "Unknown gold format {fmt!r}.", "Use --format brat or --format jsonl.")
    E201 = ErrorCode("E201", "{what} file {path!r} not found.",
                     "Check the data paths in configs/stance.cfg (relative to the repo root); "
                     "the shared data lives in ../shared/data.")
    E202 = ErrorCode("E202", "Stance model folder {path!r} could not be loaded: {detail}.",
                     "Point [components.stance] model at a folder holding adapter_config.json "
                     "(e.g. models/stance), or retrain with `claimtrace stance train`.")
    E203 = ErrorCode("E203", "Line {line} of {name!r} is not valid JSON ({detail}).",
                     "Each line must be an object like {{\"target\": ..., \"text\": ...}}; "
                     "the other lines were still scored.")
    E204 = ErrorCode("E204", "Line {line} of {name!r} lacks a non-empty string {field!r}.",
                     "Add it; each line needs \"target\" and \"text\" (\"context\" optional).")
    E205 = ErrorCode("E205", "Stance input {name!r} does not exist.",
                     "Pass an existing JSONL file of {{\"target\", \"text\"}} lines, or '-'.")
    E206 = ErrorCode("E206", "Stance config {path!r} is invalid: {detail}.",
                     "Compare it with configs/stance.cfg; every section and key there is needed.")
    E207 = ErrorCode("E207", "Unknown task {task!r} on line {line} of {name!r}.",
                     "Use \"stance\" (target is a proposition) or \"actor\" (target is an entity).")
    # --- E3xx: doccano bridge (pipeline/doccano) ---
    E301 = ErrorCode("E301", "Environment variable {name} is not set.",
                     "Export DOCCANO_ADMIN_USER and DOCCANO_ADMIN_PASSWORD (the local doccano "
                     "admin account) before running `claimtrace doccano ...`.")
    E302 = ErrorCode("E302", "Installing the doccano server venv at {path!r} failed ({detail}).",
                     "See the log {log!r}; fix the cause, delete the half-made venv and rerun "
                     "(or run `make doccano-install`).")
    E303 = ErrorCode("E303", "The doccano server did not become ready within {seconds} s "
                     "({detail}).",
                     "Read the logs in {logs!r}; then `claimtrace doccano stop` and try `serve` "
                     "again.")
    E304 = ErrorCode("E304", "Port {port} on 127.0.0.1 is already in use.",
                     "Pick another port with --port or CLAIMTRACE_DOCCANO_PORT, or stop what "
                     "uses it.")
    E305 = ErrorCode("E305", "The doccano server at {url} cannot be reached ({detail}).",
                     "Start it with `claimtrace doccano serve` (check `claimtrace doccano "
                     "status`), then {after}")
    E306 = ErrorCode("E306", "The doccano server at {url} kept failing: {method} {path} answered "
                     "{status} after {attempts} attempts.",
                     "Check the server logs (.doccano/web.log, task.log), then {after}")
    E307 = ErrorCode("E307", "doccano rejected the login at {url} (HTTP {status}).",
                     "Check DOCCANO_ADMIN_USER / DOCCANO_ADMIN_PASSWORD; `claimtrace doccano "
                     "serve` (re)sets the admin password from them.")
    E308 = ErrorCode("E308", "doccano project {name!r} does not exist on {url}.",
                     "Push to it first with `claimtrace doccano push FILE --project {name}`, or "
                     "check the name in the doccano web UI.")
    E309 = ErrorCode("E309", "doccano could not import batch {batch} into project {project!r}: "
                     "{detail}.",
                     "This is a bug in the doccano bridge; report it with the input file. Rerun "
                     "to retry: already imported documents are skipped.")
    E310 = ErrorCode("E310", "Line {line} of {name!r} is not a valid claimtrace record "
                     "({detail}).",
                     "Push the JSONL written by `claimtrace annotate` (schema in docs/schema.md).")
    E311 = ErrorCode("E311", "Refusing doccano URL {url!r}: only loopback (127.0.0.1) is allowed.",
                     "Use http://127.0.0.1:PORT; the bridge never talks to remote hosts.")
    E312 = ErrorCode("E312", "doccano answered {method} {path} with HTTP {status}: {detail}.",
                     "Check that the project is a claimtrace project and the account is its "
                     "admin.")
    E313 = ErrorCode("E313", "Example {doc_id!r} in doccano has a different text than the "
                     "pushed record.",
                     "Texts are read-only in doccano; re-push the record from the pipeline output.")
    E314 = ErrorCode("E314", "The doccano server venv is missing at {path!r} and --no-install "
                     "was given.",
                     "Run `make doccano-install`, or drop --no-install to install it now (~2 min).")
    # --- E315-E349: doccano loop (issue 12) ---
    E315 = ErrorCode("E315", "The account {user!r} cannot read claimtrace's bookkeeping project "
                     "{store!r} on {url}, so {name!r} cannot be pulled.",
                     "Pull with the admin account that pushed (DOCCANO_ADMIN_USER), or make this "
                     "account a project admin of {store!r}; if {name!r} was not made by "
                     "`claimtrace doccano push`, push the records first.")
    E316 = ErrorCode("E316", "doccano project {name!r} exists as a {actual} project, but this push "
                     "asks for a {wanted} one.",
                     "Push to a new project name, or drop/add --independent to match the "
                     "existing project.")
    E317 = ErrorCode("E317", "Project {name!r} is an independent (agreement) project: each "
                     "annotator has their own copy, and {detail}.",
                     "Pull one annotator's copy with --annotator NAME (members: {members}), or "
                     "compare them with `claimtrace doccano agreement --project {name}`.")
    E318 = ErrorCode("E318", "No password for the new doccano account {name!r}.",
                     "Export it in the variable named by --password-env (default "
                     "CLAIMTRACE_DOCCANO_NEW_PASSWORD), run the command in a terminal to be "
                     "asked for it, or pass --generate-password.")
    E319 = ErrorCode("E319", "doccano refused to create the account {name!r}: {detail}.",
                     "Choose another name or a stronger password (at least 8 characters, not "
                     "all digits, not a common password).")
    E320 = ErrorCode("E320", "{project!r} is claimtrace's bookkeeping project: annotators must "
                     "never be members of it.",
                     "Name the annotation project itself (without '.store'); its '.stance' "
                     "companion is included.")
    E321 = ErrorCode("E321", "doccano has no account named {name!r} on {url}.",
                     "Create it with `claimtrace doccano users add {name} --role annotator "
                     "--project PROJECT`, or check the spelling (`claimtrace doccano users list "
                     "--project PROJECT`).")
    E322 = ErrorCode("E322", "Project {name!r} is collaborative: every annotator edits one shared "
                     "copy, so there are no separate annotations to compare.",
                     "Push the documents to compare into an independent project (`claimtrace "
                     "doccano push FILE --project NAME-agreement --independent`), let two or "
                     "more annotators label and confirm them, then run agreement on it.")
    E323 = ErrorCode("E323", "No document of {name!r} was confirmed by two or more annotators "
                     "({detail}).",
                     "Each annotator must confirm (✓) the documents they finished; agreement is "
                     "computed over documents confirmed by at least two of them.")
