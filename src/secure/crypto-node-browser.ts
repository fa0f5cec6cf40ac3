// In the browser build the default crypto backend is @noble/* (node:crypto does not exist there).
export { nobleCrypto as nodeCrypto } from "./crypto-noble.js";
