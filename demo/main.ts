// `npm start`: the demo. For now it prints the generated service table of this build.
import { serviceTable } from "../cli/services.js";

console.log("XTMP-RPC generated services (from proto/ via protoc-gen-xtmp):\n");
console.log(serviceTable());
console.log("\nThe encrypted client/server exchange arrives with the RPC runtime.");
