"""Phone numbers: the one place they are parsed (phonenumbers, in the clinic's region).

Validation, storage (E.164) and `tel:` links all go through `parse_phone`, so a number that one
of them accepts is never refused or linked differently by another."""

import functools

import phonenumbers

from django.core.exceptions import ValidationError

PHONE_REGION = "US"


def parse_phone(value: str) -> phonenumbers.PhoneNumber:
    """The number typed as `value`; raises ValidationError saying why when it is not a valid one."""
    try:
        number = phonenumbers.parse(value or "", PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError("Enter a phone number such as (954) 519-5404.") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("That is not a valid phone number.")
    return number


def validate_phone(value: str) -> None:
    parse_phone(value)


# Parsing a number is the slow part of listing and exporting requests, and a number reads the same
# every time: the pure string-to-string helpers remember the numbers they have seen lately.
@functools.lru_cache(maxsize=8192)
def e164(value: str) -> str:
    """The number as +19545195404, or '' when it is not a valid phone number."""
    try:
        number = parse_phone(value)
    except ValidationError:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=8192)
def readable_phone(value: str) -> str:
    """The number as people in the clinic's region write and dial it: (954) 519-5404 at home,
    011 44 20 7946 0958 from abroad; the value as stored when it is not a valid number.

    Spaces and brackets also keep it text in spreadsheets, which read +19545195404 as a number."""
    try:
        number = parse_phone(value)
    except ValidationError:
        return value
    if phonenumbers.region_code_for_number(number) == PHONE_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_out_of_country_calling_number(number, PHONE_REGION)


def phone_digits(text: str) -> str:
    """The digits of `text` when it reads as (part of) a phone number, as staff type one into a
    search box: "555-0166", "(954) 555-0166", "+1 954 555 0166"; '' for anything else."""
    if not text or any(char not in _PHONE_CHARACTERS for char in text):
        return ""
    return "".join(char for char in text if char.isdigit())


_PHONE_CHARACTERS = set("0123456789+-(). /")


def tel_uri(value: str) -> str:
    """`tel:` link for a phone number as staff typed it; '' when it is not a valid phone number."""
    number = e164(value)
    return f"tel:{number}" if number else ""
