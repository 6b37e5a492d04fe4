import { compareNaturally, expandNamePattern, expandNodes, namespaceLabels, nodeLabels } from "../../src/simulator";

describe("node groups", () => {
  test.each([
    ["rack-a-{i}", 7, "rack-a-7"],
    ["rack-a-{i:3}", 7, "rack-a-007"],
    ["rack-{i:2}-n{i}", 12, "rack-12-n12"],
    ["edge", 3, "edge"],
  ])("%p with index %p is %p", (pattern, index, name) => {
    expect(expandNamePattern(pattern, index)).toBe(name);
  });

  test("expand from startIndex (default 1), in natural order, with the group's labels and the kubelet's", () => {
    const { nodes, findings } = expandNodes([
      { namePattern: "n-{i}", count: 3, startIndex: 9, labels: { rack: "a" } },
      { name: "m", os: "windows", maxPods: 10 },
    ]);
    expect(findings).toEqual([]);
    expect(nodes.map((n) => n.name)).toEqual(["m", "n-9", "n-10", "n-11"]);
    expect(nodes[1]).toEqual({
      name: "n-9",
      labels: { rack: "a", "kubernetes.io/hostname": "n-9", "kubernetes.io/os": "linux" },
      os: "linux",
      maxPods: 110,
      group: "n-{i}",
      entry: 0,
    });
    expect(nodes[0]).toMatchObject({ os: "windows", maxPods: 10, group: "m", entry: 1 });
  });

  test("declared labels win over the kubelet's", () => {
    expect(nodeLabels("n1", "linux", { "kubernetes.io/hostname": "n1.example.com" })["kubernetes.io/hostname"]).toBe("n1.example.com");
  });

  test.each([
    [{ namePattern: "n", count: 2 }, /has no \{i\} placeholder/],
    [{ namePattern: "n{i}", count: -1 }, /count must be a whole number/],
    [{ namePattern: "n{i}", count: 2, startIndex: 1.5 }, /startIndex must be a whole number/],
    [{ name: "n", maxPods: -3 }, /maxPods must be a whole number/],
    [{ name: "n", os: "plan9" }, /os must be "linux" or "windows"/],
    [{ name: "" }, /needs a non-empty name/],
  ])("an invalid entry %p is an error and is skipped", (entry, message) => {
    const { nodes, findings } = expandNodes([entry as never]);
    expect(nodes).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "error", code: "TOPOLOGY_INVALID" });
    expect(findings[0].message).toMatch(message);
  });
});

describe("natural order", () => {
  test("digit runs compare by value, the rest by code unit, and the order is total", () => {
    const names = ["n10", "n9", "n1", "m2", "n01", "n", "n1a", "n1b"];
    expect([...names].sort(compareNaturally)).toEqual(["m2", "n", "n01", "n1", "n1a", "n1b", "n9", "n10"]);
  });
});

describe("namespace labels", () => {
  test("include kubernetes.io/metadata.name, which cannot be overridden", () => {
    expect(namespaceLabels({ name: "shop", labels: { team: "red", "kubernetes.io/metadata.name": "other" } })).toEqual({ team: "red", "kubernetes.io/metadata.name": "shop" });
  });
});
