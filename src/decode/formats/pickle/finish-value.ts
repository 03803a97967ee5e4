import { pickleError } from './pickle-reader.js';
import { PyGlobal } from './python-global.js';

const ON_PATH = -1;

const isContainer = (value: unknown): value is object =>
  typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && !(value instanceof PyGlobal);

/**
 * Checks the finished value once, without recursion: nesting within `maxDepth` (`{}` is depth
 * 1), no reference cycles (a pickle may hold a list that contains itself; consumers walking the
 * value must never loop), and globals left in data written as their "module.name" text. Shared
 * values are visited once (their height is remembered), so the walk is linear in the distinct
 * containers however often the pickle's memo references them.
 */
export function finishValue(root: unknown, maxDepth: number): unknown {
  if (root instanceof PyGlobal) return root.qualified;
  if (!isContainer(root)) return root;
  const heights = new Map<object, number>();
  const nodes: object[] = [];
  const names: (string[] | undefined)[] = [];
  const next: number[] = [];
  const tallest: number[] = [];
  const enter = (node: object): void => {
    if (nodes.length >= maxDepth) throw pickleError(`pickle nesting deeper than ${maxDepth}`);
    heights.set(node, ON_PATH);
    nodes.push(node);
    names.push(Array.isArray(node) ? undefined : Object.keys(node));
    next.push(0);
    tallest.push(1);
  };
  enter(root);
  while (nodes.length > 0) {
    const level = nodes.length - 1;
    const node = nodes[level] as Record<string | number, unknown>;
    const keys = names[level];
    const count = keys === undefined ? (node as unknown as unknown[]).length : keys.length;
    let descended = false;
    while ((next[level] as number) < count) {
      const at = next[level] as number;
      next[level] = at + 1;
      const name = keys === undefined ? at : (keys[at] as string);
      const child = node[name];
      if (child instanceof PyGlobal) {
        node[name] = child.qualified;
        continue;
      }
      if (!isContainer(child)) continue;
      const height = heights.get(child);
      if (height === ON_PATH) throw pickleError('pickle value refers to itself');
      if (height === undefined) {
        enter(child);
        descended = true;
        break;
      }
      // A shared value already measured: its depth here is this level plus its height.
      if (level + 1 + height > maxDepth) throw pickleError(`pickle nesting deeper than ${maxDepth}`);
      tallest[level] = Math.max(tallest[level] as number, height + 1);
    }
    if (descended) continue;
    const height = tallest[level] as number;
    heights.set(node, height);
    nodes.pop();
    names.pop();
    next.pop();
    tallest.pop();
    if (level > 0) tallest[level - 1] = Math.max(tallest[level - 1] as number, height + 1);
  }
  return root;
}
