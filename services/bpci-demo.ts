// The BPCI service over a fresh embedded ledger, for the demo, the CLI and tests (see services/bpci/).
import type { BpciServiceImplementation } from "../generated/bpci/v1/bpci_xtmp.js";
import { createBpciService } from "./bpci/service.js";

/** BPCI over a fresh in-memory ledger (wallets, bundles, live updates). */
export function bpciDemoImpl(): BpciServiceImplementation {
  return createBpciService().impl;
}
