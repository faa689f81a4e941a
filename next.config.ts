import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // ssh2 and the Prisma engine are server-only native-ish packages; keep them out of the bundle.
  serverExternalPackages: ["ssh2", "ioredis", "bullmq", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project once (tsc); the build need not do it again.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
