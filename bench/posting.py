"""Contribution posting rate: real form posts by signed-in contributors, as a browser sends them.

Un-timed first: each account signs in through /connexion with its own cookies, then every form
to be sent is fetched (its CSRF token, signed `started_at` and `submission_key`); one wait lets
the youngest form pass the bot trap's minimum filling time. Timed: WORKERS threads send the
forms (multipart, no file) as fast as the server accepts them.
"""

from __future__ import annotations

import http.client
import itertools
import random
import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from bench import crowd, load

ACCOUNTS = 32
POSTS = 2_000
WORKERS = load.CONNECTIONS
#: ANTISPAM_MIN_SECONDS of the application, plus a margin.
FORM_MIN_AGE_SECONDS = 3.2


@dataclass
class Answer:
    status: int
    location: str
    text: str


class Visitor:
    """One person's browser: their cookies, and a new connection per request (as the sync
    workers close each one)."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Answer:
        return self.send("GET", path)

    def send(self, method: str, path: str, body: bytes = b"", content_type: str = "") -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self._keep(cookie)
        return Answer(response.status, response.headers.get("Location", ""), text)

    def _keep(self, set_cookie: str) -> None:
        """Name and value only: the bench is plain HTTP, so Secure and the rest are ignored."""
        name, _, value = set_cookie.split(";", 1)[0].partition("=")
        if value:
            self.cookies[name.strip()] = value.strip()
        else:
            self.cookies.pop(name.strip(), None)


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values[attributes["name"]] = attributes.get("value") or ""


def hidden_inputs(page: str) -> dict[str, str]:
    parser = _HiddenInputs()
    parser.feed(page)
    return parser.values


def sign_in(base_url: str, email: str) -> Visitor:
    visitor = Visitor(base_url)
    token = hidden_inputs(visitor.get("/connexion").text)["csrf_token"]
    form = {"email": email, "password": crowd.PASSWORD, "csrf_token": token}
    answer = visitor.send(
        "POST", "/connexion", urlencode(form).encode(), "application/x-www-form-urlencoded"
    )
    if answer.status != 302:
        raise RuntimeError(f"signing in {email} answered {answer.status}")
    return visitor


@dataclass(frozen=True)
class Post:
    visitor: Visitor
    body: bytes
    content_type: str
    submission_key: str


@dataclass
class Posting:
    result: load.Result
    accepted: int
    #: Submission keys of the accepted posts, to find them in the database afterwards.
    accepted_keys: set[str] = field(default_factory=set)
    #: HTTP status (or "socket") of each refused post, with how many.
    refusals: Counter = field(default_factory=Counter)


def run(base_url: str, form_path: str, sections: list[str], vocabulary) -> Posting:
    """Sign ACCOUNTS contributors in, fetch POSTS forms, then time their posts."""
    with ThreadPoolExecutor(WORKERS) as pool:
        visitors = list(
            pool.map(lambda n: sign_in(base_url, crowd.email_of(n)), range(1, ACCOUNTS + 1))
        )
        texts = _texts(POSTS, vocabulary)
        jobs = zip(itertools.cycle(visitors), itertools.cycle(["", *sections]), texts, strict=False)
        posts = list(pool.map(lambda job: _prepare(form_path, *job), jobs))
    time.sleep(FORM_MIN_AGE_SECONDS)
    return _post_all(form_path, posts)


def _texts(count: int, vocabulary) -> list[str]:
    words = random.Random(2027)  # noqa: S311 - seeded on purpose: the same texts every run
    return [
        " ".join(words.choices(vocabulary, k=words.randint(25, 250))).capitalize() + "."
        for _ in range(count)
    ]


def _prepare(form_path: str, visitor: Visitor, section: str, text: str) -> Post:
    answer = visitor.get(form_path)
    if answer.status != 200:
        raise RuntimeError(f"the contribution form answered {answer.status}")
    fields = hidden_inputs(answer.text)
    fields.update(website="", section=section, body=text)
    body, content_type = _multipart(fields)
    return Post(visitor, body, content_type, fields["submission_key"])


def _multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = "banc" + secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    body = ("".join(parts) + f"--{boundary}--\r\n").encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _post_all(form_path: str, posts: list[Post]) -> Posting:
    sender = _Sender(form_path, posts)
    started = time.perf_counter()
    threads = [threading.Thread(target=sender.work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    posting, ordered = sender.posting, sorted(sender.latencies)
    posting.result = load.Result(
        requests_per_second=posting.accepted / seconds,
        p50_ms=load.percentile(ordered, 0.50) * 1000,
        p99_ms=load.percentile(ordered, 0.99) * 1000,
        error_count=sum(posting.refusals.values()),
    )
    return posting


class _Sender:
    """Posts shared by the worker threads; each takes the next one until none is left."""

    def __init__(self, form_path: str, posts: list[Post]) -> None:
        self.form_path = form_path
        self.posts = iter(posts)
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.posting = Posting(load.Result(0, 0, 0, 0), accepted=0)

    def work(self) -> None:
        while (post := self._next()) is not None:
            begin = time.perf_counter()
            outcome = _send(self.form_path, post)
            elapsed = time.perf_counter() - begin
            with self.lock:
                self.latencies.append(elapsed)
                _count(self.posting, post, outcome)

    def _next(self) -> Post | None:
        with self.lock:
            return next(self.posts, None)


def _send(form_path: str, post: Post) -> str:
    """ "accepted" when the answer sends the author on (302 away from the form), else why not."""
    try:
        answer = post.visitor.send("POST", form_path, post.body, post.content_type)
    except (OSError, http.client.HTTPException):
        return "socket"
    if answer.status == 302 and "/contribuer" not in answer.location:
        return "accepted" if "/connexion" not in answer.location else "302 sign-in"
    return str(answer.status)


def _count(posting: Posting, post: Post, outcome: str) -> None:
    if outcome == "accepted":
        posting.accepted += 1
        posting.accepted_keys.add(post.submission_key)
    else:
        posting.refusals[outcome] += 1
