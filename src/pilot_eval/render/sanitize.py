"""Last pass over a report's HTML: nothing in it can run, whatever put it there.

Every string from a data folder is escaped where it is written (templates, tables, chart
captions). This pass is the defence in depth behind that: the exported page is parsed and
written out again from what the parser saw, keeping only

* elements of an allowlist (the HTML a report uses, and SVG shapes and text for charts
  drawn inline); ``script`` with its content, ``iframe``, ``object``, ``embed``, ``form``,
  ``base``, ``link``, SVG animation and ``foreignObject`` are left out, the text inside
  the others is kept as text;
* attributes other than event handlers (``on*``), ``srcdoc``, ``formaction``, ``action``
  and ``http-equiv`` (a ``<meta>`` refresh);
* URLs (``href``, ``src``, ``xlink:href`` …) that are relative, a fragment, ``http(s):``,
  ``mailto:`` or ``tel:``; ``data:`` only for raster and SVG images in an image's source
  (an SVG in ``<img>`` runs no script). ``javascript:``, ``vbscript:``, ``data:text/html``
  and any other scheme are removed with their attribute;
* no comments, processing instructions or CDATA sections.

Why not a sanitiser library such as ``nh3`` (ammonia): those clean HTML *fragments* for
embedding in a page. They drop the document's ``<html>``, ``<head>``, ``<title>`` and
``<meta>`` and the content of ``<style>`` (where the report's fonts and layout live), and
they rewrite the markup with their own serialiser, so WeasyPrint would be given a
different document. Written out again from Python's :mod:`html.parser`, a clean report
keeps its markup as it was (the tests compare the PDF text), and the output holds no
``<`` other than the tags written here: where the parser and a browser would read a
hostile input differently, the browser reads what the parser saw.

Text inside ``<style>`` is written with ``<`` as the CSS escape ``\\3c `` (the same
character to CSS): no ``</style`` can end it early and no markup is found in it when it
stands inside SVG, where a browser parses a ``<style>`` element's content as markup.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["sanitize_html"]

_HTML_ELEMENTS = frozenset("""
    html head body title meta style main section nav aside header footer article address
    h1 h2 h3 h4 h5 h6 p div span a abbr b strong i em small sub sup br hr wbr u s del ins
    mark q cite dfn time data code kbd samp var pre blockquote ul ol li dl dt dd
    table caption colgroup col thead tbody tfoot tr th td figure figcaption img picture
    details summary bdi
""".split())
# SVG as matplotlib writes it (shapes, paths, text, clipping, gradients, markers); no
# animation (``set``/``animate`` can write a javascript: URL into an href) and no
# foreignObject (HTML inside SVG).
_SVG_ELEMENTS = frozenset("""
    svg g defs symbol use path rect circle ellipse line polyline polygon text tspan textpath
    title desc metadata clippath mask lineargradient radialgradient stop pattern marker
    image
""".split())
_ALLOWED = _HTML_ELEMENTS | _SVG_ELEMENTS
#: Elements whose content goes with them.
_DROP_CONTENT = frozenset({"script"})
_DROPPED_ATTRIBUTES = frozenset({"srcdoc", "formaction", "action", "http-equiv", "srcset",
                                 "ping"})
_URL_ATTRIBUTES = frozenset({
    "href", "src", "xlink:href", "background", "poster", "cite", "longdesc", "data",
    "codebase", "lowsrc", "dynsrc", "manifest", "icon", "archive", "classid", "profile",
    "usemap", "itemtype",
})
_SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
# Browsers drop ASCII whitespace and C0 controls anywhere in a URL's scheme ("java\tscript:").
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")
_ATTRIBUTE_NAME = re.compile(r"^[a-z_][a-z0-9_.:-]*$")


def _safe_url(tag: str, value: str) -> bool:
    url = _URL_NOISE.sub("", value).lower()
    scheme = _SCHEME.match(url)
    if scheme is None:
        return True  # relative or a fragment: stays inside the self-contained page
    if scheme.group(1) in _SAFE_SCHEMES:
        return True
    return tag in ("img", "image") and _IMAGE_DATA.match(url) is not None


class _Rewriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.raw: str | None = None  # inside <style> (kept) or <script> (dropped)
        self.removed = 0

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        if tag in _DROP_CONTENT:
            self.raw = tag if close == ">" else None
            self.removed += 1
            return
        if tag not in _ALLOWED:
            self.removed += 1
            return
        if tag == "style":
            # a browser reads "<style/>" as an opening tag, so whatever follows is CSS
            self.raw, close = tag, ">"
        parts = [f"<{tag}"]
        for name, value in attrs:
            if (name.startswith("on") or name in _DROPPED_ATTRIBUTES
                    or not _ATTRIBUTE_NAME.match(name)
                    or (name in _URL_ATTRIBUTES and value is not None
                        and not _safe_url(tag, value))):
                self.removed += 1
                continue
            parts.append(f" {name}" if value is None else f' {name}="{html.escape(value)}"')
        self.out.append("".join(parts) + close)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, ">")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "/>")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.raw:
            self.raw = None
            if tag in _DROP_CONTENT:
                return
        if tag in _ALLOWED:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.raw == "style":
            self.out.append(data.replace("<", "\\3c "))
        elif self.raw is None:
            self.out.append(html.escape(data, quote=False))

    def handle_decl(self, decl: str) -> None:
        if decl.lower() == "doctype html":
            self.out.append(f"<!{decl}>")

    # comments, processing instructions, CDATA sections and other declarations: left out
    def handle_comment(self, data: str) -> None:
        self.removed += 1

    def handle_pi(self, data: str) -> None:
        self.removed += 1

    def unknown_decl(self, data: str) -> None:
        self.removed += 1


def sanitize_html(text: str) -> str:
    """Return ``text`` written out again with nothing in it that a browser would run.

    Parameters
    ----------
    text : str
        A whole HTML document (or a fragment).

    Returns
    -------
    str
        The same document without scripts, event-handler attributes, dangerous URLs,
        elements outside the allowlist (their text kept) and comments; see the module
        docstring for the rules.

    Examples
    --------
    >>> sanitize_html('<p class="x" onclick="go()">A &amp; B<script>go()</script></p>')
    '<p class="x">A &amp; B</p>'
    >>> sanitize_html('<a href=" java&#9;script:go()">x</a><img src="data:text/html,x">')
    '<a>x</a><img>'
    """
    parser = _Rewriter()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)
