"""The client against a live farm: the test suite (tests/tests/suite/python_client.rs) starts a
master with authentication and a worker, and passes WARREN_URL and WARREN_TOKEN (an admin's)."""

import os
import time
import uuid

import pytest

from warren_client import Farm, WarrenError


@pytest.fixture
def farm():
    return Farm(os.environ["WARREN_URL"], os.environ["WARREN_TOKEN"])


def unique(title):
    return f"{title} {uuid.uuid4().hex[:8]}"


def test_submit_wait_and_list(farm):
    title = unique("frames")
    job = farm.submit(title, ["sh", "-c", "echo frame {frame}"], start=1, end=3, priority=60)
    assert job.state in ("queued", "running")
    seen = []
    job.wait(progress=lambda job: seen.append((job.state, job.progress)), timeout=60)
    assert job.state == "done"
    assert seen[-1] == ("done", 1.0)
    tasks = job.tasks()
    assert [task.frames for task in tasks] == [[1], [2], [3]]
    assert all(task.state == "done" and task.attempts == 1 for task in tasks)
    assert [found.id for found in farm.jobs(title=title)] == [job.id]
    assert farm.job(job.id).view.priority == 60
    agents = farm.agents()
    assert agents and all(agent.hostname for agent in agents)
    assert {task.agent_id for task in tasks} <= {agent.id for agent in agents}


def test_read_a_log(farm):
    job = farm.submit(unique("log"), ["sh", "-c", "echo first {frame}; echo second {frame}"], start=7, end=7)
    job.wait(timeout=60)
    [task] = job.tasks()
    assert task.log() == "first 7\nsecond 7\n"


def test_follow_a_log_as_it_is_printed(farm):
    script = "for i in 1 2 3 4; do echo line $i; sleep 0.3; done"
    job = farm.submit(unique("follow"), ["sh", "-c", script])
    deadline = time.monotonic() + 30
    while True:
        [task] = job.tasks()
        if task.state in ("running", "done"):
            break
        assert time.monotonic() < deadline, f"the task did not start: {task}"
        time.sleep(0.05)
    assert list(task.log(follow=True)) == ["line 1", "line 2", "line 3", "line 4"]
    assert job.wait(timeout=30).state == "done"


def test_errors_carry_status_and_field(farm):
    with pytest.raises(WarrenError) as refused:
        Farm(os.environ["WARREN_URL"], "wrn_not-a-token").jobs()
    assert refused.value.status == 401
    with pytest.raises(WarrenError) as missing:
        farm.job(987654321)
    assert missing.value.status == 404
    with pytest.raises(TypeError, match="tag_requirement"):
        farm.submit(unique("misspelt"), ["true"], tag_requirement=["gpu"])
    with pytest.raises(WarrenError) as unreachable:
        Farm("http://127.0.0.1:9", "wrn_x").agents()
    assert unreachable.value.status == 0 and "cannot reach" in unreachable.value.message
    with pytest.raises(WarrenError) as invalid:
        farm.submit(unique("backwards"), ["true"], start=10, end=1)
    assert invalid.value.status == 422
    assert invalid.value.field == "end"
    assert "end" in str(invalid.value)


def test_settings_come_from_the_variables_then_the_cli_config_file(farm, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text(f'url = "{os.environ["WARREN_URL"]}"\ntoken = "{os.environ["WARREN_TOKEN"]}"\n')
    monkeypatch.delenv("WARREN_URL")
    monkeypatch.delenv("WARREN_TOKEN")
    monkeypatch.delenv("WARREN_MASTER", raising=False)
    monkeypatch.setenv("WARREN_CONFIG", str(config))
    from_file = Farm()
    assert [agent.id for agent in from_file.agents()] == [agent.id for agent in farm.agents()]
    monkeypatch.setenv("WARREN_TOKEN", "wrn_wrong")
    with pytest.raises(WarrenError) as refused:
        Farm().agents()
    assert refused.value.status == 401, "the variable wins over the file"
