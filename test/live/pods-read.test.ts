import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { streamDumpObjects } from "../../src/io/objects";
import { readDumpFiles } from "../../src/live";
import { dumpItemDecoder } from "../../src/live/fast-decode";
import { benchPod, writePodsList } from "../../bench/pods-dump";

// Pods as `kubectl get pods -A -o json` writes them (the benchmark's pods file, `bench/pods-dump.ts`):
// each is read by the pod decoder of `fast-decode.ts` (checked as JSON, only what the reader keeps parsed),
// and the dump is the one the JSON parser's reading gives.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pods-read-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("pods in kubectl's layout", () => {
  const file = writePodsList(path.join(dir, "pods.json"), 300);

  test("every pod is read by the decoder, and only what the reader keeps is kept", () => {
    const docs = [...streamDumpObjects(file, { decode: dumpItemDecoder })];
    expect(docs).toHaveLength(300);
    for (const [i, doc] of docs.entries()) {
      const pod = benchPod(i) as { metadata: { name: string; namespace: string }; spec: { nodeName: string }; status: { podIP: string; podIPs: unknown; phase: string } };
      expect(doc.decoded).toEqual({
        kind: "Pod",
        apiVersion: "v1",
        name: pod.metadata.name,
        namespace: pod.metadata.namespace,
        object: { spec: { nodeName: pod.spec.nodeName }, status: { phase: pod.status.phase, podIP: pod.status.podIP, podIPs: pod.status.podIPs } },
      });
    }
  });

  test("the dump is the one the JSON parser's reading gives", () => {
    const fast = readDumpFiles([file]);
    expect(fast).toEqual(readDumpFiles([file], { fastDecode: false }));
    expect(fast.pods).toHaveLength(300);
    expect(fast.pods?.[5]).toMatchObject({ namespace: "team-5", node: "rack0-node-0000", ips: ["10.64.0.5"], hostNetwork: false, finished: false });
    expect(fast.counts).toEqual({ Pod: 300 });
  });

  test("a pod read twice counts twice and is kept once; a finished or host-network pod reads as the parser reads it", () => {
    const pods = [benchPod(1), benchPod(1), { ...benchPod(2), status: { ...(benchPod(2).status as object), phase: "Succeeded" } }, { ...benchPod(3), spec: { ...(benchPod(3).spec as object), hostNetwork: true } }];
    const f = path.join(dir, "twice.json");
    fs.writeFileSync(f, `${JSON.stringify({ apiVersion: "v1", items: pods, kind: "List", metadata: { resourceVersion: "" } }, null, 4)}\n`);
    const fast = readDumpFiles([f]);
    expect(fast).toEqual(readDumpFiles([f], { fastDecode: false }));
    expect(fast.counts).toEqual({ Pod: 4 });
    expect(fast.pods?.map((p) => [p.finished, p.hostNetwork])).toEqual([
      [false, false],
      [true, false],
      [false, true],
    ]);
  });
});
