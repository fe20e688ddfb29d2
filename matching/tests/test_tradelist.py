from pathlib import Path

import pytest

from benchmarks.tradelist import parse_tradelist
from matching.graph import strongly_connected
from matching.solver import SolveLimits, solve_component

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "tradelists"

TINY = """
#! ALLOW-DUMMIES
#! REQUIRE-COLONS
# a comment line
!BEGIN-OFFICIAL-NAMES
A1 ==> "Game one"
!END-OFFICIAL-NAMES
(alice) A1 : B1 ; C1
(bob) B1 : %any
(bob) %any : A1 C1
(carol) C1 : A1 B1 Z9
"""


def solve(text_or_graph, cap):
    graph = (
        parse_tradelist(text_or_graph).graph if isinstance(text_or_graph, str) else text_or_graph
    )
    sols = [solve_component(c, SolveLimits(max_len=cap)) for c in strongly_connected(graph)]
    return sum(s.found for s in sols), sum(s.bound for s in sols)


def test_parser_reads_options_items_dummies_and_skips_names_block():
    tradelist = parse_tradelist(TINY)
    assert {"ALLOW-DUMMIES", "REQUIRE-COLONS"} <= set(tradelist.options)
    assert tradelist.names == ["A1", "B1", "%any", "C1"]
    assert tradelist.dummy == [False, False, True, False]
    assert tradelist.real_items == 3
    assert tradelist.skipped_wants == 1  # Z9 is offered by nobody


def test_dummy_edges_do_not_count_as_trades():
    assert solve(TINY, None) == (3, 3)
    assert solve(TINY, 2)[0] == 2


def test_missing_colon_is_an_error_when_required():
    with pytest.raises(ValueError):
        parse_tradelist("#! REQUIRE-COLONS\n(alice) A1 B1\n")


@pytest.mark.skipif(not (DATA / "BR2024May.txt").exists(), reason="data file missing")
def test_br2024may_uncapped_reaches_the_known_maximum():
    tradelist = parse_tradelist((DATA / "BR2024May.txt").read_text(encoding="utf-8"))
    assert solve(tradelist.graph, None) == (196, 196)
