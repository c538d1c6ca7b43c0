"""robots.txt, read the way RFC 9309 says: 4xx means no rules, 5xx or no answer means keep out."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

import httpx


def robots_url(url: str) -> str:
    """The robots.txt that governs `url`."""
    parsed = httpx.URL(url)
    return str(parsed.copy_with(path="/robots.txt", query=None, fragment=None))


@dataclass(frozen=True)
class RobotsPolicy:
    """May a URL be fetched, and how slowly. Build it with `robots_policy`."""

    parser: RobotFileParser | None  # None: the same answer for every URL
    allow_everything: bool

    def allows(self, url: str, agent: str) -> bool:
        if self.parser is None:
            return self.allow_everything
        return self.parser.can_fetch(agent, url)

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


def robots_policy(status: int | None, body: bytes) -> RobotsPolicy:
    """The policy a robots.txt answer implies (status None: no answer at all)."""
    if status is not None and 200 <= status < 300:
        parser = RobotFileParser()
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return RobotsPolicy(parser, allow_everything=True)
    if status is not None and 400 <= status < 500:
        return RobotsPolicy(None, allow_everything=True)
    return RobotsPolicy(None, allow_everything=False)
