from apps.common.testing import assert_error


def test_health_returns_ok(anon_api):
    r = anon_api.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "message": "FreeMarket API is running"}


def test_root_returns_json_for_api_clients(anon_api):
    r = anon_api.get("/")
    assert r.json() == {"message": "FreeMarket API", "version": "1.0.0"}


def test_unknown_api_path_returns_contract_404(anon_api):
    assert_error(anon_api.get("/api/nope"), 404, "not_found")


def test_wrong_method_returns_contract_405(anon_api):
    body = assert_error(anon_api.delete("/health"), 405, "method_not_allowed")
    assert body["detail"]
