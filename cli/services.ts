// The services this build knows (generated descriptors) and a printable method table.
import { BpciServiceDefinition } from "../generated/bpci/v1/bpci_xtmp.js";
import { HealthDefinition } from "../generated/grpc/health/v1/health_xtmp.js";
import { TestServiceDefinition } from "../generated/grpc/testing/test_xtmp.js";
import type { ServiceDescriptor } from "../src/index.js";

/** Every service descriptor compiled into this package. */
export const KNOWN_SERVICES: readonly ServiceDescriptor[] = [BpciServiceDefinition, TestServiceDefinition, HealthDefinition];

/** A fixed-width text table of every method: id, path, kind and XTMP rules. */
export function serviceTable(services: readonly ServiceDescriptor[] = KNOWN_SERVICES): string {
  const rows: string[][] = [["id", "method", "kind", "delivery", "idempotency", "signed", "compression"]];
  for (const svc of services) {
    for (const m of Object.values(svc.methods)) {
      rows.push([String(m.id), m.path, m.kind, m.rules.delivery, m.rules.idempotency, m.rules.signed ? "yes" : "no", m.rules.compression]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()).join("\n");
}
