import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Separate build folders let several checkouts' test runs build side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native and worker-thread packages stay outside the server bundle.
  serverExternalPackages: ["better-sqlite3", "sharp", "pino", "busboy", "yazl", "prom-client", "file-type"],
  // Lint runs as its own step in `npm test`; the build does not repeat it.
  eslint: { ignoreDuringBuilds: true },
  typescript: { ignoreBuildErrors: false },
  // No page uses next/image; the optimizer would otherwise resize any local URL into an unbounded cache.
  images: { unoptimized: true },
  allowedDevOrigins: [],
  // On every response, pages and API alike. Next's inline bootstrap scripts need 'unsafe-inline'
  // (nonces would need middleware, which would truncate upload bodies); nothing may frame us.
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

const SECURITY_HEADERS = [
  {
    key: "Content-Security-Policy",
    value: [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
];

export default nextConfig;
