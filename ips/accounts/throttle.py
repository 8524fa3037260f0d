"""Brute-force protection for the password step, kept in the Redis cache.

Why not django-axes: it is a Jazzband project (the organisation is winding down in 2026–27) and
brings its own models, signals and admin. What we need is small enough to read in one sitting:

- 5 failures for one username *from one address* within 15 minutes lock that pair for 15 minutes.
  The real person, signing in from their own address, is not affected by an attacker elsewhere.
- 20 failures for one username from any addresses lock the username for 15 minutes (distributed
  guessing). An attacker can trigger this, but it always expires by itself, an administrator can
  lift it at once, and a guessed password alone opens nothing (two-factor sign-in).
- 50 failures from one address lock that address for 15 minutes (password spraying).

Locks expire by themselves (Redis TTL). Attempts during a lock are refused without checking the
password and do not extend the lock. The second step (TOTP code) is throttled by django-otp itself.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger("ips.security")


def _h(value: str) -> str:
    # Hashed: usernames typed by strangers (and addresses) are not kept in clear in Redis.
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _generation(username: str) -> int:
    # Bumped by an unlock: every pair counter of the old generation is orphaned at once.
    return cache.get(f"login:gen:{_h(username)}", 0)


def _keys(username: str, ip: str | None) -> dict[str, str]:
    user = _h(username)
    address = _h(ip or "-")
    gen = _generation(username)
    return {
        "pair": f"login:pair:{gen}:{user}:{address}",
        "user": f"login:user:{gen}:{user}",
        "ip": f"login:ip:{address}",
    }


def _limits() -> dict[str, int]:
    return {
        "pair": settings.LOGIN_FAILURE_LIMIT,
        "user": settings.LOGIN_FAILURE_LIMIT_PER_USERNAME,
        "ip": settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS,
    }


def _seconds() -> int:
    return max(1, int(settings.LOGIN_LOCKOUT_MINUTES * 60))


def login_lock_remaining(*, username: str, ip: str | None) -> int:
    """Seconds until this username/address may try again (0: not locked)."""
    now = time.time()
    locks = cache.get_many([f"{key}:lock" for key in _keys(username, ip).values()])
    until = max(locks.values(), default=0)
    return max(0, int(until - now + 0.999))


def login_failure_record(*, username: str, ip: str | None) -> None:
    window = _seconds()
    limits = _limits()
    for kind, key in _keys(username, ip).items():
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            count = 1
        if count >= limits[kind]:
            cache.set(f"{key}:lock", time.time() + window, timeout=window)
            cache.delete(key)
            logger.warning("login locked: %s (%s failures)", kind, count)


def login_success_reset(*, username: str, ip: str | None) -> None:
    keys = _keys(username, ip)
    cache.delete_many([keys["pair"], keys["user"]])


def login_unlock(*, username: str) -> None:
    """Administrator: lift every lock on this username (from all addresses) now."""
    gen_key = f"login:gen:{_h(username)}"
    cache.add(gen_key, 0, timeout=None)
    cache.incr(gen_key)
    logger.info("login unlocked by administrator")


def address_unlock(*, ip: str) -> None:
    cache.delete_many([f"login:ip:{_h(ip)}", f"login:ip:{_h(ip)}:lock"])
