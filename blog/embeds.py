"""Privacy-friendly iframe URLs for the video hosts articles may embed (YouTube and Vimeo)."""

import re
from urllib.parse import parse_qs, urlsplit

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_VIMEO_ID = re.compile(r"\d{4,12}")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


def video_embed_src(url: str) -> str:
    """The iframe `src` for a YouTube or Vimeo video URL, or '' for anything else.

    We build the iframe ourselves rather than inserting the provider's oEmbed HTML: the markup and
    its `title` stay ours, and YouTube plays from its no-cookie domain (allowed by our CSP)."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return ""
    if parts.scheme not in {"http", "https"}:
        return ""
    host = (parts.hostname or "").lower()
    path = [segment for segment in parts.path.split("/") if segment]
    if host in YOUTUBE_HOSTS:
        if host == "youtu.be":
            candidate = path[0] if path else ""
        elif path[:1] == ["watch"]:
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif len(path) >= 2 and path[0] in {"embed", "shorts", "live"}:
            candidate = path[1]
        else:
            candidate = ""
        if _YOUTUBE_ID.fullmatch(candidate):
            return f"https://www.youtube-nocookie.com/embed/{candidate}"
    elif host in VIMEO_HOSTS:
        candidate = path[-1] if path else ""
        if _VIMEO_ID.fullmatch(candidate):
            return f"https://player.vimeo.com/video/{candidate}"
    return ""
