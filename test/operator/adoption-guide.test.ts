import { OPERATOR_ADOPTION_GUIDE } from "../../src/operator";

describe("the adoption guide", () => {
  test.each([
    ["the ownership label", /app\.kubernetes\.io\/managed-by: tigera-operator/],
    ["the exact-match rule", /equals the pool field for field/],
    ["the status users will see", /Cannot update an IP pool not owned by the operator/],
    ["that unlisted pools are left alone", /Unlabelled pools whose CIDR is not listed\*\* are left alone/],
    ["what an empty list means", /An empty list means "manage none"/],
    ["the encapsulation mapping", /both `Never` → `None`/],
    ["the differing defaults", /the operator's defaults differ from Calico's \(IPv4 IPIP and NAT on\)/],
    ["the migration link", /https:\/\/docs\.tigera\.io\/calico\/latest\/networking\/ipam\/migrate-pools/],
    ["the multiple-pools link", /https:\/\/docs\.tigera\.io\/calico\/latest\/networking\/ipam\/ippools/],
    ["the Installation reference link", /https:\/\/docs\.tigera\.io\/calico\/latest\/reference\/installation\/api#ippool/],
  ])("covers %s", (_what, pattern) => {
    expect(OPERATOR_ADOPTION_GUIDE).toMatch(pattern);
  });

  test("is short Markdown with a title and lines that fit a review pane", () => {
    expect(OPERATOR_ADOPTION_GUIDE.startsWith("# ")).toBe(true);
    const lines = OPERATOR_ADOPTION_GUIDE.split("\n");
    expect(lines.length).toBeLessThan(70);
    expect(lines.filter((l) => l.length > 110 && !l.includes("https://"))).toEqual([]);
  });
});
