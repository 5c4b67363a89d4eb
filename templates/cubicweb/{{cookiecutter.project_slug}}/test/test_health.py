"""The repository check behind /health: remembered after a success, never after a failure."""

import threading
import time
from unittest import mock

from pyramid.registry import Registry
from pyramid.request import Request

from {{ cookiecutter.package_name }}.health import CHECK_RQL, RepositoryCheck, health_tween_factory


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def make_repo(failure: Exception | None = None) -> mock.MagicMock:
    repo = mock.MagicMock()
    if failure is not None:
        repo.internal_cnx.return_value.__enter__.return_value.execute.side_effect = failure
    return repo


def queries(repo: mock.MagicMock) -> int:
    return repo.internal_cnx.return_value.__enter__.return_value.execute.call_count


def test_a_success_is_remembered_for_the_interval():
    repo, clock = make_repo(), FakeClock()
    check = RepositoryCheck(repo, interval=1.0, clock=clock)
    assert check.healthy() and check.healthy()
    clock.now += 0.99
    assert check.healthy()
    assert queries(repo) == 1
    repo.internal_cnx.return_value.__enter__.return_value.execute.assert_called_with(CHECK_RQL)
    clock.now += 0.02
    assert check.healthy()
    assert queries(repo) == 2


def test_a_failure_is_checked_again_on_the_next_call(caplog):
    repo, clock = make_repo(RuntimeError("database gone")), FakeClock()
    check = RepositoryCheck(repo, interval=1.0, clock=clock)
    assert not check.healthy()
    assert not check.healthy()
    assert queries(repo) == 2
    assert "does not answer" in caplog.text
    repo.internal_cnx.return_value.__enter__.return_value.execute.side_effect = None
    assert check.healthy()


def test_interval_zero_queries_every_time():
    repo = make_repo()
    check = RepositoryCheck(repo, interval=0.0, clock=FakeClock())
    for _ in range(3):
        assert check.healthy()
    assert queries(repo) == 3


def test_concurrent_requests_all_get_an_answer():
    repo = make_repo()

    def slow_query(rql: str) -> None:
        time.sleep(0.05)  # the others arrive while this one runs

    repo.internal_cnx.return_value.__enter__.return_value.execute.side_effect = slow_query
    check = RepositoryCheck(repo, interval=60.0)
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(check.healthy())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert results == [True] * 8
    assert check.healthy() and queries(repo) <= 8  # remembered from then on


def test_health_answers_under_the_base_urls_path_too():
    registry = Registry()
    registry.settings = {}
    registry["cubicweb.repository"] = repo = make_repo()
    repo.config = {"base-url": "https://example.org/app/"}
    tween = health_tween_factory(lambda request: "handled by the application", registry)
    for path in ("/health", "/app/health"):
        response = tween(Request.blank(path))
        assert (response.status_code, response.json) == (200, {"status": "ok"}), path
    assert tween(Request.blank("/app/other")) == "handled by the application"
