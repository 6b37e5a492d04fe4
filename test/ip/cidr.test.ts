import { Cidr, IpParseError, compareCidrs, findOverlaps, prefixForSize } from "../../src/ip";

const c = (text: string) => Cidr.parse(text);

describe("Cidr.parse", () => {
  test.each([
    ["10.0.0.0/8", 4, 8, "10.0.0.0/8"],
    ["0.0.0.0/0", 4, 0, "0.0.0.0/0"],
    ["10.244.1.5/32", 4, 32, "10.244.1.5/32"],
    ["192.168.0.0/16", 4, 16, "192.168.0.0/16"],
    ["::/0", 6, 0, "::/0"],
    ["fd00::/8", 6, 8, "fd00::/8"],
    ["FD00:0000::/48", 6, 48, "fd00::/48"],
    ["2001:DB8:0:0:0:0:0:0/32", 6, 32, "2001:db8::/32"],
    ["2001:db8:0:1::/64", 6, 64, "2001:db8:0:1::/64"],
    ["fd00:10:244::/122", 6, 122, "fd00:10:244::/122"],
    ["::1/128", 6, 128, "::1/128"],
    ["64:ff9b::/96", 6, 96, "64:ff9b::/96"],
    // contains the IPv4-mapped space but is not inside it
    ["::fffe:0:0/95", 6, 95, "::fffe:0:0/95"],
  ] as const)("%s is an IPv%d /%d printed as %s", (text, family, prefix, canonical) => {
    const cidr = c(text);
    expect(cidr.family).toBe(family);
    expect(cidr.prefix).toBe(prefix);
    expect(cidr.toString()).toBe(canonical);
  });

  test.each([
    ["10.0.0.1/24", /"10.0.0.1\/24" has host bits set; did you mean "10.0.0.0\/24"\?/, "10.0.0.0/24"],
    ["10.244.1.5/16", /did you mean "10.244.0.0\/16"/, "10.244.0.0/16"],
    ["aa:bb::cc/120", /did you mean "aa:bb::\/120"/, "aa:bb::/120"],
    ["fd00::1/64", /did you mean "fd00::\/64"/, "fd00::/64"],
  ])("%s has host bits: CIDR_HOST_BITS suggesting the masked CIDR", (text, message, suggestion) => {
    expect(() => c(text)).toThrow(message);
    expect(() => c(text)).toThrow(expect.objectContaining({ code: "CIDR_HOST_BITS", input: text, suggestion }));
  });

  test.each([
    ["10.0.0.1", /"10.0.0.1" is an address, not a CIDR; add a prefix length, e.g. "10.0.0.1\/32"/],
    ["fd00::1", /add a prefix length, e.g. "fd00::1\/128"/],
    ["", /expected an address, "\/" and a prefix length/],
    ["10.0.0.0/", /the prefix length "" must be a whole number from 0 to 32/],
    ["10.0.0.0/x", /the prefix length "x" must be a whole number/],
    ["10.0.0.0/-1", /the prefix length "-1" must be a whole number/],
    ["10.0.0.0/24/8", /the prefix length "24\/8" must be a whole number/],
    ["10.0.0.0/+8", /the prefix length "\+8" must be a whole number/],
    ["10.0.0.0/08", /the prefix length "08" has a leading zero; write "10.0.0.0\/8"/],
    ["10.0.0.256/24", /is not a valid CIDR: octet 256 is out of range 0-255/],
    ["010.0.0.0/8", /octet "010" has a leading zero/],
    ["1::2::/64", /"::" may appear only once/],
    ["/24", /is not a valid CIDR: it is empty/],
  ])("%j is CIDR_SYNTAX", (text, message) => {
    expect(() => c(text)).toThrow(message);
    expect(() => c(text)).toThrow(expect.objectContaining({ code: "CIDR_SYNTAX", input: text }));
  });

  test.each([
    [" 10.0.0.0/24", "10.0.0.0/24"],
    ["10.0.0.0/24\n", "10.0.0.0/24"],
    ["\tfd00::/48 ", "fd00::/48"],
  ])("%j has surrounding spaces: CIDR_SYNTAX suggesting the trimmed CIDR", (text, suggestion) => {
    expect(() => c(text)).toThrow(/has leading or trailing spaces; did you mean/);
    expect(() => c(text)).toThrow(expect.objectContaining({ code: "CIDR_SYNTAX", suggestion }));
  });

  test("spaces around an otherwise bad CIDR give no suggestion", () => {
    const r = Cidr.tryParse(" 10.0.0.1/24 ");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).toBe('" 10.0.0.1/24 " has leading or trailing spaces');
      expect(r.error.suggestion).toBeUndefined();
    }
  });

  test.each([
    ["10.0.0.0/33", /"10.0.0.0\/33" has prefix length 33, but IPv4 prefix lengths go from 0 to 32/],
    ["fd00::/129", /has prefix length 129, but IPv6 prefix lengths go from 0 to 128/],
    ["10.0.0.0/99999999999999999999", /IPv4 prefix lengths go from 0 to 32/],
  ])("%s is CIDR_PREFIX_RANGE", (text, message) => {
    expect(() => c(text)).toThrow(message);
    expect(() => c(text)).toThrow(expect.objectContaining({ code: "CIDR_PREFIX_RANGE" }));
  });

  test.each(["fe80::1%eth0/64", "fe80::%1/64", "fe80::1%eth0"])("%s is a zoned address: IPV6_ZONED", (text) => {
    expect(() => c(text)).toThrow(`"${text}" is a zoned IPv6 address; zones are not allowed in IP pools`);
    expect(() => c(text)).toThrow(expect.objectContaining({ code: "IPV6_ZONED" }));
  });

  test.each([
    ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
    ["::FFFF:0a00:0/104", "10.0.0.0/8"],
    ["::ffff:0:0/96", "0.0.0.0/0"],
    ["::ffff:192.168.1.7/128", "192.168.1.7/32"],
    // the IPv4 range is the advice even when the mapped form also had host bits
    ["::ffff:10.1.2.3/104", "10.0.0.0/8"],
  ])("%s is IPv4-mapped: IPV6_V4_MAPPED suggesting %s", (text, suggestion) => {
    expect(() => c(text)).toThrow(
      `"${text}" is an IPv4-mapped IPv6 range; write the IPv4 range "${suggestion}" instead`,
    );
    expect(() => c(text)).toThrow(expect.objectContaining({ code: "IPV6_V4_MAPPED", suggestion }));
  });

  test("a non-string input is CIDR_SYNTAX rather than a TypeError", () => {
    expect(() => Cidr.parse(42 as unknown as string)).toThrow(expect.objectContaining({ code: "CIDR_SYNTAX" }));
  });
});

