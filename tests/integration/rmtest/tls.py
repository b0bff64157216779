"""TLS for the integration tests: certificates made with the `openssl`
command line, and redis-server / valkey-server listening on a TLS port only.

make_pki(folder) writes, all with P-256 keys:
  ca            the test CA
  server        localhost and 127.0.0.1, signed by ca
  expired       localhost and 127.0.0.1, signed by ca, valid only in 2020
  other_name    other.example only, signed by ca
  client        a client certificate (clientAuth), signed by ca
  other_ca      a second CA that signed none of the above
Debian 12's openssl 3.0 `x509` cannot set dates in the past, so the expired
certificate is issued with `openssl ca -startdate -enddate` from a minimal
CA config written beside it.

TlsServer is a servers.Server with `port 0` and `tls-port N`: nothing
listens in plain text. Its redis-py client speaks TLS, trusting the CA
(verification off for the deliberately bad certificates, which the test's
own connection must still be able to reach).
"""

import os
import subprocess

import redis

from . import servers as srv

OPENSSL = "/usr/bin/openssl"
DAYS = 30

# The certificate kinds a TLS server can be started with.
SERVER_CERTS = ("server", "expired", "other_name")


class Pair:
    """A certificate and its key."""

    def __init__(self, cert, key):
        self.cert = cert
        self.key = key

    def __repr__(self):
        return f"<Pair {self.cert}>"


class Pki:
    """The paths make_pki() wrote."""

    def __init__(self, folder):
        self.dir = str(folder)
        p = lambda name: Pair(os.path.join(self.dir, name + ".crt"),
                              os.path.join(self.dir, name + ".key"))
        self.ca = p("ca")
        self.other_ca = p("other-ca")
        self.server = p("server")
        self.expired = p("expired")
        self.other_name = p("other-name")
        self.client = p("client")

    def pair(self, kind):
        return getattr(self, kind)


def _openssl(*args, cwd):
    res = subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True,
                         text=True, timeout=60)
    if res.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed with "
                           f"{res.returncode}:\n{res.stdout}{res.stderr}")
    return res.stdout


def _key(path, cwd):
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-out", path, cwd=cwd)
    os.chmod(path, 0o600)


