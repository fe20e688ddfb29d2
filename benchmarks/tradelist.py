"""Loader for TradeMaximizer want lists (board-game math trades), mapped to the engine's graph.

Format (see benchmarks/data/tradelists/README.md):

- ``#! OPTION`` lines set options; other lines starting with ``#`` are comments;
- ``!BEGIN-OFFICIAL-NAMES`` .. ``!END-OFFICIAL-NAMES`` blocks list item names and are skipped;
- ``(user) item : want1 want2 ...``: the user gives ``item`` if they receive any of the wants
  (the colon is optional unless ``REQUIRE-COLONS``; ``;`` only separates ranks and is ignored);
- ``%name`` is a dummy item owned by the same user, standing for the wants on its own line.

Mapping: one graph node per line (real or dummy item); an edge ``X -> Y`` for every want Y of
X, meaning X's owner receives Y in exchange for X. An edge counts (it is one traded item) when
its source is a real item, so dummies pass through without counting, exactly like the
want -> offer edges of a market. Wants naming an item nobody offers are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from matching.graph import Component, make_graph

_LINE_RE = re.compile(r"^\(\s*(?P<user>[^)]+?)\s*\)\s*(?P<rest>.*)$")


@dataclass
class TradeList:
    """A parsed want list: items (nodes), their owners, and the exchange graph."""

    options: dict[str, str]
    names: list[str]
    users: list[str]
    dummy: list[bool]
    graph: Component
    skipped_wants: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def real_items(self) -> int:
        """Number of real (non-dummy) items."""
        return sum(1 for d in self.dummy if not d)


def parse_tradelist(text: str) -> TradeList:
    """Parse the text of a TradeMaximizer want list into a ``TradeList``."""
    options: dict[str, str] = {}
    lines: list[tuple[str, str, list[str]]] = []
    in_names = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        upper = line.upper()
        if upper.startswith("!BEGIN-OFFICIAL-NAMES"):
            in_names = True
            continue
        if upper.startswith("!END-OFFICIAL-NAMES"):
            in_names = False
            continue
        if in_names:
            continue
        if line.startswith("#!"):
            for option in line[2:].split():
                key, _, value = option.partition("=")
                options[key.upper()] = value
            continue
        if line.startswith("#"):
            continue
        match = _LINE_RE.match(line)
        if match is None:
            if "REQUIRE-USERNAMES" in options:
                raise ValueError(f"missing (username): {line[:60]}")
            user, rest = "", line
        else:
            user, rest = match.group("user"), match.group("rest")
        if ":" in rest:
            head, _, tail = rest.partition(":")
        elif "REQUIRE-COLONS" in options:
            raise ValueError(f"missing colon: {line[:60]}")
        else:
            head, _, tail = rest.partition(" ")
        item = head.strip()
        if not item:
            continue
        wants = [w.strip(";") for w in tail.replace(";", " ; ").split()]
        lines.append((user, item, [w for w in wants if w and w != ";"]))
    index: dict[str, int] = {}
    names: list[str] = []
    users: list[str] = []
    dummy: list[bool] = []

    def key(user: str, name: str) -> str:
        return f"{user}\x00{name}" if name.startswith("%") else name

    for user, item, _ in lines:
        k = key(user, item)
        if k in index:
            continue
        index[k] = len(names)
        names.append(item)
        users.append(user)
        dummy.append(item.startswith("%"))
    src: list[int] = []
    dst: list[int] = []
    counted: list[bool] = []
    skipped = 0
    seen_lines: set[str] = set()
    for user, item, wants in lines:
        k = key(user, item)
        if k in seen_lines:
            continue
        seen_lines.add(k)
        x = index[k]
        for want in wants:
            y = index.get(key(user, want))
            if y is None or y == x:
                skipped += 1
                continue
            src.append(x)
            dst.append(y)
            counted.append(not dummy[x])
    n = len(names)
    graph = make_graph(
        n,
        np.array(src, dtype=np.int64),
        np.array(dst, dtype=np.int64),
        np.array(counted, dtype=bool),
        np.zeros(len(src), dtype=np.int64),
    )
    return TradeList(
        options=options, names=names, users=users, dummy=dummy, graph=graph, skipped_wants=skipped
    )


def load_tradelist(path: str | Path) -> TradeList:
    """Read and parse a want list file (UTF-8, Latin-1 as a fallback)."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return parse_tradelist(text)
