"""Back/forward history behaves as in a browser."""

from __future__ import annotations

from kbtui.session.history import History


def test_back_and_forward() -> None:
    history = History()
    history.push(("a", 0))
    history.push(("a", 50))
    assert history.back(("b", 7)) == ("a", 50)
    assert history.back(("a", 50)) == ("a", 0)
    assert history.back(("a", 0)) is None
    assert history.forward() == ("a", 50)
    assert history.forward() == ("b", 7)
    assert history.forward() is None


def test_new_jump_drops_forward_places() -> None:
    history = History()
    history.push(("a", 0))
    history.push(("a", 10))
    assert history.back(("a", 20)) == ("a", 10)
    history.push(("a", 10))
    assert history.forward() is None


def test_limit_and_empty() -> None:
    history = History(limit=3)
    assert history.back(None) is None
    for i in range(10):
        history.push(("d", i))
    history.push(None)
    assert [history.back(None) for _ in range(4)] == [("d", 9), ("d", 8), ("d", 7), None]
