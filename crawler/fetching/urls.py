"""URLs of live crawls: cleaning, seen-store keys, hosts, address safety.

Plain Python (no Scrapy). ``article_key`` is the identity of an article for
the seen-store: scheme and fragment dropped, host lower-cased, tracking
parameters dropped and the rest sorted, and on paths with identity rules
(a long WeChat link is ``__biz`` + ``mid`` + ``idx``) only the identifying
parameters kept. The rules are data: ``crawler/data/urls.toml``.
"""

from __future__ import annotations

import html
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.rulefiles import DATA_DIR, RulesError, check_keys, load_toml, string_list, tables

DEFAULT_RULES_FILE = DATA_DIR / "urls.toml"
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class UrlRules:
    drop_params: frozenset[str]
    drop_prefixes: tuple[str, ...]
    identity: tuple[tuple[str, tuple[str, ...]], ...]  # (path, identifying params)


def load_url_rules(extra_files: Iterable[str | Path] = ()) -> UrlRules:
    """The built-in rules plus users' files (their identity rules first)."""
    drop: set[str] = set()
    prefixes: list[str] = []
    identity: list[tuple[str, tuple[str, ...]]] = []
    for path in [*extra_files, DEFAULT_RULES_FILE]:
        data = load_toml(path)
        check_keys(data, ("drop_params", "drop_prefixes", "identity"), str(path))
        drop.update(string_list(data.get("drop_params", []), f"{path}: drop_params"))
        prefixes.extend(string_list(data.get("drop_prefixes", []), f"{path}: drop_prefixes"))
        for where, rule in tables(data, "identity", path, ("path", "params")):
            if not isinstance(rule.get("path"), str) or not rule["path"].startswith("/"):
                raise RulesError(f"{where}: 'path' must be a string starting with '/'")
            params = string_list(rule.get("params"), f"{where}: params")
            identity.append((rule["path"], tuple(params)))
    return UrlRules(frozenset(drop), tuple(prefixes), tuple(identity))


def clean_url(url: str) -> str:
    """A link as found in a listing, made fetchable: trimmed, ``&amp;`` (left
    by HTML-escaping JSON APIs) unescaped, fragment dropped."""
    url = html.unescape(url.strip())
    return urlsplit(url)._replace(fragment="").geturl()


def host_of(url: str) -> str:
    """Lower-case host name of a URL ('' when it has none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def netloc_of(url: str) -> str:
    """Lower-case ``host`` of a URL, or ``host:port`` when its port is not the
    scheme's default ('' when it has none): what the crawler trusts."""
    try:
        parts = urlsplit(url)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        return ""
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{port}" if host and port and port != _DEFAULT_PORTS.get(parts.scheme.lower()) else host


def named_address(netloc: str) -> bool:
    """Whether a ``host[:port]`` names an address itself (an IP literal, or localhost), not a DNS name."""
    host = host_of(f"//{netloc}")
    return host == "localhost" or ip_literal(host) is not None


def article_key(url: str, rules: UrlRules) -> str:
    parts = urlsplit(clean_url(url))
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = parts.path or "/"
    params = parse_qsl(parts.query, keep_blank_values=True)
    for rule_path, identifying in rules.identity:
        if path == rule_path and any(name in identifying for name, _ in params):
            params = [(k, v) for k, v in params if k in identifying]
            break
    else:
        params = [
            (k, v) for k, v in params
            if k not in rules.drop_params and not k.startswith(rules.drop_prefixes)
        ]
    query = urlencode(sorted(params))
    return urlunsplit(("", host, path, query, "")).removeprefix("//")


def map_host(url: str, host_map: dict[str, str]) -> str:
    """``url`` with its host replaced by ``host_map[host]`` (m.sohu.com -> www.sohu.com)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host not in host_map:
        return url
    netloc = host_map[host]
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return parts._replace(netloc=netloc).geturl()


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, shared, reserved or multicast
    addresses (IPv4, IPv6, IPv4-mapped IPv6), which a listed link must not reach."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def ip_literal(host: str) -> str | None:
    """``host`` when it is an IP address rather than a name."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None
