import { Cidr, LINK_LOCAL_V4, LINK_LOCAL_V6, NEVER_FOR_PODS, parseAddress, specialRangesOverlapping } from "../../src/ip";

const c = (text: string) => Cidr.parse(text);

describe("ranges that are never right for pods", () => {
  test("link-local ranges, which Calico itself rejects", () => {
    expect(LINK_LOCAL_V4.toString()).toBe("169.254.0.0/16");
    expect(LINK_LOCAL_V4.containsAddress(parseAddress("169.254.169.254").value)).toBe(true);
    expect(LINK_LOCAL_V6.toString()).toBe("fe80::/10");
  });

  test("the table lists every special range once, each with a name and a reason", () => {
    expect(NEVER_FOR_PODS.map((s) => s.cidr.toString())).toEqual([
      "0.0.0.0/8",
      "127.0.0.0/8",
      "169.254.0.0/16",
      "224.0.0.0/4",
      "240.0.0.0/4",
      "::/128",
      "::1/128",
      "::ffff:0.0.0.0/96",
      "fe80::/10",
      "ff00::/8",
    ]);
    for (const s of NEVER_FOR_PODS) {
      expect(s.name).not.toBe("");
      expect(s.reason).toMatch(/^it /);
    }
    expect(Object.isFrozen(NEVER_FOR_PODS)).toBe(true);
  });

  test.each([
    ["10.244.0.0/16", []],
    ["fd00:10:244::/48", []],
    ["169.254.0.0/24", ["IPv4 link-local"]],
    ["169.0.0.0/8", ["IPv4 link-local"]],
    ["255.255.255.255/32", ["IPv4 reserved"]],
    ["0.0.0.0/0", ["IPv4 \"this network\"", "IPv4 loopback", "IPv4 link-local", "IPv4 multicast", "IPv4 reserved"]],
    ["::/64", ["IPv6 unspecified", "IPv6 loopback", "IPv4-mapped IPv6"]],
    ["::/127", ["IPv6 unspecified", "IPv6 loopback"]],
    ["::fffe:0:0/95", ["IPv4-mapped IPv6"]],
    ["fe80::/64", ["IPv6 link-local"]],
    ["ff02::/16", ["IPv6 multicast"]],
  ])("%s overlaps %j", (cidr, names) => {
    expect(specialRangesOverlapping(c(cidr)).map((s) => s.name)).toEqual(names);
  });
});
