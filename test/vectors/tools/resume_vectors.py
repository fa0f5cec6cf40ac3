#!/usr/bin/env python3
"""Session resumption vectors (docs/PROTOCOL.md section 4.2), computed independently of the
TypeScript implementation with Python's standard library and the `cryptography` package.

Usage: python3 test/vectors/tools/resume_vectors.py AESGCM > test/vectors/xtmp/resume-aesgcm.json
       python3 test/vectors/tools/resume_vectors.py ChaChaPoly > test/vectors/xtmp/resume-chachapoly.json
"""
import hashlib
import hmac
import json
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import serialization

CIPHER = sys.argv[1] if len(sys.argv) > 1 else "AESGCM"
assert CIPHER in ("AESGCM", "ChaChaPoly")
CIPHER_ID = {"ChaChaPoly": 1, "AESGCM": 2}[CIPHER]


def h(b):
    return b.hex()


def hmac256(key, *parts):
    return hmac.new(key, b"".join(parts), hashlib.sha256).digest()


def varint(n):
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def nonce(n):
    if CIPHER == "ChaChaPoly":
        return b"\x00" * 4 + struct.pack("<Q", n)
    return b"\x00" * 4 + struct.pack(">Q", n)


def aead(key):
    return ChaCha20Poly1305(key) if CIPHER == "ChaChaPoly" else AESGCM(key)


def x25519_pub(priv):
    return X25519PrivateKey.from_private_bytes(priv).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def x25519(priv, pub):
    return X25519PrivateKey.from_private_bytes(priv).exchange(X25519PublicKey.from_public_bytes(pub))


class Symmetric:
    """Noise SymmetricState (revision 34) over SHA-256."""

    def __init__(self, name):
        n = name.encode()
        self.h = n.ljust(32, b"\x00") if len(n) <= 32 else hashlib.sha256(n).digest()
        self.ck = self.h
        self.k = None
        self.n = 0

    def hkdf(self, ikm, outputs):
        temp = hmac256(self.ck, ikm)
        o1 = hmac256(temp, b"\x01")
        o2 = hmac256(temp, o1, b"\x02")
        if outputs == 2:
            return o1, o2
        return o1, o2, hmac256(temp, o2, b"\x03")

    def mix_hash(self, data):
        self.h = hashlib.sha256(self.h + data).digest()

    def mix_key(self, ikm):
        self.ck, self.k = self.hkdf(ikm, 2)
        self.n = 0

    def mix_key_and_hash(self, ikm):
        self.ck, th, self.k = self.hkdf(ikm, 3)
        self.mix_hash(th)
        self.n = 0

    def encrypt_and_hash(self, pt):
        ct = aead(self.k).encrypt(nonce(self.n), pt, self.h)
        self.n += 1
        self.mix_hash(ct)
        return ct

    def export(self, label):
        return self.hkdf(label.encode(), 2)[0]

    def split(self):
        return self.hkdf(b"", 2)


def payload(max_record, features):
    mr = varint(max_record)
    fe = varint(features)
    return bytes([4]) + varint(len(mr)) + mr + bytes([5]) + varint(len(fe)) + fe


def frame(ftype, flags, stream, body):
    return bytes([ftype, flags]) + varint(stream) + varint(len(body)) + body


def u16(n):
    return struct.pack(">H", n)


# ---- inputs (fixed) ----
def ed25519_pub(seed):
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


client_seed = bytes(range(0x00, 0x20))
server_seed = bytes(range(0x20, 0x40))
client_identity = ed25519_pub(client_seed)  # the ticket holds the Ed25519 public keys
server_identity = ed25519_pub(server_seed)
previous_resumption_secret = bytes(range(0x60, 0x80))  # of the session that received the ticket
ticket_secret = bytes([7]) * 32
lifetime = 3600
now_ms = 1_700_000_000_123
ticket_iv = bytes(range(0xA0, 0xAC))
next_ticket_iv = bytes(range(0xB0, 0xBC))
client_e = bytes.fromhex("a8abababababababababababababababababababababababababababababab6b")
server_e = bytes.fromhex("b8acacacacacacacacacacacacacacacacacacacacacacacacacacacacacac4c")
max_record = 16384
features = 0x06  # zstd | RESUMPTION

# ---- the ticket the client holds ----
ticket_nonce = b"\x00" * 8
psk = hmac256(previous_resumption_secret, b"XTMP-v1 ticket psk\x00", ticket_nonce)


def seal_ticket(p, client_id, iv, now):
    epoch = now // 1000 // lifetime
    key_id = struct.pack(">I", epoch)
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"XTMP-v1 ticket key\x00" + key_id).derive(ticket_secret)
    expiry = now // 1000 + lifetime
    plaintext = b"\x01" + struct.pack(">Q", expiry) + p + server_identity + client_id
    sealed = AESGCM(key).encrypt(iv, plaintext, b"XTMP-v1 ticket\x00" + key_id)
    return key_id + iv + sealed, key, epoch, expiry, plaintext


