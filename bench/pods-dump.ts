/**
 * The pods of a cluster as `kubectl get pods --all-namespaces -o json` writes them, for the benchmark's
 * pods case (`bench/cases/inspect.ts`): Deployment pods of ~9 KB each — labels, the annotations Calico's
 * CNI plugin writes (container ID, pod IP), an owner reference, one container with its probe, resources,
 * environment and service-account volume, the tolerations and volumes Kubernetes adds, the status
 * kubelet reports (conditions, container status). The reader keeps a pod's name, namespace, node, host
 * network flag, addresses and phase; the rest is what makes a pods file large. Written item by item,
 * directly in kubectl's layout (4-space indentation, keys sorted), without holding the file in memory.
 */
import { itemText, writeList } from "./inspect-dump";

/** Pods in the benchmark's pods file. */
export const PODS = 50_000;
/** Its name in the case's folder. */
export const PODS_FILE = "pods.json";

const hex = (n: number, digits: number) => (n >>> 0).toString(16).padStart(digits, "0").slice(-digits);
const CREATED = "2026-01-01T00:00:00Z";

/** Pod `i` of the file: namespace `team-<i mod 50>`, on node `rack<r>-node-<n>`, one IPv4 address. */
export function benchPod(i: number): Record<string, unknown> {
  const namespace = `team-${i % 50}`;
  const app = `app-${i % 97}`;
  const hash = hex(Math.imul(i, 2654435761), 10);
  const node = `rack${(i >> 10) % 4}-node-${String((i >> 7) % 1250).padStart(4, "0")}`;
  const ip = `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
  const image = `registry.example.com/team/${app}:v1.${i % 20}.0`;
  const token = `kube-api-access-${hex(i, 5)}`;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      annotations: { "cni.projectcalico.org/containerID": hex(Math.imul(i, 7919), 16).repeat(4), "cni.projectcalico.org/podIP": `${ip}/32`, "cni.projectcalico.org/podIPs": `${ip}/32` },
      creationTimestamp: CREATED,
      generateName: `${app}-${hash}-`,
      labels: { app, "pod-template-hash": hash, team: namespace, tier: i % 3 === 0 ? "frontend" : "backend" },
      name: `${app}-${hash}-${hex(i, 5)}`,
      namespace,
      ownerReferences: [{ apiVersion: "apps/v1", blockOwnerDeletion: true, controller: true, kind: "ReplicaSet", name: `${app}-${hash}`, uid: `${hex(i, 8)}-0000-4000-8000-${hex(i, 12)}` }],
      resourceVersion: String(1_000_000 + i),
      uid: `${hex(i + 7, 8)}-1111-4111-8111-${hex(i * 3, 12)}`,
    },
    spec: {
      containers: [
        {
          env: [
            { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
            { name: "LOG_LEVEL", value: "info" },
          ],
          image,
          imagePullPolicy: "IfNotPresent",
          name: "app",
          ports: [{ containerPort: 8080, name: "http", protocol: "TCP" }],
          readinessProbe: { failureThreshold: 3, httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" }, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 },
          resources: { limits: { cpu: "500m", memory: "512Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          volumeMounts: [{ mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", name: token, readOnly: true }],
        },
      ],
      dnsPolicy: "ClusterFirst",
      enableServiceLinks: true,
      nodeName: node,
      preemptionPolicy: "PreemptLowerPriority",
      priority: 0,
      restartPolicy: "Always",
      schedulerName: "default-scheduler",
      securityContext: {},
      serviceAccount: "default",
      serviceAccountName: "default",
      terminationGracePeriodSeconds: 30,
      tolerations: [
        { effect: "NoExecute", key: "node.kubernetes.io/not-ready", operator: "Exists", tolerationSeconds: 300 },
        { effect: "NoExecute", key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 300 },
      ],
      volumes: [
        {
          name: token,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
              { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
              { downwardAPI: { items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }] } },
            ],
          },
        },
      ],
    },
    status: {
      conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({ lastProbeTime: null, lastTransitionTime: "2026-01-01T00:00:05Z", status: "True", type })),
      containerStatuses: [
        {
          containerID: `containerd://${hex(Math.imul(i, 31), 16).repeat(4)}`,
          image,
          imageID: `registry.example.com/team/${app}@sha256:${hex(Math.imul(i, 13), 16).repeat(4)}`,
          lastState: {},
          name: "app",
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: "2026-01-01T00:00:04Z" } },
        },
      ],
      hostIP: `192.168.${(i >> 7) & 255}.${i & 127}`,
      hostIPs: [{ ip: `192.168.${(i >> 7) & 255}.${i & 127}` }],
      phase: "Running",
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: "Burstable",
      startTime: "2026-01-01T00:00:01Z",
    },
  };
}

/** Writes `count` pods ({@link benchPod}) to `file` as kubectl's `List`; returns the file. */
export function writePodsList(file: string, count: number = PODS): string {
  return writeList(
    file,
    (function* () {
      for (let i = 0; i < count; i++) yield itemText(benchPod(i));
    })(),
  );
}
