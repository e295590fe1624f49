import pytest

pytestmark = pytest.mark.django_db

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def _assert_security_headers(response):
    for header, value in EXPECTED.items():
        assert response.headers.get(header) == value, header
    csp = response.headers["Content-Security-Policy"]
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";") if d.strip()}
    assert directives["default-src"] == "default-src 'none'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in directives.values():
        for source in directive.split(" ")[1:]:
            assert source in {"'self'", "'none'", "data:"}, directive
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()"):
        assert feature in policy


def test_home_page_carries_every_security_header(client):
    response = client.get("/")
    assert response.status_code in (200, 302)
    _assert_security_headers(response)


def test_healthz_and_errors_carry_security_headers(client):
    _assert_security_headers(client.get("/healthz"))
    _assert_security_headers(client.get("/this-page-does-not-exist/"))
