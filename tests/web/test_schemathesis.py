"""A bounded schemathesis run against the app's OpenAPI document, with every check.

Schemathesis generates valid (positive) and invalid (negative) parameters for every ``/api/v1``
operation from the OpenAPI document, with Hypothesis and a bounded number of examples each (no
deadlines), and calls the app in process (ASGI transport). Each answer goes through all of
schemathesis's checks (``call_and_validate`` with the project's ``schemathesis.toml``): no 5xx, only
documented status codes, content types and response schemas; valid input accepted, invalid input
rejected. The same configuration serves ``schemathesis run --checks all`` against a live server
(docs/web.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from dialoguelab.web.app import create_app
from dialoguelab.web.config import Settings
from dialoguelab.web.routes import ROUTERS

CONFIG = Path(__file__).resolve().parents[2] / "schemathesis.toml"
API_ROUTES = [r for router in ROUTERS for r in router.routes if r.path.startswith("/api/v1")]
API_PATHS = sorted({r.path for r in API_ROUTES})


def _query_names(dependant) -> set[str]:
    """A route's query parameters, its dependencies' included (the case, a scenario's lists...)."""
    return {q.alias for q in dependant.query_params}.union(*(_query_names(d) for d in dependant.dependencies))


# Negative data needs a parameter to break: routes without any get only positive runs.
WITH_PARAMS = sorted({r.path for r in API_ROUTES if _query_names(r.dependant) or r.dependant.path_params})
RUNS = [(p, GenerationMode.POSITIVE) for p in API_PATHS] + [(p, GenerationMode.NEGATIVE) for p in WITH_PARAMS]
MAX_EXAMPLES = 15
# Scenarios that need minutes of computation each are kept small here (the same code paths run
# with smaller inputs); the query is bounded anyway by the schema.
SLOW = {"/api/v1/membership/series", "/api/v1/forecast/{issue}"}


@pytest.fixture(scope="module", autouse=True)
def _pattern_strategies_built_once():
    """Build each pattern's string strategy once per module instead of once per example.

    Schemathesis draws a parameter's pattern through ``st.from_regex(..., alphabet=<a new strategy>)``, which
    defeats Hypothesis's cache of strategies, and every invalid example rebuilds the valid strategies of the
    parameters it leaves valid: for the lists of some 200 state codes that was half a second of CPU per
    example. Strategies are immutable, so the one built for a (pattern, alphabet) serves every example; the
    data drawn is the same. Without the private function (another schemathesis), nothing is changed.
    """
    try:
        from schemathesis.generation.jsonschema import strategy as sj
    except ImportError:  # pragma: no cover - another schemathesis layout
        yield
        return
    original = getattr(sj, "_from_pattern", None)
    if original is None:  # pragma: no cover
        yield
        return
    built: dict[tuple[str, int, object], object] = {}

    def from_pattern(compiled, ctx):
        key = (compiled.pattern, compiled.flags, ctx.alphabet)
        if key not in built:
            built[key] = original(compiled, ctx)
        return built[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sj, "_from_pattern", from_pattern)
        yield


@pytest.fixture(scope="module")
def web_schema():
    # "testserver" is the Host name of in-process ASGI calls; a real server answers only to the
    # allowed names (tests/web/test_api.py checks that).
    app = create_app(Settings(allowed_hosts=["testserver", "localhost", "127.0.0.1"], warm_up=False))
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=SchemathesisConfig.from_path(str(CONFIG)))


def test_every_api_route_is_in_the_schema(web_schema):
    assert set(API_PATHS) <= {op.ok().path for op in web_schema.get_all_operations()}


@pytest.mark.parametrize(("path", "mode"), RUNS, ids=[f"{p}-{m.value}" for p, m in RUNS])
def test_every_check_passes(web_schema, path, mode):
    op = web_schema[path]["GET"]
    seen: list[int] = []

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=5 if path in SLOW else MAX_EXAMPLES, deadline=None,
              suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    def run(case) -> None:
        if path == "/api/v1/forecast/{issue}" and isinstance(case.query, dict):
            case.query.setdefault("runs", 10)  # the ensemble's size does not change the checks
        response = case.call_and_validate()
        seen.append(response.status_code)
        assert response.status_code < 500, (case.path_parameters, case.query, response.text[:300])

    run()
    assert seen
