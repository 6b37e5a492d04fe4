import * as path from "path";
import fc from "fast-check";
import { inspectDump, readDumpFiles } from "../../src/live";
import { AttributeColumns, attributeViewOf } from "../../src/live/private/columns";
import { handleHashesOf, handleIdHash, handleIdHashOfBytes, setAttributeHashes, setHandleHashes } from "../../src/live/private/handle-ids";
import { V1, blockWithOwners, podAlloc, pool, read } from "./helpers";

// The check joins allocations to IPAM handles by a hash of the handle ID (src/live/private/handle-ids.ts):
// the readers leave the hashes beside the objects. A hash only says where to look; these tests make every
// hash collide and expect the same answer.

const root = path.resolve(__dirname, "..", "..");

/** Records the same hash for every handle and attribute of a dump (every ID collides with every other). */
function collide<T extends ReturnType<typeof read>>(dump: T): T {
  setHandleHashes(dump.handles, new Int32Array(dump.handles.length).fill(7));
  for (const b of dump.blocks) {
    const view = attributeViewOf(b);
    // (Blocks the kubectl-layout matcher read keep the hashes in their columns.)
    if (view instanceof AttributeColumns) view.hashes.fill(7);
    else setAttributeHashes(b.attributes, new Int32Array(b.attributes.length).fill(7));
  }
  return dump;
}

describe("handle IDs numbered by a hash", () => {
  test("property: the hash of an ID's ASCII bytes is the hash of the ID", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", maxLength: 90 }), (id) => {
        const bytes = Buffer.from(`xx${id}yy`, "latin1");
        expect(handleIdHashOfBytes(bytes, 2, 2 + id.length)).toBe(handleIdHash(id));
      }),
      { numRuns: 200 },
    );
  });

  test("the shipped example dump: the same check when every hash collides", () => {
    const files = [path.join(root, "examples/live/calico.yaml"), path.join(root, "examples/live/cluster.yaml")];
    const expected = inspectDump(readDumpFiles(files));
    expect(expected.counts.missingHandles).toBeGreaterThan(0);
    expect(expected.counts.leakedHandles).toBeGreaterThan(0);
    expect(inspectDump(collide(readDumpFiles(files)))).toEqual(expected);
  });

  test("an ID held by two objects, a handle in two blocks, a missing handle and a wrong count: the same check when every hash collides", () => {
    const objects = [
      pool("p", "10.0.0.0/16", { blockSize: 29 }),
      ...blockWithOwners("10.0.0.0/29", "n1", [podAlloc(0, "ns", "a", "n1"), podAlloc(1, "ns", "b", "n1", "shared"), podAlloc(2, "ns", "c", "n1", "k8s-pod-network.gone")]),
      ...blockWithOwners("10.0.0.8/29", "n2", [podAlloc(0, "ns", "b2", "n2", "shared"), podAlloc(1, "ns", "d", "n2")]),
      { apiVersion: V1, kind: "IPAMHandle", metadata: { name: "shared-copy" }, spec: { block: { "10.0.0.0/29": 1 }, handleID: "shared" } },
      { apiVersion: V1, kind: "IPAMHandle", metadata: { name: "k8s-pod-network.ns-d" }, spec: { block: { "10.0.0.8/29": 2 }, handleID: "k8s-pod-network.ns-d" } },
    ].filter((o) => (o.metadata as { name: string }).name !== "k8s-pod-network.gone");
    const expected = inspectDump(read(objects));
    const codes = expected.findings.map((f) => f.code);
    for (const code of ["HANDLE_MISSING", "HANDLE_COUNT_MISMATCH"]) expect(codes).toContain(code);
    expect(inspectDump(collide(read(objects)))).toEqual(expected);
    // Hashes are computed for a dump whose reader left none.
    const dump = read(objects);
    expect([...handleHashesOf(dump.handles)]).toEqual(dump.handles.map((h) => handleIdHash(h.handleId)));
  });
});
