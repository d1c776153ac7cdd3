"""Calling an outside URL from a workflow: JSON POST, signed, with a timeout, no redirects, and
never to a private, loopback or link-local address (unless the install allows it).

The host is resolved once, every address is checked, and the connection goes to the checked
address (with the original name for TLS and the Host header), so a DNS answer that changes
between the check and the call cannot point the request inside the network.

Signature: header `Rapport-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
with the workflow's secret, as Stripe signs its webhooks. `Idempotency-Key` names the run and
step, so a receiver can drop the repeat a retry after a crash may send.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

MAX_RESPONSE_BYTES = 2000  # kept in the run history


class Refused(ValueError):
    """The URL may not be called (a permanent error: retrying cannot help)."""


@dataclass(frozen=True)
class Response:
    status: int
    body: str


def _check_address(address: str) -> None:
    ip = ipaddress.ip_address(address)
    if not ip.is_global or ip.is_multicast:
        raise Refused(f"{address} is a private, loopback or reserved address.")


def check_url(url: str, resolve: bool = True) -> list[str]:
    """The checked addresses to connect to; Refused when the URL must not be called."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("Use an http:// or https:// URL with a host name.")
    if parts.username or parts.password:
        raise Refused("Credentials in the URL are not allowed; sign with the workflow secret.")
    host = parts.hostname
    allow_private = settings.WORKFLOW_ALLOW_PRIVATE_URLS
    try:
        literal = [str(ipaddress.ip_address(host))]
    except ValueError:
        literal = []
    if not allow_private:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise Refused(f"{host} is a local name.")
        for address in literal:
            _check_address(address)
    if literal or not resolve:
        return literal
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"{host} could not be resolved: {exc}") from exc
    addresses = sorted({str(info[4][0]) for info in infos})
    if not allow_private:
        for address in addresses:
            _check_address(address)
    return addresses


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def post_json(url: str, body: bytes, secret: str, timeout: float, idempotency_key: str) -> Response:
    """POST the body; Refused for a refused URL, a redirect or a 4xx; OSError to retry."""
    address = check_url(url)[0]
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Rapport-Workflow/1",
        "Host": parts.netloc,
        "Rapport-Signature": sign(secret, body, int(time.time())),
        "Idempotency-Key": idempotency_key,
    }
    limit = urllib3.Timeout(total=timeout)
    pool: urllib3.HTTPConnectionPool
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address, port, timeout=limit, retries=False, maxsize=1,
            server_hostname=parts.hostname, assert_hostname=parts.hostname,
        )  # fmt: skip
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=limit, retries=False, maxsize=1)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    try:
        reply = pool.urlopen("POST", path, body=body, headers=headers, redirect=False)
    except urllib3.exceptions.HTTPError as exc:
        raise OSError(f"The call failed: {exc}") from exc
    finally:
        pool.close()
    text = reply.data[:MAX_RESPONSE_BYTES].decode("utf-8", "replace")
    if 300 <= reply.status < 400:
        raise Refused(f"The URL answered {reply.status}; redirects are not followed.")
    if reply.status in (408, 429) or reply.status >= 500:
        raise OSError(f"The URL answered {reply.status}: {text[:200]}")
    if reply.status >= 400:
        raise Refused(f"The URL answered {reply.status}: {text[:200]}")
    return Response(reply.status, text)
