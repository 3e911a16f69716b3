"""Console passwords: the default policy and scrypt hashes."""

from __future__ import annotations

import pytest

from codeyard.services.iam.errors import PasswordPolicyViolation
from codeyard.services.iam.passwords import check_policy, hash_password, verify_password


@pytest.mark.parametrize(
    "password", ["Sh0rt!", "alllowercase1", "ALLUPPER-CASE", "12345678!!", "NoDigitsOrSymbols"]
)
def test_weak_passwords(password: str) -> None:
    with pytest.raises(PasswordPolicyViolation):
        check_policy(password, "ann")


def test_password_equal_to_the_user_name() -> None:
    with pytest.raises(PasswordPolicyViolation):
        check_policy("Ann-Smith-1", "ann-smith-1")


@pytest.mark.parametrize("password", ["Corr3ct-Horse", "battery Staple 9", "Ünïcode-Pass1"])
def test_good_passwords(password: str) -> None:
    check_policy(password, "ann")


def test_hash_round_trip_and_salting() -> None:
    first, second = hash_password("Corr3ct-Horse"), hash_password("Corr3ct-Horse")
    assert first != second
    assert "Corr3ct-Horse" not in first
    assert first.startswith("scrypt$16384$8$1$")
    assert verify_password("Corr3ct-Horse", first)
    assert verify_password("Corr3ct-Horse", second)
    assert not verify_password("corr3ct-horse", first)


@pytest.mark.parametrize(
    "stored", ["", "plain", "md5$x$y$z$a$b", "scrypt$x$8$1$AAAA$AAAA", "scrypt$16384$8$1$!!$AAAA"]
)
def test_unreadable_hashes_never_verify(stored: str) -> None:
    assert not verify_password("anything", stored)