describe("Cidr.tryParse and Cidr.parseLoose", () => {
  test("tryParse returns the CIDR on success", () => {
    const r = Cidr.tryParse("10.0.0.0/24");
    expect(r.ok && r.cidr.toString()).toBe("10.0.0.0/24");
  });

  test("tryParse returns the error instead of throwing", () => {
    const r = Cidr.tryParse("10.0.0.1/24");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(IpParseError);
      expect(r.error.code).toBe("CIDR_HOST_BITS");
    }
  });

  test.each([
    ["10.244.1.5/16", "10.244.0.0/16"],
    ["fd00::1/64", "fd00::/64"],
    ["10.0.0.0/24", "10.0.0.0/24"],
  ])("parseLoose masks %s to %s, as Calico normalises", (text, canonical) => {
    expect(Cidr.parseLoose(text).toString()).toBe(canonical);
  });

  test.each([
    ["10.0.0.1", "CIDR_SYNTAX"],
    ["10.0.0.0/33", "CIDR_PREFIX_RANGE"],
    ["::ffff:10.0.0.1/104", "IPV6_V4_MAPPED"],
    ["fe80::1%eth0/64", "IPV6_ZONED"],
  ])("parseLoose is still strict about everything else: %s is %s", (text, code) => {
    expect(() => Cidr.parseLoose(text)).toThrow(expect.objectContaining({ code }));
  });
});

describe("Cidr construction", () => {
  test("of builds an aligned CIDR", () => {
    expect(Cidr.of(4, 0x0a000000n, 8).toString()).toBe("10.0.0.0/8");
  });

  test("of refuses host bits and says what was meant", () => {
    expect(() => Cidr.of(4, 0x0a000001n, 24)).toThrow(/10.0.0.1\/24 has host bits set; did you mean 10.0.0.0\/24\?/);
  });

  test.each([
    [4, 0n, 33],
    [4, 0n, -1],
    [4, 0n, 1.5],
    [6, 0n, 129],
    [4, 1n << 32n, 32],
    [4, -1n, 32],
  ] as const)("of(%d, %s, %d) is a RangeError", (family, network, prefix) => {
    expect(() => Cidr.of(family, network, prefix)).toThrow(RangeError);
  });

  test("of builds the IPv4-mapped space, which parse refuses", () => {
    expect(Cidr.of(6, 0xffffn << 32n, 96).toString()).toBe("::ffff:0.0.0.0/96");
  });

  test.each([
    [4, 0x0a0a0a0an, 16, "10.10.0.0/16"],
    [4, 0x0a0a0a0an, 32, "10.10.10.10/32"],
    [4, 0x0a0a0a0an, 0, "0.0.0.0/0"],
    [6, 0xfd000000000000000000000000abcdefn, 120, "fd00::ab:cd00/120"],
  ] as const)("containing(%d, %s, %d) is %s", (family, address, prefix, text) => {
    expect(Cidr.containing(family, address, prefix).toString()).toBe(text);
  });

  test("CIDRs are frozen values", () => {
    const cidr = c("10.0.0.0/8");
    expect(Object.isFrozen(cidr)).toBe(true);
    expect(() => {
      (cidr as { prefix: number }).prefix = 9;
    }).toThrow(TypeError);
  });

  test("a CIDR serialises to its canonical string", () => {
    expect(JSON.stringify({ cidr: c("FD00::/8") })).toBe('{"cidr":"fd00::/8"}');
  });
});

