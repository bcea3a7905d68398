"""Reading a page's form errors as a person sees them: which messages stand beside which input.

Django's test client gives the HTML; the standard library's parser reads it into a small tree,
enough to find an input and the error list that sits in its own container.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: "Element | None" = None
    children: list["Element | str"] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.walk()

    def text(self) -> str:
        return " ".join(
            (child if isinstance(child, str) else child.text()).strip() for child in self.children
        ).strip()

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("document", {})

    def handle_starttag(self, tag: str, attrs: list) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


def _controls(element: Element) -> set[str]:
    return {
        node.attrs["name"]
        for node in element.walk()
        if node.tag in {"input", "textarea", "select"}
        and node.attrs.get("type") != "hidden"
        and "name" in node.attrs
    }


def errors_beside(html: str, name: str) -> list[str]:
    """The errors shown in the container of the input named `name`: the nearest element
    around it that holds an error list and no other input. Empty when there is none."""
    tree = parse(html)
    inputs = [node for node in tree.walk() if node.attrs.get("name") == name]
    assert inputs, f"no input named {name} on the page"
    node = inputs[0].parent
    while node is not None and _controls(node) <= {name}:
        lists = [n for n in node.walk() if "errorlist" in n.classes]
        if lists:
            return [item.text() for lst in lists for item in lst.walk() if item.tag == "li"]
        node = node.parent
    return []


def every_error(html: str) -> list[str]:
    """Every error message on the page, beside a field or above a form."""
    return [
        item.text()
        for node in parse(html).walk()
        if "errorlist" in node.classes
        for item in node.walk()
        if item.tag == "li"
    ]
