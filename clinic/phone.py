"""Phone numbers: the one place they are parsed (phonenumbers, in the clinic's region).

Validation, storage (E.164) and `tel:` links all go through `parse_phone`, so a number that one
of them accepts is never refused or linked differently by another."""

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


def e164(value: str) -> str:
    """The number as +19545195404, or '' when it is not a valid phone number."""
    try:
        number = parse_phone(value)
    except ValidationError:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def tel_uri(value: str) -> str:
    """`tel:` link for a phone number as staff typed it; '' when it is not a valid phone number."""
    number = e164(value)
    return f"tel:{number}" if number else ""