ticket, ticket_key, epoch, expiry, ticket_plaintext = seal_ticket(psk, client_identity, ticket_iv, now_ms)
ticket_frame = varint(lifetime) + ticket_nonce + ticket

# ---- the resumed handshake: Noise_NNpsk0 ----
client_hello = b"XTMP" + bytes([1, 3, CIPHER_ID, features])
prologue = client_hello + ticket
name = "Noise_NNpsk0_25519_%s_SHA256" % CIPHER


def side():
    s = Symmetric(name)
    s.mix_hash(prologue)
    return s


ini = side()
ini.mix_key_and_hash(psk)
ce_pub = x25519_pub(client_e)
ini.mix_hash(ce_pub)
ini.mix_key(ce_pub)
msg1 = ce_pub + ini.encrypt_and_hash(payload(max_record, features))

resp = side()  # the responder's state follows the same steps and must agree
resp.mix_key_and_hash(psk)
resp.mix_hash(ce_pub)
resp.mix_key(ce_pub)
resp.encrypt_and_hash(payload(max_record, features))  # what reading msg1 does to h and n (decrypt = same bytes)
assert resp.h == ini.h
se_pub = x25519_pub(server_e)
resp.mix_hash(se_pub)
resp.mix_key(se_pub)
resp.mix_key(x25519(server_e, ce_pub))
msg2 = se_pub + resp.encrypt_and_hash(payload(max_record, features))
handshake_hash = resp.h
assert x25519(client_e, se_pub) == x25519(server_e, ce_pub)

server_hello = b"XTMP" + bytes([1, 0, features, 0])
client_flight = client_hello + u16(len(ticket)) + ticket + u16(len(msg1)) + msg1
server_flight = server_hello + u16(len(msg2)) + msg2

exporter = resp.export("XTMP-v1 exporter")
resumption_secret = resp.export("XTMP-v1 resumption")
k_c2s, k_s2c = resp.split()

# ---- records: the server's fresh TICKET (nonce 0 of its ticket and of its records), the client's DATA, the server's DATA ----
next_psk = hmac256(resumption_secret, b"XTMP-v1 ticket psk\x00", ticket_nonce)
next_ticket, _, _, _, _ = seal_ticket(next_psk, client_identity, next_ticket_iv, now_ms)
next_ticket_frame = varint(lifetime) + ticket_nonce + next_ticket
s_ticket_body = aead(k_s2c).encrypt(nonce(0), frame(0x03, 0x00, 0, next_ticket_frame), b"")
c_body = aead(k_c2s).encrypt(nonce(0), frame(0x11, 0x01, 1, b"hello over XTMP"), b"")
s_body = aead(k_s2c).encrypt(nonce(1), frame(0x11, 0x01, 1, b"hello back"), b"")

print(json.dumps({
    "description": "Session resumption (PROTOCOL.md section 4.2), %s: a ticket sealed by this implementation's ticket format, the resumed Noise_NNpsk0 handshake with fixed ephemerals, then the server's record with the fresh TICKET (its AES-GCM IV next_ticket_iv) and one DATA record each way. Generated independently with Python's hashlib/hmac and the cryptography package by test/vectors/tools/resume_vectors.py." % CIPHER,
    "cipher": CIPHER,
    "client_identity_seed": h(client_seed),
    "server_identity_seed": h(server_seed),
    "client_identity": h(client_identity),
    "server_identity": h(server_identity),
    "previous_resumption_secret": h(previous_resumption_secret),
    "ticket_nonce": h(ticket_nonce),
    "psk": h(psk),
    "ticket_secret": h(ticket_secret),
    "lifetime_seconds": lifetime,
    "now_ms": now_ms,
    "ticket_epoch": epoch,
    "ticket_key": h(ticket_key),
    "ticket_expiry": expiry,
    "ticket_iv": h(ticket_iv),
    "ticket_plaintext": h(ticket_plaintext),
    "ticket": h(ticket),
    "ticket_frame_payload": h(ticket_frame),
    "client_hello": h(client_hello),
    "client_ephemeral_private": h(client_e),
    "server_ephemeral_private": h(server_e),
    "max_record": max_record,
    "features": features,
    "noise_protocol": name,
    "messages": [
        {"from": "c", "hex": h(client_flight)},
        {"from": "s", "hex": h(server_flight)},
        {"from": "s", "hex": h(u16(len(s_ticket_body)) + s_ticket_body)},
        {"from": "c", "hex": h(u16(len(c_body)) + c_body)},
        {"from": "s", "hex": h(u16(len(s_body)) + s_body)},
    ],
    "handshake_hash": h(handshake_hash),
    "exporter": h(exporter),
    "resumption_secret": h(resumption_secret),
    "next_ticket_iv": h(next_ticket_iv),
    "next_psk": h(next_psk),
    "next_ticket": h(next_ticket),
}, indent=2))
