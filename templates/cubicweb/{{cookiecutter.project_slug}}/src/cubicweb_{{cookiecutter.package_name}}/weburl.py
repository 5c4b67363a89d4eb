"""What the cube accepts as a web address: shared by the hook that validates and the RDF export."""

from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
# Characters an IRI may not contain (RFC 3987): they would break Turtle, HTML attributes, JSON-LD.
FORBIDDEN = frozenset(' <>"{}|\\^`')


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host, and nothing that cannot appear in an IRI."""
    if any(char in FORBIDDEN or ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:  # e.g. "http://[::1" or "http://host:x"
        return False
    return parts.scheme in WEB_SCHEMES and bool(parts.hostname)
