"""Console passwords: the default password policy, and scrypt hashes (never the clear text)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import string

from codeyard.services.iam.errors import PasswordPolicyViolation

# scrypt cost: about 50 ms and 16 MiB per hash, paid only at console sign-in.
_N, _R, _P = 2**14, 8, 1
_SALT = 16
_LENGTH = 32
MIN_LENGTH = 8


def check_policy(password: str, user_name: str) -> None:
    """AWS's default password policy: 8 characters or more, at least three of upper case, lower
    case, digits and symbols, and not the user's name."""
    classes = (
        any(c in string.ascii_uppercase for c in password),
        any(c in string.ascii_lowercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    )
    if len(password) < MIN_LENGTH or sum(classes) < 3 or password.lower() == user_name.lower():
        raise PasswordPolicyViolation(
            "Password should have a minimum length of 8 and at least three of: upper case letters, "
            "lower case letters, numbers and symbols, and must not be the user name."
        )


def hash_password(password: str) -> str:
    salt = os.urandom(_SALT)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_LENGTH)
    encode = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)
