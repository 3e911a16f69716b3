"""GetRandomPassword's generator over seeded randomness."""

from __future__ import annotations

import string

import pytest

from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.secretsmanager.errors import InvalidParameter
from codeyard.services.secretsmanager.passwords import PasswordRules, random_password


def _ids(seed: int = 7) -> IdGenerator:
    return IdGenerator(SeededRandomness(seed))


def test_same_seed_same_password_other_seed_other_password() -> None:
    rules = PasswordRules()
    assert random_password(_ids(1), rules) == random_password(_ids(1), rules)
    assert random_password(_ids(1), rules) != random_password(_ids(2), rules)


@pytest.mark.parametrize("seed", range(25))
def test_each_included_type_appears_even_in_short_passwords(seed: int) -> None:
    password = random_password(_ids(seed), PasswordRules(length=4))
    assert len(password) == 4
    for kind in (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation):
        assert sum(c in kind for c in password) == 1


def test_excluded_characters_never_appear_and_every_other_one_can() -> None:
    excluded = "abc012!@#"
    password = random_password(
        _ids(), PasswordRules(length=4096, exclude_characters=excluded, include_space=True)
    )
    assert not set(password) & set(excluded)
    allowed = set(string.ascii_letters + string.digits + string.punctuation + " ") - set(excluded)
    assert set(password) == allowed


def test_space_is_only_there_when_asked_for() -> None:
    assert " " not in random_password(_ids(), PasswordRules(length=4096))
    spaced = random_password(_ids(), PasswordRules(length=4096, include_space=True, exclude_characters=" "))
    assert " " not in spaced


@pytest.mark.parametrize(
    "rules",
    [
        PasswordRules(length=3),
        PasswordRules(
            exclude_lowercase=True, exclude_uppercase=True, exclude_numbers=True, exclude_punctuation=True
        ),
        PasswordRules(exclude_characters=string.printable),
    ],
)
def test_impossible_rules_are_refused(rules: PasswordRules) -> None:
    with pytest.raises(InvalidParameter):
        random_password(_ids(), rules)


def test_without_required_types_one_character_is_enough() -> None:
    password = random_password(_ids(), PasswordRules(length=1, require_each_included_type=False))
    assert len(password) == 1
