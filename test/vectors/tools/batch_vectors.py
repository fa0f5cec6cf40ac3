#!/usr/bin/env python3
"""Writes test/vectors/xtmp/batch.json: message batches (PROTOCOL.md §11.7), SETTINGS BATCH_MESSAGES
(§10) and an insecure LARGE_RECORDS record (§8), computed from the spec with the standard library only."""
import json
import struct


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def crc32c(data: bytes) -> int:
    c = 0xFFFFFFFF
    for byte in data:
        c ^= byte
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    return c ^ 0xFFFFFFFF


def frame(ftype: int, flags: int, stream: int, payload: bytes) -> bytes:
    return bytes([ftype, flags]) + varint(stream) + varint(len(payload)) + payload


# three protobuf messages of bench.v1.ServerStreamResponse-like shape: field 1 (bytes)
messages = [bytes([0x0A, 0x03]) + b"abc", b"", bytes([0x0A, 0x82, 0x01]) + bytes(range(130))]
batch = b"".join(varint(len(m)) + m for m in messages)
settings = varint(1) + varint(1 << 20) + varint(2) + varint(1000) + varint(3) + varint(16 << 20) + varint(4) + varint(1)
data_frame = frame(0x11, 0x01 | 0x10, 3, batch)  # DATA, END_MESSAGE | BATCH, stream 3

# insecure, LARGE_RECORDS offered and accepted: one record of exactly 65,519 plaintext bytes
hello_c = b"XTMP" + bytes([1, 0, 0, 0x08])
hello_s = b"XTMP" + bytes([1, 0, 0x08, 0])
body = bytes((i * 7) & 0xFF for i in range(65519 - 6))
pt = frame(0x11, 0x01, 1, body)
assert len(pt) == 65519, len(pt)
record = struct.pack(">H", len(pt) + 4) + pt + struct.pack(">I", crc32c(pt))

malformed = [
    ("empty", b""),
    ("truncated entry", varint(5) + b"\x01\x02"),
    ("length varint cut", b"\x80"),
    ("overlong length", b"\x80\x00"),
    ("trailing partial entry", varint(1) + b"\x01" + varint(3) + b"\x01"),
]

print(json.dumps({
    "description": "Message batches (§11.7), SETTINGS with BATCH_MESSAGES = 1 (§10), an insecure LARGE_RECORDS session's hellos and a 65,519-byte record (§8). Computed from PROTOCOL.md with Python's standard library.",
    "messages": [m.hex() for m in messages],
    "batch": batch.hex(),
    "data_frame_stream3": data_frame.hex(),
    "settings_defaults_with_batches": settings.hex(),
    "malformed_batches": [{"name": n, "hex": b.hex()} for n, b in malformed],
    "insecure_large_records": {"client_hello": hello_c.hex(), "server_hello": hello_s.hex(), "record_plaintext_length": len(pt), "record_prefix": record[:2].hex(), "record_crc32c": record[-4:].hex(), "record_payload_byte_rule": "payload[i] = (7 * i) & 0xff, i < 65513"},
}, indent=2))
