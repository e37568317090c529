"""Checks that an HTML file only points at files that exist next to it, and that each link within
the page (#ID) names an element of it: the report must open offline and keep working when its
directory is copied as a whole."""

import os
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from results import ResultError


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets = []
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.targets.append((tag, name, value))


def _collect(html_path):
    collector = _Collector()
    with open(html_path, encoding="utf-8") as f:
        collector.feed(f.read())
    collector.close()
    return collector


def link_targets(html_path):
    """Every (tag, attribute, value) of an href or src in the file."""
    return _collect(html_path).targets


def check_links(html_path):
    """Raises ResultError naming the first link that is external (a scheme or a host) or whose
    relative path does not resolve to an existing file, or that points within the page (#ID) at
    no element's id."""
    base = os.path.dirname(os.path.abspath(html_path))
    page = _collect(html_path)
    for tag, attr, value in page.targets:
        parts = urlsplit(value)
        if value.startswith("#"):
            if unquote(parts.fragment) not in page.ids:
                raise ResultError(html_path, f"<{tag} {attr}={value!r}> names no id of the page")
            continue
        if parts.scheme or parts.netloc or os.path.isabs(unquote(parts.path)):
            raise ResultError(html_path, f"<{tag} {attr}={value!r}> is not a relative link")
        target = os.path.normpath(os.path.join(base, unquote(parts.path)))
        if not os.path.isfile(target):
            raise ResultError(html_path, f"<{tag} {attr}={value!r}> points at no file "
                              f"({target})")
