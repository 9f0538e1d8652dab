"""The integration files go out heaviest first, each file's tests in their own order; the summary adds up by file."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.integration import scheduling


def item(nodeid):
    return SimpleNamespace(nodeid=nodeid)


@pytest.mark.parametrize(
    "collected, expected",
    [
        # Alphabetical collection: the long file with few tests (the default xdist reorder put it last) goes first.
        (
            ["a/test_a.py::t1", "a/test_a.py::t2", "a/test_interruption.py::t1", "a/test_site.py::t1"],
            ["a/test_interruption.py::t1", "a/test_site.py::t1", "a/test_a.py::t1", "a/test_a.py::t2"],
        ),
        # A file's tests keep their order; unlisted files keep the collection order among themselves.
        (
            ["a/test_z.py::t2", "a/test_z.py::t1", "a/test_b.py::t1", "a/test_destroy.py::t9", "a/test_destroy.py::t1"],
            ["a/test_destroy.py::t9", "a/test_destroy.py::t1", "a/test_z.py::t2", "a/test_z.py::t1", "a/test_b.py::t1"],
        ),
        ([], []),
    ],
)
def test_order_by_weight(collected, expected):
    items = [item(n) for n in collected]
    scheduling.order_by_weight(items)
    assert [i.nodeid for i in items] == expected


def test_every_weighted_file_exists():
    """A renamed or removed file would silently lose its place at the front."""
    here = {path.name for path in Path(scheduling.__file__).parent.glob("test_*.py")}
    assert set(scheduling.WEIGHTS) <= here, sorted(set(scheduling.WEIGHTS) - here)


def test_report_adds_every_phase_by_file_and_worker():
    def report(nodeid, seconds, worker=None):
        node = SimpleNamespace(gateway=SimpleNamespace(id=worker)) if worker else None
        return SimpleNamespace(nodeid=nodeid, duration=seconds, node=node)

    lines = scheduling.report_by_file(
        [
            report("t/test_a.py::x", 1.0, "gw0"),
            report("t/test_a.py::x", 2.5, "gw0"),
            report("t/test_b.py::y", 10.0, "gw1"),
            report("t/test_c.py::z", 0.5),
        ]
    )
    assert lines == [
        "    10.0s  gw1   t/test_b.py",
        "     3.5s  gw0   t/test_a.py",
        "     0.5s  main  t/test_c.py",
        "     3.5s  gw0 in all",
        "    10.0s  gw1 in all",
        "     0.5s  main in all",
    ]
