// Public entry of the browser bundle: the client runtime over WebSocket with the @noble/* crypto backend.
import { Channel, type ChannelOptions } from "../client/channel.js";
import { nobleCrypto } from "../secure/crypto-noble.js";

export { Code, codeName } from "../status/code.js";
export { XtmpError, RpcError } from "../status/error.js";
export { Metadata } from "../rpc/metadata.js";
export { createClient } from "../client/client.js";
export { generateIdentity, identityFromSeed, type Identity } from "../secure/identity.js";
export { Channel, type ChannelOptions } from "../client/channel.js";

/** Creates a channel to a `ws://` or `wss://` URL, with the browser defaults (noble crypto, no zstd, no UDP). */
export function createChannel(url: string, options: ChannelOptions = {}): Channel {
  return new Channel(url, { crypto: nobleCrypto, compression: false, datagram: false, ...options });
}

/** Parses a 64-hex-character public key (as printed by `xtmp keygen` / `xtmp serve`). */
export function parsePublicKey(text: string): Uint8Array {
  const t = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(t)) throw new Error("public key must be 64 hex characters");
  return new Uint8Array(t.match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
}
