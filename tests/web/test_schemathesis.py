"""A bounded schemathesis run against the app's OpenAPI document: no input makes the server fail (5xx).

Schemathesis generates valid (positive) and invalid (negative) parameters for every ``/api/v1``
operation from the OpenAPI document, with Hypothesis and a bounded number of examples each, and
calls the app in process (ASGI transport). Every answer must be one of the documented kinds: 200,
or a 4xx naming what to fix; never a 5xx.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from dialoguelab.web.routes import ROUTERS

API_ROUTES = [r for router in ROUTERS for r in router.routes if r.path.startswith("/api/v1")]
API_PATHS = sorted({r.path for r in API_ROUTES})
# Negative data needs a parameter to break: routes without any get only positive runs.
WITH_PARAMS = sorted({r.path for r in API_ROUTES if r.dependant.query_params or r.dependant.path_params})
RUNS = [(p, GenerationMode.POSITIVE) for p in API_PATHS] + [(p, GenerationMode.NEGATIVE) for p in WITH_PARAMS]
MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def web_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_api_route_is_in_the_schema(web_schema):
    assert set(API_PATHS) <= {op.ok().path for op in web_schema.get_all_operations()}


@pytest.mark.parametrize(("path", "mode"), RUNS, ids=[f"{p}-{m.value}" for p, m in RUNS])
def test_no_server_error(web_schema, path, mode):
    op = web_schema[path]["GET"]
    seen: list[int] = []

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=True, database=None)
    def run(case) -> None:
        response = case.call()
        seen.append(response.status_code)
        assert response.status_code < 500, (case.path_parameters, case.query, response.text[:300])
        assert response.status_code in (200, 404, 414, 422), (case.query, response.status_code)
        if response.status_code == 422:
            assert response.json()["detail"]
        if mode is GenerationMode.POSITIVE and response.status_code == 200:
            ctype = response.headers["content-type"]
            ctype = ctype[0] if isinstance(ctype, list) else ctype
            assert ctype.split(";")[0] in ("application/json", "text/csv")

    run()
    assert seen
