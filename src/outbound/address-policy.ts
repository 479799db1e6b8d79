import { BlockList, isIP } from 'node:net';

/** One CIDR range of an outbound rule, kept with the text the operator wrote for messages. */
export interface AddressRange {
  text: string;
  list: BlockList;
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a single address (a /32 or /128). */
export function parseRange(text: string): AddressRange {
  const trimmed = text.trim();
  const [address, prefixText, ...rest] = trimmed.split('/');
  const family = isIP(address);
  const width = family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? width : Number(prefixText);
  if (!family || rest.length > 0 || !/^\d+$/.test(prefixText ?? String(width)) || prefix > width) {
    throw new Error(`${JSON.stringify(trimmed)} is not an address range such as 10.0.0.0/8, 192.168.1.7 or fd00::/8`);
  }
  const list = new BlockList();
  list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return { text: trimmed, list };
}

/** Parses a comma-separated list of ranges (empty items ignored). */
export function parseRanges(text: string): AddressRange[] {
  return text.split(',').filter((item) => item.trim() !== '').map(parseRange);
}

/** Cloud metadata services: never a SCIM target or a webhook receiver, and the classic SSRF prize. */
const METADATA_ADDRESSES = [parseRange('169.254.169.254'), parseRange('fd00:ec2::254'), parseRange('100.100.100.200')];
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog']);
const LINK_LOCAL = [parseRange('169.254.0.0/16'), parseRange('fe80::/10')];

export interface AddressPolicyOptions {
  /** When given, only these ranges may be reached (deny by default). */
  allow?: AddressRange[];
  /** Never reached, whatever else is allowed. */
  deny?: AddressRange[];
}

/**
 * Which addresses the server's own requests (webhooks, connection targets, SCIM and LDAP
 * sources) may reach. By default everything but link-local and cloud metadata addresses,
 * loopback included, since local peers and tests live there; `allow` narrows it to a list.
 */
export class AddressPolicy {
  private readonly allow: AddressRange[] | undefined;
  private readonly deny: AddressRange[];

  constructor(options: AddressPolicyOptions = {}) {
    this.allow = options.allow && options.allow.length > 0 ? options.allow : undefined;
    this.deny = options.deny ?? [];
  }

  /** Why `address` (an IP literal) may not be reached, or undefined when it may. */
  refusal(address: string): string | undefined {
    const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const family = isIP(ip);
    if (!family) return `${address} is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const within = (ranges: AddressRange[]) => ranges.find((range) => range.list.check(ip, type));
    const denied = within(this.deny);
    if (denied) return `${ip} is in the denied range ${denied.text} (--outbound-deny)`;
    if (this.allow) return within(this.allow) ? undefined : `${ip} is outside the allowed ranges (--outbound-allow ${this.allow.map((r) => r.text).join(',')})`;
    if (within(METADATA_ADDRESSES)) return `${ip} is a cloud metadata address`;
    if (within(LINK_LOCAL)) return `${ip} is a link-local address`;
    return undefined;
  }

  /** Why a host name may not be looked up at all (metadata service names), or undefined. */
  nameRefusal(hostname: string): string | undefined {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    return METADATA_NAMES.has(name) ? `${name} is a cloud metadata service` : undefined;
  }
}

/** An outbound request refused by the address policy before any connection was made. */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
  constructor(readonly host: string, readonly reason: string) {
    super(`refused to connect to ${host}: ${reason}`);
    this.name = 'OutboundRefusedError';
  }
}
