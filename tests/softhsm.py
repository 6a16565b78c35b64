"""A throw-away SoftHSM2 token for the HSM signing tests and bench/bench_signer.py.

A temporary token directory and config (``SOFTHSM2_CONF``), a token made with
``softhsm2-util --init-token``, and key pairs generated *inside* the token with python-pkcs11
(``CKA_SENSITIVE`` true, ``CKA_EXTRACTABLE`` false): their private halves exist nowhere else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
)
TOKEN, SO_PIN, PIN = "mbo-vc-test", "10293847", "5647"


def softhsm_module() -> str | None:
    """The SoftHSM2 PKCS#11 module on this machine (None when not installed)."""
    return next((m for m in MODULE_CANDIDATES if Path(m).is_file()), None)


def softhsm_missing() -> str | None:
    """Why the SoftHSM tests cannot run here (None when they can)."""
    if shutil.which("softhsm2-util") is None or softhsm_module() is None:
        return "SoftHSM2 is not installed (make softhsm installs Debian's softhsm2)"
    try:
        import pkcs11  # noqa: F401
    except ImportError:
        return "python-pkcs11 is not installed (pip install 'mbo-vc[pkcs11]')"
    return None


@dataclass(frozen=True)
class SoftHsmToken:
    """A token with one key pair per label; :meth:`uri` names one of them."""

    conf: Path
    module: str
    labels: tuple[str, ...]

    def uri(self, label: str, *, pin: str | None = PIN, token: str = TOKEN) -> str:
        """The RFC 7512 URI of the key ``label`` (with ``pin-value`` unless ``pin`` is None)."""
        query = [f"module-path={self.module}"]
        if pin is not None:
            query.insert(0, f"pin-value={pin}")
        return f"pkcs11:token={token};object={label};type=private?" + "&".join(query)


def make_token(directory: Path, keys: dict[str, str]) -> SoftHsmToken:
    """Make a token in ``directory`` with a key pair per ``{label: key type}`` (``P-256``,
    ``P-384``, ``Ed25519``); sets ``SOFTHSM2_CONF`` in this process's environment (child
    processes inherit it). Call before anything else loads the SoftHSM module here."""
    import pkcs11
    from pkcs11 import Attribute, KeyType
    from pkcs11.util.ec import encode_named_curve_parameters

    module = softhsm_module()
    assert module is not None
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", SO_PIN,
         "--pin", PIN],
        check=True, capture_output=True, env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )  # fmt: skip
    lib = pkcs11.lib(module)
    lib.reinitialize()  # (an earlier test may have loaded the module with another config)
    token = lib.get_token(token_label=TOKEN)
    private = {Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False}
    curves = {"P-256": "secp256r1", "P-384": "secp384r1"}
    with token.open(user_pin=PIN, rw=True) as session:
        for n, (label, kind) in enumerate(keys.items(), start=1):
            if kind == "Ed25519":
                params = encode_named_curve_parameters("1.3.101.112")
                domain = session.create_domain_parameters(
                    KeyType.EC_EDWARDS, {Attribute.EC_PARAMS: params}, local=True
                )
            else:
                params = encode_named_curve_parameters(curves[kind])
                domain = session.create_domain_parameters(
                    KeyType.EC, {Attribute.EC_PARAMS: params}, local=True
                )
            domain.generate_keypair(store=True, label=label, id=bytes([n]),
                                    private_template=private)  # fmt: skip
    return SoftHsmToken(conf, module, tuple(keys))
