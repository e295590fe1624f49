"""The shipped nginx configuration is valid and keeps its promises (checked with `nginx -t`)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _install(tmp_path: Path) -> Path:
    """Copy deploy/nginx.conf and its snippets under tmp_path, rewriting absolute paths."""
    snippets = tmp_path / "mostwanted"
    snippets.mkdir()
    tls = tmp_path / "tls"
    tls.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=mostwanted.example",
         "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip

    def rewrite(text: str) -> str:
        text = text.replace("/etc/nginx/mostwanted/", f"{snippets}/")
        text = text.replace("/etc/nginx/tls/", f"{tls}/")
        text = text.replace("/var/cache/nginx/", f"{tmp_path}/cache/")
        text = text.replace("/var/log/nginx/", f"{tmp_path}/")
        text = text.replace("/run/nginx.pid", f"{tmp_path}/nginx.pid")
        return re.sub(r"^user .*;$", "", text, flags=re.M)

    for snippet in (DEPLOY / "nginx").glob("*.conf"):
        (snippets / snippet.name).write_text(rewrite(snippet.read_text()))
    (tmp_path / "cache").mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(rewrite((DEPLOY / "nginx.conf").read_text()))
    return main


@pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("openssl"), reason="no nginx")
def test_shipped_nginx_config_is_valid(tmp_path):
    main = _install(tmp_path)
    result = subprocess.run(
        ["nginx", "-t", "-q", "-c", str(main), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_access_log_has_no_client_address():
    http = (DEPLOY / "nginx" / "http.conf").read_text()
    log_format = http.split("log_format", 1)[1].split(";", 1)[0]
    for leak in ("$remote_addr", "$http_x_forwarded_for", "$binary_remote_addr", "$request "):
        assert leak not in log_format
    main = (DEPLOY / "nginx.conf").read_text()
    assert "access_log /var/log/nginx/mostwanted.access.log mostwanted_noaddr;" in main


def test_tip_and_admin_locations_are_never_cached_nor_buffered_to_disk():
    locations = (DEPLOY / "nginx" / "locations.conf").read_text()
    for marker in ("tip(?:/|$)", "location /admin/"):
        block = locations.split(marker, 1)[1].split("}", 1)[0]
        assert "proxy_cache off;" in block
        assert "proxy_request_buffering off;" in block
        assert "gzip off;" in block
        assert "client_max_body_size 64m;" in block
    assert "proxy_max_temp_file_size 0;" in (DEPLOY / "nginx" / "http.conf").read_text()
