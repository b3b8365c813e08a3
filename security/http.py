"""The client's address as Polku trusts it, and its privacy-preserving network."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address.

    Behind POLKU_PROXY_COUNT trusted proxies (the load balancer in production) the address
    is the entry that many places from the right of X-Forwarded-For: the entries left of
    it were written by the client and prove nothing. Also django-axes' address callable.
    """
    proxies: int = settings.POLKU_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return _valid(forwarded[-proxies])
    return _valid(request.META.get("REMOTE_ADDR", ""))


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def ip_network(address: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of an address: where, not who."""
    if not address:
        return ""
    ip = ipaddress.ip_address(address)
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def is_verified(user: object) -> bool:
    """Whether a code has verified the session (django-otp's OTPMiddleware gives the
    request's user is_verified())."""
    verified = getattr(user, "is_verified", None)
    return bool(verified is not None and verified())
