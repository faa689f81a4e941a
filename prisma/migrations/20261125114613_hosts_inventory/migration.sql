-- CreateEnum
CREATE TYPE "HostAuthMethod" AS ENUM ('key', 'password');

-- AlterTable
-- Private keys are no longer kept in clear: the plaintext column goes. Hosts added before this
-- migration keep their other settings and ask for their key again ("has no stored private key;
-- edit the host") on their next check.
ALTER TABLE "Host" DROP COLUMN "privateKey",
ADD COLUMN     "authMethod" "HostAuthMethod" NOT NULL DEFAULT 'key',
ADD COLUMN     "deployPath" TEXT NOT NULL DEFAULT '~/webops',
ADD COLUMN     "disabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "hostKeyFingerprint" TEXT,
ADD COLUMN     "hostKeyTrustedAt" TIMESTAMP(3),
ADD COLUMN     "hostKeyType" TEXT,
ADD COLUMN     "jumpHostId" TEXT,
ADD COLUMN     "keyGenerated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "labels" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "passphraseSealed" TEXT,
ADD COLUMN     "passwordSealed" TEXT,
ADD COLUMN     "privateKeySealed" TEXT,
ADD COLUMN     "publicKey" TEXT,
ADD COLUMN     "seenHostKeyAt" TIMESTAMP(3),
ADD COLUMN     "seenHostKeyFingerprint" TEXT,
ADD COLUMN     "seenHostKeyType" TEXT;

-- AddForeignKey
ALTER TABLE "Host" ADD CONSTRAINT "Host_jumpHostId_fkey" FOREIGN KEY ("jumpHostId") REFERENCES "Host"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


ALTER TABLE "Host" ALTER COLUMN "authMethod" DROP DEFAULT;
