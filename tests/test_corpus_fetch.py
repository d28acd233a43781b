"""`claimtrace corpus add --url`: a real HTTP server on 127.0.0.1 serving pages written for these
tests; the real fetcher and trafilatura; one coded error per failing URL."""

import contextlib
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from corpus_helpers import FIXTURES, corpus_cli, read_jsonl

from pipeline.corpus.fetch import USER_AGENT, Fetcher, extract

PAGES = {"/news/library-hours.html": "library-hours.html",
         "/news/tram-line.html": "tram-line.html", "/": "index.html",
         "/private/memo.html": "library-hours.html"}
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class Handler(BaseHTTPRequestHandler):
    agents: list[str] = []

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError):  # the client gave up (the timeout test)
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        Handler.agents.append(self.headers.get("User-Agent", ""))
        if self.path == "/robots.txt":
            self._send(200, ROBOTS, "text/plain")
        elif self.path in PAGES:
            self._send(200, (FIXTURES / "html" / PAGES[self.path]).read_bytes())
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/news/tram-line.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/report.pdf":
            self._send(200, b"%PDF-1.4 not a page", "application/pdf")
        elif self.path == "/slow.html":
            time.sleep(3)
            self._send(200, b"<html><body><p>late</p></body></html>")
        else:
            self._send(404, b"<html><body>not found</body></html>")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_extracts_article_text_and_metadata(server):
    text, meta = extract(Fetcher(timeout=5, delay=0).fetch(f"{server}/news/library-hours.html"))
    assert text.startswith("Brenholm library cuts weekend hours\n\nThe central library")
    assert '"We looked at every other option' in text
    for boilerplate in ("Subscribe today", "reader123", "All rights reserved", "Sport"):
        assert boilerplate not in text
    assert meta["title"] == "Brenholm library cuts weekend hours"
    assert meta["source"] == "The Brenholm Post" and meta["date"] == "2025-02-14"
    assert meta["url"] == f"{server}/news/library-hours.html"
    assert USER_AGENT in Handler.agents


def test_add_urls_with_one_coded_error_per_failing_url(server, tmp_path):
    corpus = tmp_path / "c"
    urls = {"good": f"{server}/news/library-hours.html", "redirect": f"{server}/moved",
            "missing": f"{server}/gone.html", "pdf": f"{server}/report.pdf",
            "slow": f"{server}/slow.html", "robots": f"{server}/private/memo.html",
            "index": f"{server}/", "refused": f"http://127.0.0.1:{free_port()}/a.html",
            "scheme": "ftp://127.0.0.1/a.html"}
    args = [arg for url in urls.values() for arg in ("--url", url)]
    report = tmp_path / "r.jsonl"
    result = corpus_cli("add", *args, "--timeout", "1", "--delay", "0", "--license",
                        "fixture page", "--report", str(report), corpus=corpus,
                        cache=tmp_path / "v")
    assert result.exit_code == 1  # some URLs failed; the good ones are in
    codes = {d["label"]: (d["action"], d["code"]) for d in read_jsonl(report)}
    assert codes == {
        urls["good"]: ("added", None), urls["redirect"]: ("added", None),
        urls["missing"]: ("invalid", "E523"), urls["pdf"]: ("invalid", "E524"),
        urls["slow"]: ("invalid", "E522"), urls["robots"]: ("invalid", "E527"),
        urls["index"]: ("invalid", "E526"), urls["refused"]: ("invalid", "E521"),
        urls["scheme"]: ("invalid", "E520")}
    library, tram = read_jsonl(corpus / "articles.jsonl")
    assert (library["name"], library["source"], library["date"], library["license"]) == (
        "library-hours", "The Brenholm Post", "2025-02-14", "fixture page")
    assert library["origin"] == f"url:{urls['good']}"
    assert tram["url"] == f"{server}/news/tram-line.html" and tram["title"] == (
        "New tram line to open a year late")
    assert (corpus / "articles" / "library-hours.txt").read_text("utf-8") == library["text"]
    again = corpus_cli("add", "--url", urls["good"], "--delay", "0", corpus=corpus,
                       cache=tmp_path / "v")
    assert again.exit_code == 0 and "exact duplicate" in again.output
