"""The chain diagram: labels never overprint each other or the people's circles."""

import itertools

import pytest

from apps.exchange.cycle_svg import NODE_R, SIZE, cycle_layout

CHAR_W, LINE_H = 6.5, 13  # 11 px text: a generous width per character


def _detail(n: int) -> dict:
    members = [
        {"user_id": i + 1, "username": f"user{i + 1}", "decision": "pending"} for i in range(n)
    ]
    legs = [
        {
            "giver_id": i + 1,
            "receiver_id": (i + 1) % n + 1,
            "offer": {"name": f"Очень длинное название предмета номер {i}"},
        }
        for i in range(n)
    ]
    return {"members": members, "legs": legs}


def _box(edge):
    w = len(edge.label) * CHAR_W
    return (
        edge.label_x - w / 2,
        edge.label_y - LINE_H / 2,
        edge.label_x + w / 2,
        edge.label_y + LINE_H / 2,
    )


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("n", [2, 3, 4])
def test_labels_do_not_overlap_each_other_or_nodes(n):
    svg = cycle_layout(_detail(n), viewer_id=1)
    boxes = [_box(e) for e in svg["edges"]]
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(a, b)
    for box in boxes:
        assert box[0] >= 0 and box[1] >= 0
        assert box[2] <= SIZE and box[3] <= SIZE
        for node in svg["nodes"]:
            nearest_x = min(max(node.x, box[0]), box[2])
            nearest_y = min(max(node.y, box[1]), box[3])
            assert (nearest_x - node.x) ** 2 + (nearest_y - node.y) ** 2 > NODE_R**2


def test_two_people_sit_side_by_side_with_arrows_above_and_below():
    svg = cycle_layout(_detail(2), viewer_id=1)
    a, b = svg["nodes"]
    assert a.y == b.y and a.x < b.x
    ys = sorted(e.label_y for e in svg["edges"])
    assert ys[0] < a.y < ys[1]
