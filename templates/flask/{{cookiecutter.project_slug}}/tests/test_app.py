from {{ cookiecutter.package_name }}.app import create_app


def test_health() -> None:
    client = create_app({"ENV": "testing", "SECRET_KEY": "test"}).test_client()
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
