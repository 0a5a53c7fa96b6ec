import { existsSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

const HEADER = `# Benchmarks

Produced by \`npm run bench\` (bench/run.ts); each run appends a dated section below.
`;

/** Appends `section` to the benchmarks document, creating it with a short header if missing. */
export async function appendToDoc(path: string, section: string): Promise<void> {
  if (!existsSync(path)) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, HEADER);
  }
  await appendFile(path, `\n${section}`);
}
