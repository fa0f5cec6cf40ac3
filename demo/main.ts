// `npm start`: runs the BPCI demo (server and client on 127.0.0.1, encrypted) and exits.
import { runDemo } from "./run-demo.js";

process.exitCode = await runDemo();
