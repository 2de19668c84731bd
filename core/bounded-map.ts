/**
 * Sets `key` in `map`, first dropping the oldest entries (insertion order) so the map never holds
 * more than `limit`: the memory bound of the caches that sit on hot paths (verification keys,
 * block times, recently indexed entries).
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  while (map.size >= limit) map.delete(map.keys().next().value as K);
  map.set(key, value);
}
