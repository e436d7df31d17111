"""Read a YAML file into plain data plus the line of every key, for error messages.

PyYAML's composer keeps a start mark on every node; walking the node tree gives, for each
key path such as ("actors", "rok", "fatigue"), the 1-based line where that key is written.

A scenario is plain data, so the reader refuses, with the line, what plain data never needs
and a hostile file could abuse: anchors and aliases (an alias bomb expands a few hundred bytes
into gigabytes), tags (`!custom`, `!!python/...`), merge keys (`<<:`), nesting deeper than
MAX_DEPTH, numbers longer than MAX_DIGITS digits, and files larger than MAX_BYTES or that are
not regular files (a FIFO, a device such as /dev/zero, a folder): these are checked on the
stream of parser events, before any node is built.
"""

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.errors import ScenarioError, UserError
from sim.scenario.data import SAFE_LOADER

KeyPath = tuple[str | int, ...]

MAX_BYTES = 1_000_000
"""Largest scenario file read, in bytes (the shipped ones are a few kB)."""

MAX_DEPTH = 20
"""Deepest nesting of mappings and lists (a scenario needs six)."""

MAX_DIGITS = 100
"""Longest number written, in characters."""


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, reading 1e-3 as a number (YAML 1.2) rather than as text."""


class _FastLoader(SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The same loader on libyaml's parser (about 20x faster), used where PyYAML has it."""


for _loader in (_Loader, _FastLoader):
    _loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"),
    )


