/**
 * flytekit converts list and dict elements concurrently in batches of 10 (`_TYPE_ENGINE_COROS_BATCH_SIZE`);
 * so do we, which bounds open files and connections when a list holds thousands of files.
 */
const BATCH_SIZE = 10;

/** `items.map(fn)` awaited in batches of {@link BATCH_SIZE}, keeping the order. */
export async function mapInChunks<A, B>(items: readonly A[], fn: (item: A, index: number) => Promise<B>): Promise<B[]> {
  const out: B[] = [];
  for (let start = 0; start < items.length; start += BATCH_SIZE) {
    const batch = items.slice(start, start + BATCH_SIZE);
    out.push(...(await Promise.all(batch.map((item, i) => fn(item, start + i)))));
  }
  return out;
}