def _make_ca(pair, cn, cwd):
    _key(pair.key, cwd)
    _openssl("req", "-x509", "-new", "-key", pair.key, "-out", pair.cert,
             "-days", str(DAYS), "-subj", f"/O=redis-migrate tests/CN={cn}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=cwd)


def _ext_file(cwd, name, san, usage):
    path = os.path.join(cwd, name + ".ext")
    lines = ["[v3]", "basicConstraints=CA:FALSE",
             "keyUsage=critical,digitalSignature,keyEncipherment",
             f"extendedKeyUsage={usage}",
             "subjectKeyIdentifier=hash",
             "authorityKeyIdentifier=keyid"]
    if san:
        lines.append(f"subjectAltName={san}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def _csr(pair, cn, cwd):
    _key(pair.key, cwd)
    csr = pair.cert + ".csr"
    _openssl("req", "-new", "-key", pair.key, "-out", csr,
             "-subj", f"/O=redis-migrate tests/CN={cn}", cwd=cwd)
    return csr


def _issue(pair, ca, cn, san, usage, cwd):
    """A certificate for `pair` signed by `ca`, valid from now for DAYS."""
    csr = _csr(pair, cn, cwd)
    ext = _ext_file(cwd, os.path.basename(pair.cert), san, usage)
    _openssl("x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key,
             "-set_serial", str(int.from_bytes(os.urandom(8), "big")),
             "-days", str(DAYS), "-sha256", "-extfile", ext,
             "-extensions", "v3", "-out", pair.cert, cwd=cwd)


def _issue_expired(pair, ca, cn, san, cwd):
    """A server certificate signed by `ca` that expired long ago:
    `openssl ca` takes explicit -startdate and -enddate."""
    csr = _csr(pair, cn, cwd)
    cadir = os.path.join(cwd, "ca-db")
    os.makedirs(cadir, exist_ok=True)
    open(os.path.join(cadir, "index.txt"), "w").close()
    with open(os.path.join(cadir, "serial"), "w") as f:
        f.write("1000\n")
    conf = os.path.join(cadir, "ca.cnf")
    with open(conf, "w") as f:
        f.write(f"""[ca]
default_ca = test_ca
[test_ca]
dir = {cadir}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
certificate = {ca.cert}
private_key = {ca.key}
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
x509_extensions = v3
[anything]
organizationName = optional
commonName = supplied
[v3]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = {san}
""")
    _openssl("ca", "-batch", "-notext", "-config", conf, "-in", csr,
             "-out", pair.cert, "-startdate", "20200101000000Z",
             "-enddate", "20200201000000Z", cwd=cwd)


LOCAL_SAN = "DNS:localhost,IP:127.0.0.1"
OTHER_NAME = "other.example"


def make_pki(folder):
    """Writes every certificate of the module's table into `folder`."""
    os.makedirs(folder, exist_ok=True)
    cwd = str(folder)
    pki = Pki(folder)
    _make_ca(pki.ca, "redis-migrate test CA", cwd)
    _make_ca(pki.other_ca, "an unrelated CA", cwd)
    _issue(pki.server, pki.ca, "localhost", LOCAL_SAN, "serverAuth", cwd)
    _issue(pki.other_name, pki.ca, OTHER_NAME, f"DNS:{OTHER_NAME}",
           "serverAuth", cwd)
    _issue(pki.client, pki.ca, "redis-migrate test client", None,
           "clientAuth", cwd)
    _issue_expired(pki.expired, pki.ca, "localhost", LOCAL_SAN, cwd)
    return pki


def not_after(cert):
    """The certificate's notAfter line, as openssl prints it."""
    return _openssl("x509", "-in", cert, "-noout", "-enddate",
                    cwd=os.path.dirname(cert)).strip()


class TlsServer(srv.Server):
    """A server on a TLS port only (`port 0`). `cert` names the server
    certificate (one of SERVER_CERTS); `auth_clients` makes it require a
    client certificate signed by the CA."""

    def __init__(self, kind, workdir, pki, cert="server", auth_clients=False,
                 config=(), name=None):
        if cert not in SERVER_CERTS:
            raise ValueError(f"unknown server certificate {cert!r}")
        super().__init__(kind, workdir, config=config, name=name)
        self.pki = pki
        self.cert = cert
        self.auth_clients = auth_clients

    def _listen_conf(self):
        pair = self.pki.pair(self.cert)
        return [
            "port 0",
            f"tls-port {self.port}",
            f'tls-cert-file "{pair.cert}"',
            f'tls-key-file "{pair.key}"',
            f'tls-ca-cert-file "{self.pki.ca.cert}"',
            f"tls-auth-clients {'yes' if self.auth_clients else 'no'}",
        ]

    def client(self, db=0, password=None, **kw):
        """A redis-py client over TLS on raw bytes. It verifies the
        server's certificate against the CA when the server has the good
        one, and presents the client certificate when one is required."""
        kw.setdefault("socket_timeout", 60)
        kw.setdefault("socket_connect_timeout", 5)
        if self.cert == "server":
            kw.setdefault("ssl_cert_reqs", "required")
            kw.setdefault("ssl_ca_certs", self.pki.ca.cert)
        else:
            kw.setdefault("ssl_cert_reqs", "none")
        if self.auth_clients:
            kw.setdefault("ssl_certfile", self.pki.client.cert)
            kw.setdefault("ssl_keyfile", self.pki.client.key)
        return redis.Redis(
            host="127.0.0.1",
            port=self.port,
            db=db,
            password=password if password is not None else self.password,
            decode_responses=False,
            ssl=True,
            **kw,
        )

    def uri(self, db=None, user=None, password=None, host="127.0.0.1"):
        """A rediss:// URI; `host` may be "localhost" or any name."""
        auth = ""
        if user is not None or password is not None:
            auth = (user or "") + (f":{password}" if password is not None
                                   else "") + "@"
        tail = f"/{db}" if db is not None else ""
        return f"rediss://{auth}{host}:{self.port}{tail}"

    def __repr__(self):
        return (f"<TlsServer {self.name} {self.kind} tls 127.0.0.1:{self.port} "
                f"cert={self.cert} pid={self.pid}>")


def start_tls(servers, kind, pki, name, cert="server", auth_clients=False,
              config=()):
    """Starts a TlsServer that the `servers` fixture stops at the test's
    end (and whose log it attaches to a failure)."""
    s = TlsServer(kind, servers.tmp / "servers" / name, pki, cert=cert,
                  auth_clients=auth_clients, config=config, name=name)
    servers.started.append(s)
    return s.start()