describe("Cidr measures", () => {
  test.each([
    ["10.0.0.0/24", 32, 256n, 0x0a000000n, 0x0a0000ffn],
    ["10.0.0.7/32", 32, 1n, 0x0a000007n, 0x0a000007n],
    ["0.0.0.0/0", 32, 1n << 32n, 0n, (1n << 32n) - 1n],
    ["fd00::/64", 128, 1n << 64n, 0xfdn << 120n, (0xfdn << 120n) + (1n << 64n) - 1n],
    ["::/0", 128, 1n << 128n, 0n, (1n << 128n) - 1n],
  ] as const)("%s has %d bits, size %s, first %s, last %s", (text, bits, size, first, last) => {
    const cidr = c(text);
    expect(cidr.bits).toBe(bits);
    expect(cidr.size).toBe(size);
    expect(cidr.first).toBe(first);
    expect(cidr.network).toBe(first);
    expect(cidr.last).toBe(last);
  });
});

describe("containment and overlap", () => {
  test.each([
    ["10.0.0.0/8", "10.1.0.0/16", true],
    ["10.0.0.0/8", "10.0.0.0/8", true],
    ["10.1.0.0/16", "10.0.0.0/8", false],
    ["10.0.0.0/8", "11.0.0.0/8", false],
    ["0.0.0.0/0", "255.255.255.255/32", true],
    ["fd00::/8", "fd00:1::/64", true],
    ["::/0", "10.0.0.0/8", false],
    ["0.0.0.0/0", "::/128", false],
  ])("%s contains %s: %s", (a, b, expected) => {
    expect(c(a).contains(c(b))).toBe(expected);
  });

  test.each([
    ["10.0.0.0/8", "10.1.0.0/16", true],
    ["10.1.0.0/16", "10.0.0.0/8", true],
    ["10.0.0.0/24", "10.0.0.0/24", true],
    ["10.0.0.0/25", "10.0.0.128/25", false],
    ["10.0.0.0/24", "10.0.1.0/24", false],
    ["::/0", "0.0.0.0/0", false],
    ["::/96", "0.0.0.0/0", false],
    ["fe80::/10", "fe80::1/128", true],
  ])("%s overlaps %s: %s", (a, b, expected) => {
    expect(c(a).overlaps(c(b))).toBe(expected);
  });

  test.each([
    ["10.0.0.0/24", 0x0a000000n, true],
    ["10.0.0.0/24", 0x0a0000ffn, true],
    ["10.0.0.0/24", 0x0a000100n, false],
    ["10.0.0.0/24", 0x09ffffffn, false],
  ])("%s contains address %s: %s", (a, value, expected) => {
    expect(c(a).containsAddress(value)).toBe(expected);
  });

  test("equals compares family, network and prefix", () => {
    expect(c("10.0.0.0/8").equals(Cidr.parseLoose("10.1.2.3/8"))).toBe(true);
    expect(c("10.0.0.0/8").equals(c("10.0.0.0/9"))).toBe(false);
    expect(c("0.0.0.0/0").equals(c("::/0"))).toBe(false);
  });

  test("compare orders IPv4 before IPv6, then by network, then the larger CIDR first", () => {
    const sorted = ["fd00::/8", "10.0.0.0/16", "10.0.0.0/8", "9.0.0.0/8", "::/0"].map(c).sort(compareCidrs);
    expect(sorted.map(String)).toEqual(["9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/16", "::/0", "fd00::/8"]);
    expect(c("10.0.0.0/8").compare(c("10.0.0.0/8"))).toBe(0);
  });
});

