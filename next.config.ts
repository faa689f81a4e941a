import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // ssh2 and the Prisma engine are server-only native-ish packages; keep them out of the bundle.
  serverExternalPackages: ["ssh2", "ioredis", "bullmq", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
