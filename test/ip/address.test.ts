import { FAMILY_BITS, IpParseError, formatAddress, parseAddress } from "../../src/ip";

const v4 = (a: number, b: number, c: number, d: number) => BigInt(((a * 256 + b) * 256 + c) * 256 + d);

describe("parseAddress", () => {
  test.each([
    ["0.0.0.0", 0n],
    ["10.0.0.1", v4(10, 0, 0, 1)],
    ["192.168.255.254", v4(192, 168, 255, 254)],
    ["255.255.255.255", (1n << 32n) - 1n],
  ])("reads the IPv4 address %s", (text, value) => {
    expect(parseAddress(text)).toEqual({ family: 4, value });
  });

  test.each([
    ["::", 0n],
    ["::1", 1n],
    ["1::", 1n << 112n],
    ["2001:db8::1", 0x20010db8000000000000000000000001n],
    ["2001:DB8::1", 0x20010db8000000000000000000000001n],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", 0x20010db8000000000000000000000001n],
    ["fd00:0:0:0:0:0:0:1", 0xfd000000000000000000000000000001n],
    ["1:2:3:4:5:6:7::", 0x00010002000300040005000600070000n],
    ["::2:3:4:5:6:7:8", 0x00000002000300040005000600070008n],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", (1n << 128n) - 1n],
    ["::ffff:1.2.3.4", 0xffff01020304n],
    ["::FFFF:0102:0304", 0xffff01020304n],
    ["64:ff9b::192.0.2.33", 0x0064ff9b0000000000000000c0000221n],
    ["1:2:3:4:5:6:1.2.3.4", 0x00010002000300040005000601020304n],
  ])("reads the IPv6 address %s", (text, value) => {
    expect(parseAddress(text)).toEqual({ family: 6, value });
  });

  test.each([
    ["", /is not a valid IP address: it is empty/],
    ["abc", /expected an IPv4 address such as "10.0.0.1"/],
    ["10.0.0", /four decimal numbers separated by dots/],
    ["10.0.0.0.1", /four decimal numbers separated by dots/],
    ["10..0.1", /four decimal numbers separated by dots/],
    ["10.0.0.256", /octet 256 is out of range 0-255/],
    ["10.0.0.-1", /"-1" is not a decimal number from 0 to 255/],
    ["010.0.0.1", /octet "010" has a leading zero, which some tools read as octal; write "10"/],
    ["1::2::3", /"::" may appear only once/],
    [":1::2", /a group is empty/],
    ["1:::2", /a group is empty/],
    ["1:2:3:4:5:6:7", /has 8 groups, this one has 7/],
    ["1:2:3:4:5:6:7:8:9", /has 8 groups, this one has 9/],
    ["1:2:3:4:5:6:7:8::", /"::" must stand for at least one zero group/],
    ["12345::", /group "12345" is not 1 to 4 hexadecimal digits/],
    ["fg::1", /group "fg" is not 1 to 4 hexadecimal digits/],
    ["::1.2.3.4:5", /an embedded IPv4 address may only be the last part/],
    ["::1.2.3.999", /embedded IPv4 address "1.2.3.999": octet 999 is out of range/],
    [" 10.0.0.1", /has leading or trailing spaces; write "10.0.0.1"/],
    ["10.0.0.1/32", /is not a valid IP address/],
  ])("rejects %j as IP_SYNTAX with a message that says what is wrong", (text, message) => {
    expect(() => parseAddress(text)).toThrow(message);
    expect(() => parseAddress(text)).toThrow(expect.objectContaining({ code: "IP_SYNTAX", input: text }));
  });

  test("a zoned IPv6 address is refused with IPV6_ZONED", () => {
    expect(() => parseAddress("fe80::1%eth0")).toThrow(
      '"fe80::1%eth0" is a zoned IPv6 address; zones are not allowed in IP pools',
    );
    expect(() => parseAddress("fe80::1%eth0")).toThrow(expect.objectContaining({ code: "IPV6_ZONED" }));
  });

  test("a value that is not a string is IP_SYNTAX rather than a TypeError", () => {
    expect(() => parseAddress(undefined as unknown as string)).toThrow(expect.objectContaining({ code: "IP_SYNTAX" }));
  });

  test("errors are IpParseError instances named IpParseError", () => {
    let caught: unknown;
    try {
      parseAddress("nope");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(IpParseError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as Error).name).toBe("IpParseError");
  });
});

describe("formatAddress", () => {
  test.each([
    [4, 0n, "0.0.0.0"],
    [4, v4(10, 244, 1, 5), "10.244.1.5"],
    [4, (1n << 32n) - 1n, "255.255.255.255"],
  ] as const)("prints IPv%d value %s as %s", (family, value, text) => {
    expect(formatAddress(family, value)).toBe(text);
  });

  test.each([
    ["0:0:0:0:0:0:0:0", "::"],
    ["0:0:0:0:0:0:0:1", "::1"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    // a single zero group is never compressed
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    // the longest run wins
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"],
    // the leftmost of equal runs wins
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["fd00:00ab:0c00:0000:0000:0000:0000:0000", "fd00:ab:c00::"],
    // IPv4-mapped addresses keep the dotted tail (RFC 5952 section 5); other embeddings do not
    ["0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1"],
    ["::ffff:0:0", "::ffff:0.0.0.0"],
    ["::1.2.3.4", "::102:304"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
  ])("prints %s canonically as %s (RFC 5952)", (text, canonical) => {
    const { family, value } = parseAddress(text);
    expect(formatAddress(family, value)).toBe(canonical);
  });

  test.each([
    [4, -1n],
    [4, 1n << 32n],
    [6, 1n << 128n],
  ] as const)("refuses IPv%d value %s, which is outside the address space", (family, value) => {
    expect(() => formatAddress(family, value)).toThrow(RangeError);
  });

  test("refuses an unknown family", () => {
    expect(() => formatAddress(5 as never, 1n)).toThrow(/IP family must be 4 or 6/);
  });

  test("FAMILY_BITS gives the address width", () => {
    expect(FAMILY_BITS).toEqual({ 4: 32, 6: 128 });
  });
});
