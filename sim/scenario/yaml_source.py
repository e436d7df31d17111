"""Read a YAML file into plain data plus the line of every key, for error messages.

PyYAML's composer keeps a start mark on every node; walking the node tree gives, for each
key path such as ("actors", "rok", "fatigue"), the 1-based line where that key is written.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.errors import ScenarioError

KeyPath = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading 1e-3 as a number (YAML 1.2) rather than as text."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML file: its data and where each key path is written."""

    path: Path
    data: Any
    lines: dict[KeyPath, int]

    def line_of(self, key_path: KeyPath) -> int | None:
        """Line of the deepest written ancestor of key_path (the path itself if written)."""
        for depth in range(len(key_path), -1, -1):
            line = self.lines.get(tuple(key_path[:depth]))
            if line is not None:
                return line
        return None


def read_yaml(path: Path) -> YamlDoc:
    """Parse `path`; raise ScenarioError for unreadable files, bad YAML or duplicate keys."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(path, None, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path, None, "", f"cannot read the file ({exc})") from None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        # The context mark is where the broken construct opens (an unclosed bracket's line);
        # the problem mark may lie past the end of the file.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        detail = f"{context}: {problem}" if context else problem
        raise ScenarioError(path, line, "", f"invalid YAML: {detail}") from None
    lines: dict[KeyPath, int] = {(): 1}
    data = _construct(root, (), lines, path) if root is not None else None
    return YamlDoc(path, data, lines)


def _construct(node: yaml.Node, key_path: KeyPath, lines: dict[KeyPath, int], path: Path) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(path, line, dotted(key_path), "keys must be plain names")
            key = _scalar(key_node)
            if not isinstance(key, str):
                raise ScenarioError(
                    path,
                    line,
                    dotted(key_path),
                    f"keys must be names, got {key!r}; quote it if it is a name",
                )
            child = (*key_path, key)
            if key in out:
                raise ScenarioError(
                    path,
                    line,
                    dotted(child),
                    "this key is written twice in the same mapping",
                )
            lines[child] = line
            out[key] = _construct(value_node, child, lines, path)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            lines[(*key_path, i)] = item.start_mark.line + 1
            items.append(_construct(item, (*key_path, i), lines, path))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    return _Loader("").construct_object(node, deep=True)


def dotted(key_path: KeyPath) -> str:
    """("events", 2, "set") -> "events[2].set"."""
    return ".".join(f"[{k}]" if isinstance(k, int) else str(k) for k in key_path).replace(".[", "[")
