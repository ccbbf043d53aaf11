"""Presentation helpers: an editor's call-to-action sentence with phone and booking links."""

from types import SimpleNamespace

from clinic.templatetags.clinic_tags import call_to_action_text

CLINIC = SimpleNamespace(phone="(954) 519-5404", tel_uri="tel:+19545195404")


def test_bracketed_words_link_to_the_booking_page_with_the_query():
    html = call_to_action_text("Or [book a visit] now.", CLINIC, "/book/", "?concern=hip&from=7")
    assert html == 'Or <a href="/book/?concern=hip&amp;from=7">book a visit</a> now.'


def test_phone_placeholder_and_booking_link_together():
    html = call_to_action_text("Call {phone} or [book].", CLINIC, "/book/")
    assert html == 'Call <a href="tel:+19545195404">(954) 519-5404</a> or <a href="/book/">book</a>.'


def test_without_a_booking_page_the_bracketed_words_stay_plain_text():
    assert call_to_action_text("Or [book a visit] now.", CLINIC, "") == "Or book a visit now."


def test_html_in_the_sentence_stays_text_inside_and_outside_the_link():
    html = call_to_action_text('<b>x</b> [<img src=x onerror="y">] [a"b]', CLINIC, "/book/")
    assert html == (
        '&lt;b&gt;x&lt;/b&gt; <a href="/book/">&lt;img src=x onerror=&quot;y&quot;&gt;</a> '
        '<a href="/book/">a&quot;b</a>'
    )
