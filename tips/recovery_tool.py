"""The offline recovery tool: the recovery private key never touches the server.

Runs with Python and this repository only: no Django settings, no database, no network.
On an offline machine::

    python -m tips.recovery_tool create --out DIR                 # passphrase-protected
    python -m tips.recovery_tool create --out DIR --split 2-of-3  # custodians' shares

writes into the new directory ``DIR``:

* ``recovery-public.json``: the public half and its fingerprint. Only this file goes to the
  server: ``manage.py import_recovery_key recovery-public.json``, then set
  ``TIP_RECOVERY_KEY_FINGERPRINT`` in the server's environment to the fingerprint printed.
* ``recovery-private.json``: the private half, encrypted. With ``--split`` under a random
  256-bit key split among custodians (SLIP-39 Shamir shares, the ``shamir-mnemonic``
  library: any *threshold* of them rebuild the key, fewer reveal nothing); otherwise under an
  Argon2id key from a passphrase. AES-256-GCM with the key id as associated data.
* ``share-N.txt`` (with ``--split``): one custodian's words. Give each to its custodian and
  delete it from this machine.

``manage.py decrypt_export --key recovery-private.json --share a.txt --share b.txt`` (or
``--passphrase-file``) opens exports with it; :func:`load_private_key` is its reader.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import json
import os
import sys
from pathlib import Path

import shamir_mnemonic
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tips import crypto

FORMAT = "mostwanted-recovery-key"
PUBLIC_FORMAT = "mostwanted-recovery-public-key"
#: Offline: a strong Argon2id (256 MiB, 4 passes); nobody waits for it on a server.
OFFLINE_PARAMS = {"memory_cost": 256 * 1024, "iterations": 4, "lanes": 4}


class RecoveryToolError(Exception):
    """A file is not what it should be, or the secret given does not open it."""


def _aad(key_id: str) -> bytes:
    return b"mostwanted/recovery-key/v2\x00" + key_id.encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _write_new(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def create(
    out: Path,
    *,
    passphrase: str | None = None,
    split: tuple[int, int] | None = None,
    params: dict | None = None,
) -> dict:
    """Create the pair and write the files into the new directory ``out``. Returns a
    summary (key id, file paths). Exactly one of ``passphrase`` and ``split``."""
    if (passphrase is None) == (split is None):
        raise RecoveryToolError("give a passphrase or a split, not both")
    pair = crypto.generate_keypair()
    key_id = crypto.key_fingerprint(pair.public_key)
    out.mkdir(mode=0o700)  # a new directory: never overwrite a key
    public = {
        "format": PUBLIC_FORMAT,
        "suite": pair.suite,
        "key_id": key_id,
        "public_key": _b64(pair.public_key),
    }
    private = {"format": FORMAT, "version": 2, **{k: public[k] for k in public if k != "format"}}
    shares: list[str] = []
    if split is not None:
        threshold, count = split
        if not 1 < threshold <= count <= 16:
            raise RecoveryToolError("split must be k-of-n with 2 <= k <= n <= 16")
        wrapping_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        blob = nonce + AESGCM(wrapping_key).encrypt(nonce, pair.private_key, _aad(key_id))
        groups = shamir_mnemonic.generate_mnemonics(1, [(threshold, count)], wrapping_key)
        shares = groups[0]
        del wrapping_key
        private.update(protection="shamir-slip39", threshold=threshold, shares=count)
    else:
        blob = crypto.wrap_with_passphrase(
            pair.private_key,
            passphrase,
            params={**OFFLINE_PARAMS, **(params or {})},
            associated_data=_aad(key_id),
        )
        private["protection"] = "passphrase-argon2id"
    private["encrypted_private_key"] = _b64(blob)
    private["warning"] = "Keep offline. With its passphrase or shares it reads every tip."
    _write_new(out / "recovery-public.json", json.dumps(public, indent=2) + "\n")
    _write_new(out / "recovery-private.json", json.dumps(private, indent=2) + "\n")
    paths = []
    for number, words in enumerate(shares, start=1):
        path = out / f"share-{number}.txt"
        _write_new(
            path,
            f"# mostwanted recovery key {key_id}: share {number} of {len(shares)} "
            f"(any {split[0]} open it). Keep it apart from the other shares.\n{words}\n",
        )
        paths.append(path)
    return {"key_id": key_id, "suite": pair.suite, "directory": out, "shares": paths}


def read_share(path: str | os.PathLike) -> str:
    lines = [ln.strip() for ln in Path(path).read_text().splitlines()]
    words = [ln for ln in lines if ln and not ln.startswith("#")]
    if len(words) != 1:
        raise RecoveryToolError(f"{path} is not a share file")
    return words[0]


def load_private_key(
    path: str | os.PathLike, *, passphrase: str | None = None, shares: list[str] = ()
) -> tuple[str, bytes]:
    """(suite, private key) from ``recovery-private.json`` and its passphrase or shares."""
    try:
        data = json.loads(Path(path).read_text())
        if data.get("format") != FORMAT or data.get("version") != 2:
            raise ValueError
        suite, key_id = data["suite"], data["key_id"]
        public = base64.b64decode(data["public_key"], validate=True)
        blob = base64.b64decode(data["encrypted_private_key"], validate=True)
        protection = data["protection"]
    except (OSError, ValueError, KeyError, TypeError):
        raise RecoveryToolError("not an encrypted recovery key file") from None
    if crypto.key_fingerprint(public) != key_id:
        raise RecoveryToolError("the file's key id does not match its public key")
    try:
        if protection == "shamir-slip39":
            try:
                wrapping_key = shamir_mnemonic.combine_mnemonics(list(shares))
            except shamir_mnemonic.MnemonicError as exc:
                raise RecoveryToolError(f"the shares do not combine: {exc}") from None
            private = AESGCM(wrapping_key).decrypt(blob[:12], blob[12:], _aad(key_id))
        elif protection == "passphrase-argon2id":
            if passphrase is None:
                raise RecoveryToolError("this key file needs its passphrase")
            private = crypto.unwrap_with_passphrase(blob, passphrase, associated_data=_aad(key_id))
        else:
            raise RecoveryToolError("unknown protection")
    except (crypto.CryptoError, ValueError):
        raise RecoveryToolError("wrong passphrase or shares, or a damaged file") from None
    if crypto.public_key_for(suite, private) != public:
        raise RecoveryToolError("the private key does not match the public key")
    return suite, private


def load_public_key(path: str | os.PathLike) -> tuple[str, bytes, str]:
    """(suite, public key, key id) from ``recovery-public.json``; refuses private files."""
    try:
        data = json.loads(Path(path).read_text())
        if data.get("format") != PUBLIC_FORMAT or set(data) & {
            "private_key",
            "encrypted_private_key",
        }:
            raise ValueError
        suite, public = data["suite"], base64.b64decode(data["public_key"], validate=True)
    except (OSError, ValueError, KeyError, TypeError):
        raise RecoveryToolError("not a recovery public key file") from None
    key_id = crypto.key_fingerprint(public)
    if data.get("key_id") != key_id:
        raise RecoveryToolError("the file's key id does not match its public key")
    return suite, public, key_id


def _split_arg(value: str) -> tuple[int, int]:
    try:
        k, n = value.lower().split("-of-")
        return int(k), int(n)
    except ValueError:
        raise argparse.ArgumentTypeError("use the form 2-of-3") from None


def _passphrase(args) -> str:
    if args.passphrase_file:
        return Path(args.passphrase_file).read_text().rstrip("\n")
    first = getpass.getpass("Passphrase for the recovery key: ")
    if len(first) < 16:
        raise RecoveryToolError("use a passphrase of at least 16 characters")
    if getpass.getpass("Again: ") != first:
        raise RecoveryToolError("the passphrases differ")
    return first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tips.recovery_tool", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create", help="create the recovery key pair (offline)")
    make.add_argument("--out", required=True, help="new directory to write the files into")
    make.add_argument("--split", type=_split_arg, help="split among custodians, e.g. 2-of-3")
    make.add_argument("--passphrase-file", help="read the passphrase from this file")
    make.add_argument("--kdf-memory-kib", type=int, help=argparse.SUPPRESS)  # tests only
    check = sub.add_parser("check", help="check that a key file opens (prints its key id)")
    check.add_argument("--key", required=True)
    check.add_argument("--share", action="append", default=[])
    check.add_argument("--passphrase-file")
    args = parser.parse_args(argv)
    try:
        if args.command == "create":
            params = {"memory_cost": args.kdf_memory_kib} if args.kdf_memory_kib else None
            summary = create(
                Path(args.out),
                passphrase=None if args.split else _passphrase(args),
                split=args.split,
                params=params,
            )
            print(f"Recovery key {summary['key_id']} ({summary['suite']}) written to {args.out}.")
            print("Copy only recovery-public.json to the server, then run there:")
            print("  manage.py import_recovery_key recovery-public.json")
            for path in summary["shares"]:
                print(f"Hand {path.name} to its custodian, then delete it here.")
        else:
            shares = [read_share(p) for p in args.share]
            passphrase = None
            if not shares:
                passphrase = _passphrase(args) if args.passphrase_file else getpass.getpass()
            suite, private = load_private_key(args.key, passphrase=passphrase, shares=shares)
            print(f"OK: {crypto.key_fingerprint(crypto.public_key_for(suite, private))}")
    except (RecoveryToolError, FileExistsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