_PARSED_APART = re.compile("[\t\r\x85\ufeff\u2028\u2029?]|[|>][-+0-9]*#")
"""What libyaml accepts and PyYAML refuses (a tab, a byte-order mark inside the text, a comment
right after a block scalar's | or >, a complex key's ?; found by fuzzing both): a text holding
any of it is read by PyYAML's parser alone, so that both accept the same files."""


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML file: its data, where each key path is written, and the text it was
    parsed from (read once, so a copy of the file is the text that was checked)."""

    path: Path
    data: Any
    lines: dict[KeyPath, int]
    text: str = ""

    def line_of(self, key_path: KeyPath) -> int | None:
        """Line of the deepest written ancestor of key_path (the path itself if written)."""
        for depth in range(len(key_path), -1, -1):
            line = self.lines.get(tuple(key_path[:depth]))
            if line is not None:
                return line
        return None


def read_text(path: Path, limit: int = MAX_BYTES, noun: str = "a scenario file") -> str:
    """The text of a regular file of at most `limit` bytes; ScenarioError otherwise (`noun`
    says what the file should have been).

    The file is opened once, without blocking (a FIFO does not wait for a writer), and checked
    to be a regular file before anything is read; at most limit + 1 bytes are ever read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ScenarioError(path, None, "", "file not found") from None
    except IsADirectoryError:
        raise ScenarioError(path, None, "", f"is a folder, not {noun}") from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ScenarioError(path, None, "", f"cannot read the file ({reason})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ScenarioError(path, None, "", f"is a folder, not {noun}")
        if not stat.S_ISREG(info.st_mode):
            raise ScenarioError(
                path, None, "", "is not a regular file (a device, FIFO or socket); not read"
            )
        if info.st_size > limit:
            raise ScenarioError(
                path, None, "", f"the file has {info.st_size:,} bytes; the limit is {limit:,}"
            )
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise ScenarioError(path, None, "", f"cannot read the file ({exc.strerror})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(raw) > limit:
        raise ScenarioError(path, None, "", f"the file has more than {limit:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(path, None, "", f"cannot read the file ({exc})") from None


def read_json_object(path: Path, limit: int, noun: str, hint: str = "") -> dict[str, Any]:
    """The JSON object in `path`, read once from a regular file of at most `limit` bytes
    (read_text); UserError naming the file otherwise (`noun` says what it should have been,
    `hint` what to do). Manifests, part records and a posterior's sidecar are read so."""
    then = f"; {hint}" if hint else ""
    try:
        text = read_text(path, limit, noun=noun)
    except ScenarioError as error:
        raise UserError(path, None, "", f"{error.message} ({noun}){then}") from None
    try:
        record = json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", None)
        raise UserError(path, line, "", f"not valid JSON: expected {noun}{then}") from None
    if not isinstance(record, dict):
        raise UserError(path, 1, "", f"expected a JSON object, {noun}{then}")
    return record


def read_yaml(path: Path, noun: str = "a scenario file") -> YamlDoc:
    """Parse `path`; raise ScenarioError for unreadable files, bad YAML or duplicate keys."""
    text = read_text(path, noun=noun)
    try:
        root = _compose(text, path)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, BEL ...)
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(
            path, line, "", f"invalid YAML: character {exc.character!r} is not allowed"
        ) from None
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
    return YamlDoc(path, data, lines, text)


def _compose(text: str, path: Path) -> yaml.Node | None:
    """The checked node tree (_check_events) of the text, through libyaml when PyYAML has it;
    a text libyaml finds any fault in is read again by PyYAML's own parser, whose messages
    and lines the errors quote."""
    if yaml.__with_libyaml__ and not _PARSED_APART.search(text):
        try:
            _check_events(text, path, _FastLoader)
            return yaml.compose(text, Loader=_FastLoader)
        except (yaml.YAMLError, ScenarioError):
            pass
    _check_events(text, path, _Loader)
    return yaml.compose(text, Loader=_Loader)


def _check_events(text: str, path: Path, loader: type) -> None:
    """Refuse anchors, aliases, tags, merge keys, deep nesting and overlong numbers, reading
    the parser's event stream (nothing is expanded or built). A plain scalar's style is None
    from PyYAML's parser and '' from libyaml's."""
    depth = 0
    documents = 0
    for event in yaml.parse(text, Loader=loader):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise ScenarioError(path, line, "", "one scenario a file: found a second document")
        if isinstance(event, yaml.AliasEvent):
            raise ScenarioError(
                path, line, "", f"aliases (*{event.anchor}) are not allowed; write the value out"
            )
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            raise ScenarioError(
                path, line, "", f"anchors (&{event.anchor}) are not allowed; write values out"
            )
        tag = getattr(event, "tag", None)
        if isinstance(event, yaml.NodeEvent) and tag is not None:
            raise ScenarioError(
                path, line, "", f"tags such as {_short(tag)} are not allowed; write plain values"
            )
        if isinstance(event, yaml.ScalarEvent):
            if event.value == "<<" and not event.style:
                raise ScenarioError(
                    path, line, "", "merge keys (<<) are not allowed; write the keys out"
                )
            if not event.style and len(event.value) > MAX_DIGITS and _numeric(event.value):
                raise ScenarioError(
                    path,
                    line,
                    "",
                    f"a number of {len(event.value):,} characters; the limit is {MAX_DIGITS}",
                )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ScenarioError(
                    path, line, "", f"nested more than {MAX_DEPTH} levels deep; a scenario needs 6"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _numeric(value: str) -> bool:
    return bool(re.fullmatch(r"[-+0-9_.eExXoObB:a-fA-F]+", value)) and any(
        c.isdigit() for c in value
    )


def _short(tag: str) -> str:
    tag = tag.replace("tag:yaml.org,2002:", "!!")
    shown = tag if len(tag) <= 40 else tag[:37] + "..."
    return repr(shown)


def _construct(node: yaml.Node, key_path: KeyPath, lines: dict[KeyPath, int], path: Path) -> Any:
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError(path, line, dotted(key_path), "keys must be plain names")
            key = _scalar(key_node, path, key_path)
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
    return _scalar(node, path, key_path)


def _scalar(node: yaml.Node, path: Path, key_path: KeyPath) -> Any:
    try:
        return yaml.constructor.SafeConstructor().construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
        # e.g. date: 2025-02-30 (no such day), or a value PyYAML cannot build
        shown = node.value if isinstance(node.value, str) else ""
        shown = repr(shown) if len(shown) <= 40 else repr(shown[:37] + "...")
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ScenarioError(
            path,
            node.start_mark.line + 1,
            dotted(key_path),
            f"cannot read the value {shown} ({detail})",
        ) from None


def dotted(key_path: KeyPath) -> str:
    """("events", 2, "set") -> "events[2].set"."""
    return ".".join(f"[{k}]" if isinstance(k, int) else str(k) for k in key_path).replace(".[", "[")
