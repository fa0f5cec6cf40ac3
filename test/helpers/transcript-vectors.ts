// Test helper: the committed XTMP session transcripts (test/vectors/xtmp/*.json), typed.
import { readFileSync } from "node:fs";
import type { CipherName } from "../../src/secure/crypto.js";

/** One committed session transcript (PROTOCOL.md §9). */
export interface TranscriptVector {
  description: string;
  cipher: CipherName;
  mode: string;
  client_identity_seed: string;
  server_identity_seed: string;
  client_ephemeral_private: string;
  server_ephemeral_private: string;
  kem_keygen_seed?: string;
  kem_encapsulate_message?: string;
  handshake_hash: string;
  /** Every write in order: "c" client->server, "s" server->client, hex bytes. */
  messages: Array<[string, string]>;
}

/** Reads a committed vector file by name (never written by the tests). */
export function loadTranscriptVector(name: string): TranscriptVector {
  return JSON.parse(readFileSync(new URL(`../vectors/xtmp/${name}`, import.meta.url), "utf8")) as TranscriptVector;
}
