import http from "node:http";
import next from "next";
import { hostAllowed, PEER_HEADER, PROTO_HEADER } from "@/features/auth/client";
import { ConfigError, parseConfig } from "@/features/shared/config";

/**
 * The HTTP entry point (`npm start`): Next's request handler behind a plain node:http server, for
 * the one thing `next start` cannot do: tell route handlers the socket's own address. Every request
 * gets it in PEER_HEADER (overwriting whatever a client sent), which setup's loopback rule and the
 * anonymous rate limits rely on. A Host outside the allow-list is answered 421 before Next runs,
 * for pages and assets too (route() checks API requests again). Queue start-up and shutdown stay
 * in instrumentation.ts -> features/server-start.ts.
 */
(process.env as Record<string, string>).NODE_ENV ??= "production";

function loadConfig() {
  try {
    return parseConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
const config = loadConfig();
const { HOST, PORT } = config;

const server = http.createServer((request, response) => {
  request.headers[PEER_HEADER] = request.socket.remoteAddress ?? "";
  request.headers[PROTO_HEADER] = "encrypted" in request.socket && request.socket.encrypted ? "https" : "http";
  if (!hostAllowed(request.headers.host ?? null, config)) {
    response.writeHead(421, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: { code: "misdirected", message: "This server does not answer to that host name." } }));
    return;
  }
  void handle(request, response);
});

// Installed before Next starts the queue: features/server-start.ts takes these over and runs them
// after the queue has stopped, so the port closes and the process exits 0 only then.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}

const app = next({ dev: false, hostname: HOST, port: PORT, dir: process.cwd() });
const handle = app.getRequestHandler();
void app.prepare().then(() =>
  server.listen(PORT, HOST, () => {
    console.log(`Batchyard listening on http://${HOST.includes(":") ? `[${HOST}]` : HOST}:${PORT}`);
  }),
);
