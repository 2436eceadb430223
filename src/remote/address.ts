/**
 * Which IP addresses a remote fetch may connect to: public ones only, unless the configuration opens
 * the private ranges (IIIF_ALLOW_PRIVATE_ADDRESSES, for an intranet server or tests). A URL that names
 * a public host can still resolve to 127.0.0.1 or to a cloud metadata address (169.254.169.254): the
 * check is made on the addresses DNS gives, the ones actually connected to.
 */
import { BlockList, isIP } from "node:net";

/**
 * Addresses that are not on the public internet (IANA special-purpose registries). An IPv4 address is
 * also checked against the IPv6 ranges, as IPv4-mapped, so no IPv6 range may cover ::ffff:0:0/96.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["64:ff9b::", 96], // NAT64, which reaches IPv4 addresses
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const)
  NOT_PUBLIC.addSubnet(network, prefix, "ipv6");

/** IPv4-mapped IPv6 addresses, dotted or in hex: checked as the IPv4 address they map. */
const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const MAPPED_IPV4_HEX = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/** Whether `address` (an IP address, IPv6 with or without brackets) is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 0) return false;
  const mapped = bare.match(MAPPED_IPV4)?.[1];
  if (mapped !== undefined) return isPublicAddress(mapped);
  const hex = bare.match(MAPPED_IPV4_HEX);
  if (hex) {
    const [high, low] = [hex[1], hex[2]].map((part) => Number.parseInt(part ?? "0", 16));
    return isPublicAddress(
      [(high ?? 0) >> 8, (high ?? 0) & 255, (low ?? 0) >> 8, (low ?? 0) & 255].join("."),
    );
  }
  return !NOT_PUBLIC.check(bare, family === 4 ? "ipv4" : "ipv6");
}
