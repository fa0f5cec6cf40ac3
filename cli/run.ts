// Process entry of the `xtmp` binary: runs main() with the real argv and exits with its code.
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2));
