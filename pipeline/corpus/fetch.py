"""Fetch news pages and extract the article text with trafilatura, politely.

Polite: a User-Agent that names claimtrace, connect and read timeouts, robots.txt honoured, a
pause between requests to the same host, a size limit, retries only for 429/5xx answers (with
backoff, honouring Retry-After). Every URL that fails becomes a :class:`Rejected` with its own
coded error (E520-E527); the others go on.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from pipeline import __version__
from pipeline.corpus.add import Candidate, Rejected
from pipeline.errors import ClaimtraceError, Errors

USER_AGENT = f"claimtrace/{__version__} (research corpus builder; honours robots.txt)"
DEFAULT_TIMEOUT = 20.0
DEFAULT_DELAY = 1.0
MAX_BYTES = 5_000_000
MIN_WORDS = 40
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Page:
    """A fetched page: the URL asked for, where it ended up, and its bytes."""

    url: str
    final_url: str
    body: bytes


class Fetcher:
    """One connection pool, robots.txt rules and the last request time per host."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, delay: float = DEFAULT_DELAY,
                 max_bytes: int = MAX_BYTES, robots: bool = True) -> None:
        self.timeout = timeout
        self.delay = delay
        self.max_bytes = max_bytes
        self.robots = robots
        retries = urllib3.Retry(total=3, connect=1, read=0, status=2, backoff_factor=0.5,
                                status_forcelist=(429, 500, 502, 503, 504),
                                respect_retry_after_header=True, raise_on_status=False,
                                redirect=5)
        self.http = urllib3.PoolManager(
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"},
            timeout=urllib3.Timeout(connect=min(10.0, timeout), read=timeout),
            retries=retries)
        self._rules: dict[str, RobotFileParser | None] = {}
        self._last: dict[str, float] = {}

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def _request(self, url: str) -> urllib3.HTTPResponse:
        host = urlsplit(url).netloc
        self._wait_turn(host)
        try:
            return self.http.request("GET", url, preload_content=False)
        except MaxRetryError as exc:
            reason = exc.reason
            # NewConnectionError (refused, no route) subclasses ConnectTimeoutError in urllib3 1.
            if isinstance(reason, (ReadTimeoutError, ConnectTimeoutError)) and not isinstance(
                    reason, NewConnectionError):
                raise ClaimtraceError(Errors.E522, url=url, seconds=self.timeout) from exc
            raise ClaimtraceError(Errors.E521, url=url, detail=str(reason or exc)) from exc
        except (ReadTimeoutError, ConnectTimeoutError) as exc:
            raise ClaimtraceError(Errors.E522, url=url, seconds=self.timeout) from exc
        except (HTTPError, ProtocolError, OSError) as exc:
            raise ClaimtraceError(Errors.E521, url=url, detail=str(exc)) from exc

    def _read(self, url: str, response: urllib3.HTTPResponse) -> bytes:
        chunks, size = [], 0
        try:
            for chunk in response.stream(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    raise ClaimtraceError(Errors.E525, url=url, limit=self.max_bytes)
                chunks.append(chunk)
        except ReadTimeoutError as exc:
            raise ClaimtraceError(Errors.E522, url=url, seconds=self.timeout) from exc
        except (HTTPError, ProtocolError, OSError) as exc:
            raise ClaimtraceError(Errors.E521, url=url, detail=str(exc)) from exc
        finally:
            response.release_conn()
        return b"".join(chunks)

    def allowed(self, url: str) -> bool:
        """robots.txt says this User-Agent may fetch ``url`` (no or unreadable robots.txt: yes)."""
        if not self.robots:
            return True
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        if root not in self._rules:
            rules = None
            try:
                response = self._request(root + "/robots.txt")
                body = self._read(url, response)
                if response.status == 200:
                    rules = RobotFileParser()
                    rules.parse(body.decode("utf-8", "replace").splitlines())
            except ClaimtraceError:
                rules = None
            self._rules[root] = rules
        rules = self._rules[root]
        return rules is None or rules.can_fetch(USER_AGENT, url)

    def fetch(self, url: str) -> Page:
        """The page at ``url`` (HTML only), or a coded error."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ClaimtraceError(Errors.E520, url=url)
        if not self.allowed(url):
            raise ClaimtraceError(Errors.E527, url=url, host=parts.netloc)
        response = self._request(url)
        if response.status >= 400:
            response.release_conn()
            raise ClaimtraceError(Errors.E523, url=url, status=response.status)
        ctype = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype and ctype not in _HTML_TYPES:
            response.release_conn()
            raise ClaimtraceError(Errors.E524, url=url, ctype=ctype)
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > self.max_bytes:
            response.release_conn()
            raise ClaimtraceError(Errors.E525, url=url, limit=self.max_bytes)
        return Page(url, _final_url(url, response), self._read(url, response))


def _final_url(url: str, response: urllib3.HTTPResponse) -> str:
    """Where redirects ended (the page's own URL for the corpus)."""
    final = url
    for step in getattr(response.retries, "history", None) or ():
        if step.redirect_location:
            final = urljoin(final, step.redirect_location)
    return final


def extract(page: Page) -> tuple[str, dict]:
    """Article text (headline, blank line, paragraphs separated by blank lines) and metadata."""
    import trafilatura

    doc = trafilatura.bare_extraction(page.body, url=page.final_url, with_metadata=True,
                                      include_comments=False, include_tables=False)
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(body.split()) < MIN_WORDS:
        raise ClaimtraceError(Errors.E526, url=page.url,
                              detail=f"{len(body.split())} words found, {MIN_WORDS} needed")
    paragraphs = [p.strip() for p in re.split(r"\n+", body) if p.strip()]
    title = (doc.title or "").strip()
    if title and paragraphs[0] != title:
        paragraphs.insert(0, title)
    meta = {"title": title or None, "date": doc.date, "url": page.final_url,
            "source": doc.sitename or doc.hostname, "author": doc.author}
    return "\n\n".join(paragraphs) + "\n", {k: v for k, v in meta.items() if v}


def from_urls(urls: Sequence[str], fetcher: Fetcher) -> Iterator[Candidate | Rejected]:
    """One candidate (or coded rejection) per URL, in order."""
    for url in urls:
        try:
            text, meta = extract(fetcher.fetch(url))
        except ClaimtraceError as err:
            yield Rejected(url, err)
            continue
        name = urlsplit(meta["url"]).path.rstrip("/").rsplit("/", 1)[-1]
        name = re.sub(r"\.(s?html?|php|aspx?)$", "", name) or meta.get("title") or ""
        yield Candidate(text=text, name=name, label=url, origin=f"url:{url}", meta=meta)
