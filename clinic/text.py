"""Text that goes into XML (the feed, the sitemap) or JSON-LD: without the characters XML 1.0
forbids. Text pasted from Word brings vertical tabs and the like; the feed answered 500 on them."""

import re

# XML 1.0 allows tab, newline, carriage return, and U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF.
_XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def xml_safe_data(value):
    """`xml_safe` applied to every string in nested dicts, lists and tuples; other values as they are."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, dict):
        return {xml_safe_data(key): xml_safe_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_safe_data(item) for item in value)
    return value
