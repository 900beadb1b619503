import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import type { Context } from 'hono';

/** Expands an IPv6 address to its eight groups. */
function groupsOf(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right];
}

/**
 * Who sent a request, as the socket says (a forwarded-for header is never trusted): an IPv4
 * address, or an IPv6 address's /64, which one host holds whole.
 */
export function clientAddressOf(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const address = incoming?.socket?.remoteAddress;
  if (!address) return 'unknown';
  if (address.startsWith('::ffff:') && !isIPv6(address.slice(7))) return address.slice(7);
  if (!isIPv6(address)) return address;
  const groups = groupsOf(address.split('%')[0] ?? address);
  return `${groups.slice(0, 4).join(':')}::/64`;
}