describe("splitting", () => {
  test.each([
    ["10.0.0.0/24", 26, 4n],
    ["10.0.0.0/24", 24, 1n],
    ["10.0.0.0/8", 26, 1n << 18n],
    ["fd00::/48", 122, 1n << 74n],
    ["::/0", 128, 1n << 128n],
  ])("%s split into /%d holds %s CIDRs", (parent, prefix, count) => {
    expect(c(parent).countChildren(prefix)).toBe(count);
  });

  test("a /24 pool splits into four /26 blocks in ascending order", () => {
    expect(c("10.0.0.0/24").split(26).map(String)).toEqual([
      "10.0.0.0/26",
      "10.0.0.64/26",
      "10.0.0.128/26",
      "10.0.0.192/26",
    ]);
  });

  test("split into its own prefix gives the CIDR itself", () => {
    expect(c("fd00::/64").split(64).map(String)).toEqual(["fd00::/64"]);
  });

  test("split refuses to enumerate a big space", () => {
    expect(() => c("fd00::/48").split(122)).toThrow(
      /splitting fd00::\/48 into \/122 gives 18889465931478580854784 CIDRs, more than the limit of 65536; use countChildren\(\) and child\(\)/,
    );
    expect(() => c("10.0.0.0/16").split(26, 100)).toThrow(/gives 1024 CIDRs, more than the limit of 100/);
    expect(c("10.0.0.0/16").split(26, 1024)).toHaveLength(1024);
  });

  test.each([
    ["10.0.0.0/24", 23],
    ["10.0.0.0/24", 33],
    ["fd00::/64", 129],
  ])("%s cannot be split into /%d", (parent, prefix) => {
    expect(() => c(parent).split(prefix)).toThrow(RangeError);
    expect(() => c(parent).countChildren(prefix)).toThrow(RangeError);
  });

  test.each([
    ["10.0.0.0/24", 26, 3n, "10.0.0.192/26"],
    ["10.0.0.0/8", 26, 0n, "10.0.0.0/26"],
    ["10.0.0.0/8", 26, (1n << 18n) - 1n, "10.255.255.192/26"],
    ["fd00::/48", 122, 5n, "fd00::140/122"],
    ["fd00::/48", 64, 65535n, "fd00:0:0:ffff::/64"],
  ])("child of %s at /%d index %s is %s", (parent, prefix, index, text) => {
    expect(c(parent).child(prefix, index).toString()).toBe(text);
  });

  test.each([-1n, 4n])("child index %s of a /24 into /26 is out of range", (index) => {
    expect(() => c("10.0.0.0/24").child(26, index)).toThrow(/child index -?\d+ is out of range for 10.0.0.0\/24 split into \/26 \(0 to 3\)/);
  });

  test.each([
    ["10.1.2.0/24", 16, "10.1.0.0/16"],
    ["10.1.2.0/24", 24, "10.1.2.0/24"],
    ["10.1.2.0/24", 0, "0.0.0.0/0"],
    ["fd00:1:2:3::/64", 48, "fd00:1:2::/48"],
  ])("supernet of %s at /%d is %s", (cidr, prefix, text) => {
    expect(c(cidr).supernet(prefix).toString()).toBe(text);
  });

  test("supernet must be shorter", () => {
    expect(() => c("10.0.0.0/24").supernet(25)).toThrow(/supernet prefix 25 of 10.0.0.0\/24 must be from 0 to 24/);
  });
});

describe("prefixForSize", () => {
  test.each([
    [4, 300n, 23],
    [4, 256n, 24],
    [4, 257n, 23],
    [4, 1n, 32],
    [4, 2n, 31],
    [4, 1n << 32n, 0],
    [6, 1n, 128],
    [6, 64n, 122],
    [6, 65n, 121],
    [6, 1n << 128n, 0],
  ] as const)("IPv%d: %s addresses need a /%d", (family, count, prefix) => {
    expect(prefixForSize(family, count)).toBe(prefix);
  });

  test.each([
    [4, 0n],
    [4, (1n << 32n) + 1n],
    [6, (1n << 128n) + 1n],
  ] as const)("IPv%d: %s addresses fit no CIDR", (family, count) => {
    expect(() => prefixForSize(family, count)).toThrow(RangeError);
  });
});

describe("findOverlaps", () => {
  test("reports each overlapping pair once, lower index first, sorted", () => {
    const cidrs = ["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/16", "10.1.2.0/24", "::/0", "10.0.0.0/8"].map(c);
    expect(findOverlaps(cidrs)).toEqual([
      [0, 1],
      [0, 3],
      [0, 5],
      [1, 3],
      [1, 5],
      [3, 5],
    ]);
  });

  test("IPv4 and IPv6 pools never overlap each other", () => {
    expect(findOverlaps([c("0.0.0.0/0"), c("::/0"), c("::/96")])).toEqual([[1, 2]]);
  });

  test("disjoint and adjacent pools do not overlap", () => {
    expect(findOverlaps(["10.0.0.0/25", "10.0.0.128/25", "10.0.1.0/24"].map(c))).toEqual([]);
    expect(findOverlaps([])).toEqual([]);
  });
});
