import { lineJson, type TLogLine, type TLogStream } from "./line";
import { logRowsPool } from "./writer";

/** A page of an operation's stored log, in seq order after `afterSeq`. */
export async function readStoredLines(
  operationId: string,
  afterSeq: number,
  limit: number,
): Promise<TLogLine[]> {
  const { rows } = await logRowsPool().query<{
    seq: number;
    stream: TLogStream;
    text: string;
    at: Date;
    stage: string | null;
  }>(
    'SELECT seq, stream::text AS stream, text, at, stage FROM "LogLine" WHERE "operationId" = $1 AND seq > $2 ORDER BY seq LIMIT $3',
    [operationId, afterSeq, limit],
  );
  return rows.map((r) => ({
    seq: r.seq,
    stream: r.stream,
    text: r.text,
    at: r.at.toISOString(),
    ...(r.stage ? { stage: r.stage } : {}),
  }));
}

/** A page as one JSON document, `{"lines":[...],"lastSeq":N}`, built without the generic serializer. */
export async function storedLinesJson(operationId: string, afterSeq: number, limit: number): Promise<string> {
  const lines = await readStoredLines(operationId, afterSeq, limit);
  const lastSeq = lines.at(-1)?.seq ?? afterSeq;
  return `{"lines":[${lines.map(lineJson).join(",")}],"lastSeq":${lastSeq},"more":${lines.length === limit}}`;
}
