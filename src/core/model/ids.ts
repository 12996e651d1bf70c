import { z } from 'zod';
import { randomBytes } from 'node:crypto';

/** Every id is also a folder name, so it must not be able to escape its parent (`..`, `/`). */
export const ID_PATTERN = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export const ID_RULE = 'an id starts with a letter or digit and holds only letters, digits, ".", "_" or "-" (at most 64 characters, no "..")';

export const idSchema = z.string().regex(ID_PATTERN, { message: `not a valid id: ${ID_RULE}` });

/** Turns free text ("Dynamic Simplicity") into a usable id ("dynamic-simplicity"). */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64)
    .replace(/[-.]+$/, '');
  return slug || 'item';
}

/** Session ids sort by creation time and stay unique across machines: `20261123-160422-3fa9c1`. */
export function newSessionId(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
