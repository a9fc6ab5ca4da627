/** Makes cached objects immutable, so a reconciler that mutates what it read fails loudly instead of corrupting the cache. */

/** Freezes `value` and everything reachable from it (plain JSON data: objects and arrays); returns `value`. */
export function deepFreeze<T>(value: T): T {
  // An explicit stack instead of recursion: deep objects cannot overflow the call stack.
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current !== 'object' || current === null || Object.isFrozen(current)) continue;
    Object.freeze(current);
    if (Array.isArray(current)) {
      for (const item of current) if (typeof item === 'object' && item !== null) stack.push(item);
    } else {
      for (const key in current) {
        const item = (current as Record<string, unknown>)[key];
        if (typeof item === 'object' && item !== null) stack.push(item);
      }
    }
  }
  return value;
}
