/**
 * A pure function of a string, remembered for up to `limit` distinct
 * arguments; past that it starts over, so arguments taken from requests or
 * fixtures cannot grow it without bound.
 */
export function boundedMemo<V>(compute: (key: string) => V, limit = 10_000): (key: string) => V {
  const values = new Map<string, V>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) {
      value = compute(key);
      if (values.size >= limit) values.clear();
      values.set(key, value);
    }
    return value;
  };
}
