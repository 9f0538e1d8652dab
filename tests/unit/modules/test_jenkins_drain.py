"""jenkins_drain against a recorded Jenkins API: which agents it takes offline or brings back, what it waits for and
what it reports on a timeout (the caller's abort|proceed decision rests on it)."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.modules import jenkins_drain

FLEET = "fleet-agents "


def computer(instance, idle=True, offline=False, reason=""):
    return {
        "displayName": FLEET + instance,
        "idle": idle,
        "temporarilyOffline": offline,
        "offline": offline,
        "offlineCauseReason": reason,
    }


class API:
    """Answers GET computer/api/json from a script of node lists (the last one repeats) and records POSTs."""

    def __init__(self, *scripts, quieting=False):
        self.scripts = list(scripts)
        self.posts = []
        self.quieting = quieting

    def get_json(self, path, params=None):
        if path == "api/json":
            return {"quietingDown": self.quieting}
        nodes = self.scripts.pop(0) if len(self.scripts) > 1 else self.scripts[0]
        return {"computer": [{"_class": "hudson.model.Hudson$MasterComputer", "displayName": "Built-In Node"}] + nodes}

    def post(self, path, params=None):
        self.posts.append((path, params))
        return 302, {}, b""


def params(**overrides):
    base = dict(target="agents", state="drained", names=[], reason="upgrade", wait_timeout=0, wait_delay=0)
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    "nodes, names, state, toggled, missing",
    [
        (
            [computer("i-0aaaaaaa"), computer("i-0bbbbbbb", offline=True)],
            ["i-0aaaaaaa", "i-0bbbbbbb"],
            "drained",
            ["i-0aaaaaaa"],
            [],
        ),
        ([computer("i-0aaaaaaa")], ["i-0aaaaaaa", "i-0ccccccc"], "drained", ["i-0aaaaaaa"], ["i-0ccccccc"]),
        # Resumed: only the agents this module took offline (their reason is the message), not an operator's.
        (
            [
                computer("i-0aaaaaaa", offline=True, reason="upgrade"),
                computer("i-0bbbbbbb", offline=True, reason="disk"),
            ],
            ["i-0aaaaaaa", "i-0bbbbbbb"],
            "resumed",
            ["i-0aaaaaaa"],
            [],
        ),
    ],
)
def test_agent_changes(nodes, names, state, toggled, missing):
    assert jenkins_drain.agent_changes(nodes, names, state, "upgrade") == (toggled, missing)


def test_agents_drained_wait_for_the_busy_one_and_report_the_timeout(monkeypatch):
    busy = [computer("i-0aaaaaaa", idle=False), computer("i-0bbbbbbb")]
    api = API(busy)
    clock = iter(range(100))
    wait_idle = jenkins_drain.wait_idle
    monkeypatch.setattr(
        jenkins_drain,
        "wait_idle",
        lambda api_, names, timeout, delay: wait_idle(
            api_, names, timeout, delay, sleep=lambda s: None, clock=lambda: next(clock)
        ),
    )
    result = jenkins_drain.run(api, params(names=["i-0aaaaaaa", "i-0bbbbbbb"], wait_timeout=3), False)
    assert result["changed"] and result["changed_nodes"] == ["i-0aaaaaaa", "i-0bbbbbbb"]
    assert [path for path, dummy in api.posts] == [
        "computer/i-0aaaaaaa/toggleOffline",
        "computer/i-0bbbbbbb/toggleOffline",
    ]
    assert (result["busy"], result["idle"], result["timed_out"], result["seconds"]) == (
        ["i-0aaaaaaa"],
        ["i-0bbbbbbb"],
        True,
        3,
    )


def test_the_build_ends_before_the_timeout():
    api = API([computer("i-0aaaaaaa", idle=False)], [computer("i-0aaaaaaa", idle=False)], [computer("i-0aaaaaaa")])
    busy, seconds = jenkins_drain.wait_idle(
        api, ["i-0aaaaaaa"], 60, 0, sleep=lambda s: None, clock=iter(range(10)).__next__
    )
    assert (busy, seconds) == ([], 3)


@pytest.mark.parametrize(
    "quieting, state, check_mode, posts, changed",
    [
        (False, "drained", False, ["quietDown"], True),
        (True, "drained", False, [], False),
        (False, "drained", True, [], True),
        (True, "resumed", False, ["cancelQuietDown"], True),
        (False, "resumed", False, [], False),
    ],
)
def test_controller_quiet_down_is_idempotent_and_check_mode_posts_nothing(quieting, state, check_mode, posts, changed):
    api = API([computer("i-0aaaaaaa", idle=False)], quieting=quieting)
    result = jenkins_drain.run(api, params(target="controller", state=state), check_mode)
    assert [path for path, dummy in api.posts] == posts and result["changed"] is changed
    # The controller's scope is every node: a busy agent counts.
    assert result["busy"] == ["i-0aaaaaaa"] and result["timed_out"] is False
