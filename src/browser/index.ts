// Public entry of the browser bundle: the client runtime over WebSocket with the @noble/* crypto backend.
import { Channel, type ChannelOptions } from "../client/channel.js";
import { nobleCrypto } from "../secure/crypto-noble.js";

export { Code, codeName } from "../status/code.js";
export { XtmpError, RpcError } from "../status/error.js";
export { Metadata } from "../rpc/metadata.js";
export { createClient } from "../client/client.js";
export { generateIdentity, identityFromSeed, parsePublicKey, type Identity } from "../secure/identity.js";
export { Channel, type ChannelOptions } from "../client/channel.js";

/** Creates a channel to a `ws://` or `wss://` URL, with the browser defaults (noble crypto, no zstd, no UDP). */
export function createChannel(url: string, options: ChannelOptions = {}): Channel {
  return new Channel(url, { crypto: nobleCrypto, compression: false, datagram: false, ...options });
}
