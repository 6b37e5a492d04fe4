import { renderIpReservation } from "../../src/render/manifests";
import { checkIpPool } from "../../src/validation/ip-pool";
import { validateIpReservation } from "../../src/validation/ip-reservation";
import { schemaErrors } from "../helpers/crd";

const pool = (name: string, cidr: string) => checkIpPool({ apiVersion: "projectcalico.org/v3", kind: "IPPool", metadata: { name }, spec: { cidr } }).pool!;
const pools = [pool("pods", "10.244.0.0/16"), pool("small", "10.250.0.0/26")];

describe("IPReservation", () => {
  test("addresses become /32 and /128, CIDRs canonical, and the object validates against the CRD", () => {
    const m = renderIpReservation("dns", ["10.244.0.10", "10.244.1.0/28", "FD00::0001"]);
    expect(m).toEqual({
      apiVersion: "projectcalico.org/v3",
      kind: "IPReservation",
      metadata: { name: "dns" },
      spec: { reservedCIDRs: ["10.244.0.10/32", "10.244.1.0/28", "fd00::1/128"] },
    });
    expect(schemaErrors(m)).toEqual([]);
    expect(schemaErrors(renderIpReservation("dns", ["10.244.0.10"], "crd.projectcalico.org/v1"))).toEqual([]);
    expect(validateIpReservation(m, [...pools, pool("v6", "fd00::/112")])).toEqual([]);
    expect(validateIpReservation(m, pools).map((f) => `${f.code} ${f.path}`)).toEqual(["RESERVATION_OUTSIDE_POOLS spec.reservedCIDRs[2]"]);
  });

  test.each([
    ["10.244.0.1/24", "RESERVATION_CIDR_INVALID", /has host bits set; did you mean "10\.244\.0\.0\/24"/],
    ["nonsense", "RESERVATION_CIDR_INVALID", /is not an address or a strictly masked CIDR/],
  ])("%s is refused", (entry, code, message) => {
    const f = validateIpReservation(renderIpReservation("r", [entry]));
    expect(f.map((x) => x.code)).toEqual([code]);
    expect(f[0].message).toMatch(message);
    expect(f[0].path).toBe("spec.reservedCIDRs[0]");
  });

  test("a range listed twice is refused", () => {
    expect(validateIpReservation(renderIpReservation("r", ["10.244.0.1", "10.244.0.1/32"])).map((f) => f.code)).toEqual(["RESERVATION_CIDR_DUPLICATE"]);
  });

  test("more than about 10% of a pool warns with Calico's advice", () => {
    const f = validateIpReservation(renderIpReservation("r", ["10.244.0.0/19"]), pools);
    expect(f).toEqual([expect.objectContaining({ severity: "warning", code: "RESERVATION_LARGE" })]);
    expect(f[0].message).toMatch(/reserves 12\.5% of pool "pods"/);
  });

  test("10% or less is fine", () => {
    expect(validateIpReservation(renderIpReservation("r", ["10.244.0.0/20"]), pools)).toEqual([]);
  });

  test("a reservation covering a whole pool warns", () => {
    const f = validateIpReservation(renderIpReservation("r", ["10.250.0.0/24"]), pools);
    expect(f.map((x) => x.code)).toEqual(["RESERVATION_COVERS_POOL"]);
    expect(f[0].message).toMatch(/reserves the whole of pool "small"/);
  });

  test("a reservation outside every pool has no effect and says so", () => {
    expect(validateIpReservation(renderIpReservation("r", ["172.16.0.0/24"]), pools).map((f) => f.code)).toEqual(["RESERVATION_OUTSIDE_POOLS"]);
  });

  test("a bad name and a missing list", () => {
    expect(validateIpReservation({ apiVersion: "projectcalico.org/v3", kind: "IPReservation", metadata: { name: "R_1" }, spec: {} }).map((f) => f.code)).toEqual([
      "NAME_INVALID",
      "RESERVATION_CIDRS_MISSING",
    ]);
  });
});
