import type { NextConfig } from "next";

/**
 * Headers on every answer. The content security policy allows scripts and styles from the panel only;
 * 'unsafe-inline' is there for Next's inline bootstrap scripts and the charts' inline styles. No
 * framing (clickjacking), no MIME sniffing, no referrer beyond the panel. HSTS belongs to the TLS
 * proxy in front of the panel.
 */
const SECURITY_HEADERS = [
  {
    key: "Content-Security-Policy",
    value: [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
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
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  // ssh2 and the Prisma engine are server-only native-ish packages; keep them out of the bundle.
  serverExternalPackages: ["ssh2", "ioredis", "bullmq", "pg", "@prisma/adapter-pg", "@node-rs/argon2"],
  poweredByHeader: false,
  // Compression belongs to the TLS proxy in front (README, "Running it in production"): gzip in
  // this single thread cost about a tenth of the CPU of an API request.
  compress: false,
  // `npm test` type-checks the whole project once (tsc); the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
};

export default nextConfig;
