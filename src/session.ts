// Public entry `xtmp-rpc/session`: the low-level secure-session API (handshakes over any byte stream, crypto backends, ML-KEM).
export { connectSession, acceptSession, HandshakeError, type HandshakeFailureReason, type Session } from "./secure/handshake.js";
export type { ClientSessionOptions, ServerSessionOptions, SessionInfo, SessionOptions } from "./secure/options.js";
export type { RekeyPolicy, RecordStats } from "./secure/record-session.js";
export type { CipherName, CryptoBackend } from "./secure/crypto.js";
export { nodeCrypto } from "./secure/crypto-node.js";
export { nobleCrypto } from "./secure/crypto-noble.js";
export { mlKem768, type Kem } from "./secure/kem.js";
export type { ByteDuplex, ByteReceiver, FrameDuplex, FrameReceiver } from "./wire/duplex.js";
export { duplexPair, type MemoryDuplex } from "./transport/memory.js";
