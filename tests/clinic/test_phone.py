import pytest

from django.core.exceptions import ValidationError

from clinic.phone import e164, tel_uri, validate_phone


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("(954) 519-5404", "tel:+19545195404"),
        ("954.519.5404", "tel:+19545195404"),
        ("+1 954 519 5404", "tel:+19545195404"),
        ("not a number", ""),
        ("", ""),
    ],
)
def test_tel_uri_is_e164_or_empty(typed, expected):
    assert tel_uri(typed) == expected


@pytest.mark.parametrize("bad", ["12", "call us", "<script>alert(1)</script>", "555-0000\r\nBcc: x@y.z"])
def test_validate_phone_rejects_what_is_not_a_phone_number(bad):
    with pytest.raises(ValidationError):
        validate_phone(bad)


def test_validate_phone_accepts_a_us_number():
    validate_phone("(954) 519-5404")


def test_validate_phone_says_why_an_impossible_number_is_refused():
    with pytest.raises(ValidationError, match="not a valid phone number"):
        validate_phone("555-0000")


def test_tel_uri_links_no_number_that_e164_rejects():
    # Parses, but no such number exists: no link rather than a link that cannot ring.
    assert e164("555-0000") == ""
    assert tel_uri("555-0000") == ""


@pytest.mark.parametrize(
    "typed", ["(954) 519-5404", "+1 954 519 5404", "555-0000", "(954) 519-540", "123 4567", "call us", ""]
)
def test_validation_storage_and_links_agree_on_what_is_a_phone_number(typed):
    try:
        validate_phone(typed)
    except ValidationError:
        valid = False
    else:
        valid = True
    assert bool(e164(typed)) is valid
    assert bool(tel_uri(typed)) is valid
