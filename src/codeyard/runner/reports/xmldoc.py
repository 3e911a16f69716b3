"""An XML report file parsed safely (defusedxml), with the line of every element and namespaces dropped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from codeyard.runner.reports.errors import ReportFileError


class _LineBuilder(ET.TreeBuilder):
    """A tree builder that drops namespaces from tags and remembers the line of each start tag."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        elem = super().start(tag.rpartition("}")[2], attrs)
        if self.parser is not None:
            self.lines[id(elem)] = self.parser.parser.CurrentLineNumber
        return elem


class XmlDocument:
    """The root element of a report file, the line of each element, and errors that name them."""

    def __init__(self, data: bytes, path: str) -> None:
        self.path = path
        builder = _LineBuilder()
        parser = DefusedXMLParser(target=builder)
        builder.parser = parser
        try:
            parser.feed(data)
            self.root: ET.Element = parser.close()
        except ET.ParseError as exc:
            line, column = exc.position
            reason = str(exc).split(":", 1)[0]
            raise ReportFileError(
                path, f"is not well-formed XML: {reason} (column {column + 1})", line
            ) from None
        except DefusedXmlException as exc:
            raise ReportFileError(
                path, f"uses XML entities or external references, refused ({exc})"
            ) from None
        self._lines = builder.lines

    def line(self, elem: ET.Element) -> int | None:
        """The line of the start tag of an element of this document."""
        return self._lines.get(id(elem))

    def error(self, elem: ET.Element, reason: str) -> ReportFileError:
        """An error about an element, naming its line."""
        return ReportFileError(self.path, reason, self.line(elem))

    def expect_root(self, *names: str) -> ET.Element:
        """The root element, or an error when its name is none of `names`."""
        if self.root.tag not in names:
            wanted = " or ".join(f"<{n}>" for n in names)
            raise self.error(self.root, f"root element is <{self.root.tag}>, expected {wanted}")
        return self.root

    def required(self, elem: ET.Element, attribute: str) -> str:
        """The value of an attribute that the format requires."""
        value = elem.get(attribute)
        if value is None:
            raise self.error(elem, f"<{elem.tag}> has no {attribute} attribute")
        return value

    def integer(self, elem: ET.Element, attribute: str, default: int = 0) -> int:
        """A non-negative whole-number attribute (`default` when absent)."""
        value = elem.get(attribute)
        if value is None or value.strip() == "":
            return default
        try:
            number = int(value.strip())
        except ValueError:
            raise self.error(elem, f"<{elem.tag}> {attribute}={value!r} is not a whole number") from None
        if number < 0:
            raise self.error(elem, f"<{elem.tag}> {attribute}={value!r} is negative")
        return number


def children(elem: ET.Element, *names: str) -> Iterator[ET.Element]:
    """The child elements of `elem` with one of these names, in document order."""
    return (child for child in elem if child.tag in names)


def child_text(elem: ET.Element, name: str) -> str | None:
    """The text of the first child element `name` (None when absent or empty)."""
    child = elem.find(name)
    if child is None:
        return None
    text = "".join(child.itertext())
    return text if text.strip() else None
