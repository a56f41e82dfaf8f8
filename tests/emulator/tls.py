"""TLS for the emulator's HTTPS ports: a throw-away CA and a server certificate for 127.0.0.1 and localhost.

Made at start with the ``cryptography`` package (installed with the cloud SDKs); the CA certificate is written
to ``ca.pem`` in the TLS directory so clients can trust it (``ca_path``). Keys are EC P-256: quick to make.
"""

import datetime
import importlib.util
import ipaddress
import os
import ssl
import threading

CA_FILE = "ca.pem"
CERT_FILE = "server.pem"
KEY_FILE = "server.key"


def available():
    return importlib.util.find_spec("cryptography") is not None


def make_certificates(directory, hosts=("127.0.0.1", "localhost")):
    """Write ca.pem, server.pem (server certificate then CA) and server.key into directory; return their paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "multicloud.images emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, "multicloud.images emulator test CA"),
        ]
    )
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    names = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    os.makedirs(directory, exist_ok=True)
    pem = serialization.Encoding.PEM
    paths = {name: os.path.join(directory, name) for name in (CA_FILE, CERT_FILE, KEY_FILE)}
    with open(paths[CA_FILE], "wb") as handle:
        handle.write(ca_cert.public_bytes(pem))
    with open(paths[CERT_FILE], "wb") as handle:
        handle.write(cert.public_bytes(pem) + ca_cert.public_bytes(pem))
    fd = os.open(paths[KEY_FILE], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


def server_context(paths):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(paths[CERT_FILE], paths[KEY_FILE])
    return context


class TlsStats:
    """Handshakes per HTTPS port: how many succeeded and how many failed (e.g. the client refused the CA)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.ca_path = None
        self._counts = {}

    def count(self, name, ok):
        with self._lock:
            entry = self._counts.setdefault(name, {"handshakes": 0, "failures": 0})
            entry["handshakes" if ok else "failures"] += 1

    def clear(self):
        with self._lock:
            self._counts = {}

    def report(self):
        with self._lock:
            return {"ca_path": self.ca_path, "ports": {k: dict(v) for k, v in self._counts.items()}}
