"""A self-signed certificate for the simulators, usable by clients as their CA bundle."""
from __future__ import annotations

import datetime
import ipaddress
import pathlib
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def cert_paths(state_dir: pathlib.Path, name: str) -> tuple[pathlib.Path, pathlib.Path]:
    return state_dir / f'{name}-cert.pem', state_dir / f'{name}-key.pem'


def ensure_certificate(state_dir: pathlib.Path, name: str) -> tuple[pathlib.Path, pathlib.Path]:
    """Reuse the pair in state_dir if present, so a restarted simulator keeps the CA its clients trust."""
    cert_path, key_path = cert_paths(state_dir, name)
    if not (cert_path.exists() and key_path.exists()):
        state_dir.mkdir(parents=True, exist_ok=True)
        cert_pem, key_pem = _generate(name)
        key_path.write_bytes(key_pem)
        key_path.chmod(0o600)
        cert_path.write_bytes(cert_pem)
    return cert_path, key_path


def server_context(cert_path: pathlib.Path, key_path: pathlib.Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context


def _generate(name: str) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'recoverops simulators'),
        x509.NameAttribute(NameOID.COMMON_NAME, f'{name} simulator'),
    ])
    now = datetime.datetime.now(datetime.timezone.utc)
    public_key = key.public_key()
    # The certificate is its own CA: CA:TRUE plus key identifiers keep it acceptable to strict
    # verifiers (Python 3.13+ VERIFY_X509_STRICT) when passed as a CA bundle.
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName('localhost'),
            x509.IPAddress(ipaddress.ip_address('127.0.0.1')),
        ]), critical=False)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False)
    )
    cert = builder.sign(key, hashes.SHA256())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return cert.public_bytes(serialization.Encoding.PEM), key_pem
