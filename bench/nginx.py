"""nginx for the benchmark: a main file around the shipped snippets (deploy/nginx/*.conf) on
loopback ports, and the process that runs it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from .services import DEPLOY, Process


def _rewrite(text: str, root: Path, static_root: Path, media_root: Path) -> str:
    text = text.replace("/etc/nginx/mostwanted/", f"{root}/snippets/")
    text = text.replace("/srv/mostwanted/static/", f"{static_root}/")
    text = text.replace("/srv/mostwanted/media/", f"{media_root}/")
    return text


def nginx_config(
    root: Path,
    *,
    upstream_port: int,
    proxy_port: int,
    static_port: int,
    refresh_port: int,
    static_site: Path,
    static_root: Path,
    media_root: Path,
    workers: int,
    onion_port: int | None = None,
) -> Path:
    """A main file around the shipped snippets (deploy/nginx/*.conf): no TLS, loopback ports.

    The public server includes deploy/nginx/locations.conf and the refresh listener
    deploy/nginx/refresh.conf unchanged except for paths; http.conf gives the same
    http-level settings. The only things that differ from deploy/nginx.conf: plain HTTP,
    no user switch, temporary paths, and an extra server for the ``static`` scenario.
    """
    snippets = root / "snippets"
    snippets.mkdir(parents=True, exist_ok=True)
    for snippet in (DEPLOY / "nginx").glob("*.conf"):
        text = _rewrite(snippet.read_text(), root, static_root, media_root)
        (snippets / snippet.name).write_text(text)
    # The tip line's padded refusal pages (error_page in locations.conf).
    shutil.copytree(
        DEPLOY / "nginx" / "tipline-refused", snippets / "tipline-refused", dirs_exist_ok=True
    )
    for sub in ("cache", "proxy_temp", "client_temp", "logs"):
        (root / sub).mkdir(exist_ok=True)
    onion = ""
    if onion_port:  # the shipped onion server (deploy/nginx/onion.conf) on a free port
        shipped_onion = (snippets / "onion.conf").read_text()
        text = shipped_onion.replace("listen 127.0.0.1:8090 ", f"listen 127.0.0.1:{onion_port} ")
        assert text != shipped_onion, "onion.conf's listen line changed"
        (snippets / "onion-here.conf").write_text(text)
        onion = f"include {snippets}/onion-here.conf;"
    mime = "/etc/nginx/mime.types"
    # The shipped main file's cache zone line, so the zone is sized as in production.
    shipped = (DEPLOY / "nginx.conf").read_text()
    zone = re.search(r"proxy_cache_path [^;]+;", shipped, re.S).group(0)
    zone = re.sub(r"/var/cache/nginx/mostwanted", f"{root}/cache", zone)
    # As root, nginx would run its workers as "nobody", who cannot read the private
    # temporary directory: keep them as root (loopback only, temporary files only).
    user = "user root;" if os.geteuid() == 0 else ""
    conf = f"""
{user}
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/logs/error.log crit;
events {{ worker_connections 8192; multi_accept on; }}
http {{
    include {mime};
    default_type application/octet-stream;
    {zone}
    proxy_temp_path {root}/proxy_temp;
    client_body_temp_path {root}/client_temp;
    fastcgi_temp_path {root}/proxy_temp/f; uwsgi_temp_path {root}/proxy_temp/u;
    scgi_temp_path {root}/proxy_temp/s;
    include {snippets}/http.conf;
    access_log {root}/logs/access.log mostwanted_noaddr buffer=256k flush=5s;

    upstream mostwanted_web {{
        server 127.0.0.1:{upstream_port} max_fails=0;
        keepalive 32;
    }}

    # scenario "static": a saved copy of the rendered appeal page, straight from disk.
    server {{
        listen 127.0.0.1:{static_port};
        root {static_site};
        location / {{ try_files $uri =404; }}
        location = /bench-sink-done {{ return 204; }}
    }}

    # the shipped public server's locations, over plain HTTP.
    server {{
        listen 127.0.0.1:{proxy_port};
        server_name _;
        # scenario "tus-upload": the reference, nginx writing a request body to disk alone
        # (read in full into a temporary file, then a body-less request to a 204); "-kept"
        # leaves each file on disk as an upload's parts stay (the bench deletes them after).
        location = /bench-sink {{
            client_max_body_size 0;
            client_body_in_file_only clean;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_pass http://127.0.0.1:{static_port}/bench-sink-done;
        }}
        location = /bench-sink-kept {{
            client_max_body_size 0;
            client_body_in_file_only on;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_pass http://127.0.0.1:{static_port}/bench-sink-done;
        }}
        include {snippets}/locations.conf;
    }}

    server {{
        listen 127.0.0.1:{refresh_port};
        server_name _;
        include {snippets}/refresh.conf;
    }}

    {onion}
}}
"""
    path = root / "nginx.conf"
    path.write_text(conf)
    return path


def nginx(conf: Path, root: Path) -> Process:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    check = subprocess.run(  # noqa: S603
        [binary, "-t", "-q", "-c", str(conf), "-p", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed: {check.stderr.strip()}")
    return Process(
        "nginx",
        [binary, "-c", str(conf), "-p", str(root), "-g", "daemon off;"],
        dict(os.environ),
        root / "logs" / "nginx.out",
    )


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
