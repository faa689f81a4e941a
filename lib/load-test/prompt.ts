const WORDS = [
  "the",
  "operator",
  "checks",
  "how",
  "a",
  "model",
  "server",
  "answers",
  "under",
  "load",
  "while",
  "many",
  "requests",
  "arrive",
  "together",
  "and",
  "each",
  "one",
  "waits",
  "for",
  "its",
  "tokens",
];

/**
 * A prompt of exactly `words` words (a word is roughly one token for English text), ending in a short
 * instruction so a real model answers briefly. Deterministic: the same size gives the same prompt.
 */
export function promptOfWords(words: number): string {
  const tail = ["Summarize", "this", "in", "one", "sentence."];
  const fill = Math.max(0, words - tail.length);
  const body = Array.from({ length: fill }, (_, i) => WORDS[i % WORDS.length] as string);
  return [...body, ...tail.slice(Math.max(0, tail.length - words))].join(" ");
}
