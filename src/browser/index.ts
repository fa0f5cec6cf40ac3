// Public entry of the browser bundle: the client runtime over WebSocket with the @noble/* crypto backend.
import { Channel as NodeChannel, type ChannelOptions } from "../client/channel.js";
import type { CryptoBackend } from "../secure/crypto.js";
import { nobleCrypto } from "../secure/crypto-noble.js";
import { generateIdentity as generateWith, identityFromSeed as identityWith, type Identity } from "../secure/identity.js";

export { Code, codeName } from "../status/code.js";
export { XtmpError, RpcError } from "../status/error.js";
export { Metadata } from "../rpc/metadata.js";
export { createClient } from "../client/client.js";
export { parsePublicKey, type Identity } from "../secure/identity.js";
export { nobleCrypto } from "../secure/crypto-noble.js";
export type { ChannelOptions } from "../client/channel.js";

/** The browser defaults: noble crypto (node:crypto does not exist here), no zstd, no UDP. */
const BROWSER_DEFAULTS: ChannelOptions = { crypto: nobleCrypto, compression: false, datagram: false };

/** A channel to a `ws://` or `wss://` URL, with the browser defaults (options override them). */
export class Channel extends NodeChannel {
  constructor(url: string, options: ChannelOptions = {}) {
    super(url, { ...BROWSER_DEFAULTS, ...options });
  }
}

/** Creates a channel to a `ws://` or `wss://` URL, with the browser defaults (noble crypto, no zstd, no UDP). */
export function createChannel(url: string, options: ChannelOptions = {}): Channel {
  return new Channel(url, options);
}

/** Generates a fresh identity (with the noble backend unless told otherwise). */
export function generateIdentity(crypto: CryptoBackend = nobleCrypto): Identity {
  return generateWith(crypto);
}

/** Rebuilds an identity from its seed (and optional certificate), with the noble backend unless told otherwise. */
export function identityFromSeed(seed: Uint8Array, certificate?: Uint8Array, crypto: CryptoBackend = nobleCrypto): Identity {
  return identityWith(seed, certificate, crypto);
}
