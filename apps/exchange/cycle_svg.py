"""Geometry for drawing a proposal's cycle as server-rendered SVG: users on a circle, one
curved arrow per leg (giver → receiver), labelled with the item that travels."""

from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 320
CENTER = SIZE / 2
NODE_R = 30
LABEL_GAP = 12  # between an arrow's control point and its label's centre


@dataclass(frozen=True)
class Node:
    user_id: int
    label: str
    x: float
    y: float
    me: bool
    decision: str


@dataclass(frozen=True)
class Edge:
    path: str
    label: str
    label_x: float
    label_y: float
    mine: bool


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cycle_layout(detail: dict, *, viewer_id: int) -> dict:
    """Nodes and edges for `templates/exchange/_cycle.svg` from `proposal_detail(...)`."""
    members = detail["members"]
    n = len(members)
    radius = 105 if n > 2 else 85
    nodes: dict[int, Node] = {}
    # Two people sit side by side (left, right): one arrow arcs above, the other below, and
    # each label has the whole width between the circles. Stacked vertically, the two labels
    # shared one line between the nodes and overprinted each other.
    start = math.pi if n == 2 else -math.pi / 2
    for i, member in enumerate(members):
        angle = 2 * math.pi * i / n + start
        nodes[member["user_id"]] = Node(
            user_id=member["user_id"],
            label=_short(member["username"], 10),
            x=round(CENTER + radius * math.cos(angle), 1),
            y=round(CENTER + radius * math.sin(angle), 1),
            me=member["user_id"] == viewer_id,
            decision=member["decision"],
        )
    edges = []
    for leg in detail["legs"]:
        a, b = nodes[leg["giver_id"]], nodes[leg["receiver_id"]]
        dx, dy = b.x - a.x, b.y - a.y
        dist = math.hypot(dx, dy) or 1.0
        ux, uy = dx / dist, dy / dist
        # Start and end on the node circles; bend outwards from the centre.
        sx, sy = a.x + ux * NODE_R, a.y + uy * NODE_R
        ex, ey = b.x - ux * (NODE_R + 4), b.y - uy * (NODE_R + 4)
        mx, my = (a.x + b.x) / 2, (a.y + b.y) / 2
        ox, oy = mx - CENTER, my - CENTER
        olen = math.hypot(ox, oy)
        if olen < 1:  # two people facing each other: bend sideways
            ox, oy, olen = -uy, ux, 1.0
        bend = 40 if n == 2 else 22
        cx, cy = mx + ox / olen * bend, my + oy / olen * bend
        edges.append(
            Edge(
                path=f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}",
                label=_short(leg["offer"]["name"], 18 if n <= 3 else 14),  # 4+: less room
                label_x=round(mx + ox / olen * (bend + LABEL_GAP), 1),
                label_y=round(my + oy / olen * (bend + LABEL_GAP), 1),
                mine=viewer_id in (leg["giver_id"], leg["receiver_id"]),
            )
        )
    return {"size": SIZE, "node_r": NODE_R, "nodes": list(nodes.values()), "edges": edges}
