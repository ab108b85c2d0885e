import itertools
from dataclasses import replace

import pytest

from tinnhiem.ballots import GENESIS, BoardError, BulletinBoard, tagged_hash
from tinnhiem.errors import InputError


def _board(n=5):
    board = BulletinBoard()
    for i in range(n):
        board.append("ballot", tagged_hash("t", bytes([i])))
    return board


def test_chain_links_every_entry():
    board = _board()
    entries = list(board)
    assert entries[0].previous == GENESIS
    for a, b in itertools.pairwise(entries):
        assert b.previous == a.hash
    assert board.head == entries[-1].hash
    assert BulletinBoard.check_chain(entries) == board.head


@pytest.mark.parametrize("field", ["index", "previous", "kind", "payload_hash", "hash"])
def test_any_change_breaks_the_chain_at_that_entry(field):
    entries = list(_board())
    e = entries[2]
    value = {
        "index": 7,
        "previous": bytes(32),
        "kind": "close",
        "payload_hash": bytes(32),
        "hash": bytes(32),
    }[field]
    entries[2] = replace(e, **{field: value})
    with pytest.raises(BoardError) as info:
        BulletinBoard.check_chain(entries)
    assert info.value.index == 2


def test_deleting_an_entry_breaks_the_chain():
    entries = list(_board())
    del entries[1]
    with pytest.raises(BoardError) as info:
        BulletinBoard.check_chain(entries)
    assert info.value.index == 1


def test_json_round_trip_checks_the_head():
    board = _board()
    data = board.to_json()
    assert BulletinBoard.from_json(data).head == board.head
    data["head"] = "00" * 32
    with pytest.raises(InputError, match="head"):
        BulletinBoard.from_json(data)


def test_the_board_is_append_only():
    board = _board(2)
    assert not hasattr(board, "remove") and not hasattr(board, "__setitem__")
    before = list(board)
    board.append("close", bytes(32))
    assert list(board)[:2] == before
