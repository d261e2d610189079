import { isIP } from 'node:net';
/**
 * Which network an IP address belongs to, for the webhook SSRF guard: `null` for a public
 * (globally routable) address, otherwise the kind of network that webhooks must not reach
 * unless private networks are allowed. IPv6 forms that embed an IPv4 address (IPv4-mapped
 * `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are judged by that IPv4 address.
 * Anything that is not a valid IP address is refused (`'invalid'`).
 */
export function refusedNetworkOf(address) {
    const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const version = isIP(bare);
    if (version === 4)
        return ipv4Network(parseIpv4(bare));
    if (version === 6) {
        const groups = parseIpv6(bare);
        return groups === null ? 'invalid' : ipv6Network(groups);
    }
    return 'invalid';
}
const IPV4_RANGES = [
    ['0.0.0.0', 8, 'unspecified ("this network")'],
    ['10.0.0.0', 8, 'private'],
    ['100.64.0.0', 10, 'carrier-grade NAT (shared)'],
    ['127.0.0.0', 8, 'loopback'],
    ['169.254.0.0', 16, 'link-local'],
    ['172.16.0.0', 12, 'private'],
    ['192.0.0.0', 24, 'reserved (IETF protocol assignments)'],
    ['192.0.2.0', 24, 'reserved (documentation)'],
    ['192.88.99.0', 24, 'reserved (6to4 relay anycast)'],
    ['192.168.0.0', 16, 'private'],
    ['198.18.0.0', 15, 'reserved (benchmarking)'],
    ['198.51.100.0', 24, 'reserved (documentation)'],
    ['203.0.113.0', 24, 'reserved (documentation)'],
    ['224.0.0.0', 4, 'multicast'],
    ['240.0.0.0', 4, 'reserved (including broadcast)'],
];
function parseIpv4(text) {
    return text.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}
const PARSED_IPV4_RANGES = IPV4_RANGES.map(([base, bits, kind]) => ({
    base: parseIpv4(base),
    size: 2 ** (32 - bits),
    kind,
}));
function ipv4Network(value) {
    for (const r of PARSED_IPV4_RANGES)
        if (value >= r.base && value < r.base + r.size)
            return r.kind;
    return null;
}
/** Eight 16-bit groups, or `null` when malformed. Accepts `::` and a trailing dotted quad. */
function parseIpv6(text) {
    let head = text;
    const tail = [];
    const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(head);
    if (quad?.[1] !== undefined) {
        const v4 = parseIpv4(quad[1]);
        tail.push(Math.floor(v4 / 65_536), v4 % 65_536);
        head = head.slice(0, -quad[1].length);
        if (head.endsWith(':') && !head.endsWith('::'))
            head = head.slice(0, -1);
    }
    const hex = (part) => parseInt(part, 16);
    const halves = head.split('::');
    if (halves.length > 2)
        return null;
    const left = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':').map(hex);
    const right = halves.length === 2 && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':').map(hex) : [];
    const given = left.length + right.length + tail.length;
    if (halves.length === 1 && given !== 8)
        return null;
    if (given > 8)
        return null;
    const groups = [...left, ...Array(8 - given).fill(0), ...right, ...tail];
    return groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff) ? null : groups;
}
function ipv6Network(g) {
    const at = (i) => g[i] ?? 0;
    const zeroUpTo = (n) => g.slice(0, n).every((x) => x === 0);
    const v4From = (i) => at(i) * 65_536 + at(i + 1);
    if (zeroUpTo(8))
        return 'unspecified';
    if (zeroUpTo(7) && at(7) === 1)
        return 'loopback';
    if (zeroUpTo(5) && at(5) === 0xffff)
        return ipv4Network(v4From(6)); // IPv4-mapped
    if (zeroUpTo(6))
        return 'reserved (IPv4-compatible)';
    if (at(0) === 0x64 && at(1) === 0xff9b && g.slice(2, 6).every((x) => x === 0))
        return ipv4Network(v4From(6)); // NAT64
    if (at(0) === 0x2002)
        return ipv4Network(v4From(1)); // 6to4
    if (at(0) === 0x2001 && at(1) === 0)
        return 'reserved (Teredo)';
    if (at(0) === 0x2001 && at(1) === 0x0db8)
        return 'reserved (documentation)';
    if (at(0) === 0x0100 && g.slice(1, 4).every((x) => x === 0))
        return 'reserved (discard-only)';
    if ((at(0) & 0xfe00) === 0xfc00)
        return 'unique-local';
    if ((at(0) & 0xffc0) === 0xfe80)
        return 'link-local';
    if ((at(0) & 0xffc0) === 0xfec0)
        return 'site-local (deprecated)';
    if ((at(0) & 0xff00) === 0xff00)
        return 'multicast';
    return null;
}
//# sourceMappingURL=address-policy.js.map