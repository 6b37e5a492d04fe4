import fc from "fast-check";
import { Cidr } from "../../src/ip";
import { ipv6CidrTextOfWords } from "../../src/ip/address";

/**
 * The carver writes the text of an IPv6 CIDR from its network's four 32-bit words, without a bigint:
 * it must be exactly the text Cidr.toString prints (RFC 5952: zero runs compressed, the leftmost of
 * the longest, IPv4-mapped tails in dotted form), whether a word comes as a signed or an unsigned
 * 32-bit integer.
 */

/** A 32-bit word, mostly with zero halves, so that runs of zero groups of every length occur. */
const word = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 0xffff }),
  fc.integer({ min: 0, max: 0xffff }).map((g) => g * 0x10000),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constant(0xffff),
);

const network = (w: readonly number[]): bigint => w.reduce((v, x) => (v << 32n) | BigInt(x), 0n);

test("the text of a CIDR from its network's words is Cidr.toString's", () => {
  fc.assert(
    fc.property(fc.array(word, { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 128 }), fc.boolean(), (w, prefix, signed) => {
      const value = Cidr.containing(6, network(w), prefix);
      const masked = [96n, 64n, 32n, 0n].map((s) => Number((value.network >> s) & 0xffffffffn));
      const given = signed ? masked.map((x) => x | 0) : masked;
      expect(ipv6CidrTextOfWords(given[0], given[1], given[2], given[3], prefix)).toBe(value.toString());
    }),
    { numRuns: 2000 },
  );
});

test.each([
  [[0, 0, 0, 0], 0, "::/0"],
  [[0xfd000010, 0x12345600, 0, 0], 56, "fd00:10:1234:5600::/56"],
  [[0, 0, 0xffff, 0xc0000200], 120, "::ffff:192.0.2.0/120"],
  [[0x20010db8, 0, 1, 0], 96, "2001:db8::1:0:0/96"],
  [[0x20010db8, 0x10000, 0, 0x10000], 128, "2001:db8:1::1:0/128"],
  [[-1, -1, -1, -2], 127, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127"],
])("words %j /%d are %s", (w, prefix, text) => {
  expect(ipv6CidrTextOfWords(w[0], w[1], w[2], w[3], prefix)).toBe(text);
  expect(Cidr.of(6, network(w.map((x) => x >>> 0)), prefix).toString()).toBe(text);
});
