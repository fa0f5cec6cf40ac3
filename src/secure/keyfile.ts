// Identity key files: save and load an identity (and certificate) as JSON with owner-only permissions.
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fromHex, toHex } from "../wire/bytes.js";
import { nodeCrypto } from "./crypto-node.js";
import { bytesEqual, type CryptoBackend } from "./crypto.js";
import { identityFromSeed, type Identity } from "./identity.js";

/** File names inside a key directory. */
export const KEY_FILE = "identity.json";
/** The public key alone, hex, for sharing with peers that pin it. */
export const PUBLIC_FILE = "identity.pub";

interface KeyFileJson {
  format: "xtmp-identity-v1";
  ed25519_seed: string;
  public_key: string;
  certificate?: string;
}

const unhex = (s: string, what: string): Uint8Array => {
  const bytes = fromHex(s);
  if (!bytes) throw new Error(`key file: ${what} is not hex`);
  return bytes;
};

/** Writes `identity.json` (mode 0600) and `identity.pub` into `dir` (created if missing). */
export async function saveIdentity(dir: string, identity: Identity): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const json: KeyFileJson = { format: "xtmp-identity-v1", ed25519_seed: toHex(identity.seed), public_key: toHex(identity.publicKey) };
  if (identity.certificate) json.certificate = toHex(identity.certificate);
  const keyPath = join(dir, KEY_FILE);
  await writeFile(keyPath, JSON.stringify(json, null, 2) + "\n", { mode: 0o600 });
  await chmod(keyPath, 0o600);
  await writeFile(join(dir, PUBLIC_FILE), toHex(identity.publicKey) + "\n");
}

/** Reads `identity.json` from `dir`; checks that the stored public key matches the seed. */
export async function loadIdentity(dir: string, crypto: CryptoBackend = nodeCrypto): Promise<Identity> {
  const json = JSON.parse(await readFile(join(dir, KEY_FILE), "utf8")) as Partial<KeyFileJson>;
  if (json.format !== "xtmp-identity-v1" || typeof json.ed25519_seed !== "string" || typeof json.public_key !== "string") {
    throw new Error(`key file ${join(dir, KEY_FILE)}: not an xtmp-identity-v1 file`);
  }
  const id = identityFromSeed(unhex(json.ed25519_seed, "seed"), json.certificate ? unhex(json.certificate, "certificate") : undefined, crypto);
  if (!bytesEqual(id.publicKey, unhex(json.public_key, "public key"))) throw new Error("key file: public key does not match the seed");
  return id;
}

export { parsePublicKey } from "./identity.js";
