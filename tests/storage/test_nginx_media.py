"""The shipped nginx configuration with the object store's media location is valid."""

import shutil
import subprocess

import pytest

from tests.caching.test_deploy import DEPLOY, _install


@pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("openssl"), reason="no nginx")
def test_shipped_nginx_config_with_media_s3_is_valid(tmp_path):
    main = _install(tmp_path)
    snippets = tmp_path / "mostwanted"
    shutil.copy(snippets / "media-s3.conf", snippets / "media.conf")
    result = subprocess.run(
        ["nginx", "-t", "-q", "-c", str(main), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_media_s3_keeps_the_bucket_private_and_caches():
    conf = (DEPLOY / "nginx" / "media-s3.conf").read_text()
    assert "proxy_pass http://mostwanted_web;" in conf  # the nodes read with the site's key
    assert "proxy_cache mostwanted;" in conf and "proxy_cache_valid 200 7d;" in conf
    assert 'proxy_set_header Cookie "";' in conf and "proxy_hide_header Set-Cookie;" in conf
    assert "limit_except GET HEAD" in conf
