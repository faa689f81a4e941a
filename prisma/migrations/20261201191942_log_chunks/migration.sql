-- Log lines are stored in runs ("chunks") of consecutive lines, their JSON joined by commas (a
-- JSON array without its brackets), instead of a row per line: one row per batch the worker writes.

-- CreateTable
CREATE TABLE "LogChunk" (
    "operationId" TEXT NOT NULL,
    "firstSeq" INTEGER NOT NULL,
    "lastSeq" INTEGER NOT NULL,
    "lines" TEXT NOT NULL,

    CONSTRAINT "LogChunk_pkey" PRIMARY KEY ("operationId","lastSeq")
);

-- AddForeignKey
ALTER TABLE "LogChunk" ADD CONSTRAINT "LogChunk_operationId_fkey" FOREIGN KEY ("operationId") REFERENCES "Operation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing lines move into chunks of up to 1000 lines, in the JSON the writer produces.
INSERT INTO "LogChunk" ("operationId", "firstSeq", "lastSeq", "lines")
SELECT "operationId", min(seq), max(seq),
       string_agg(
         '{"seq":' || seq || ',"stream":"' || stream::text || '","text":' || to_json(text)::text
           || ',"at":"' || to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"'
           || coalesce(',"stage":' || to_json(stage)::text, '') || '}',
         ',' ORDER BY seq)
FROM "LogLine"
GROUP BY "operationId", (seq - 1) / 1000;

-- DropTable
DROP TABLE "LogLine";

-- DropEnum
DROP TYPE "LogStream";
