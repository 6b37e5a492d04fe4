/**
 * How to bring pools that exist already under the Tigera operator. Read from the operator's IP pool
 * controller (`pkg/controller/ippool/pool_controller.go` `Reconcile`, `FromProjectCalico`/`ToProjectCalico`;
 * `defaults.go` `fillDefaults`; `validation.go` `ValidatePools`) and tigera/docs
 * (`calico/networking/ipam/ippools.mdx`, `migrate-pools.mdx`).
 */

/** Short Markdown guide: adopting existing pools (operator-created default pool, pools created by hand) into an Installation. */
export const OPERATOR_ADOPTION_GUIDE = `# Adopting existing IP pools into the Tigera operator

With an operator install, pools belong in \`Installation.spec.calicoNetwork.ipPools\`. Do not also emit
\`IPPool\` objects for them: the operator rewrites the pools it owns and refuses the ones it does not.

## What the operator does with the pools it finds

- **Pools labelled \`app.kubernetes.io/managed-by: tigera-operator\`** are its own. It keeps each one equal
  to the Installation entry with the same CIDR, and deletes it (through the Calico API server only) once
  the entry is removed.
- **An unlabelled pool whose CIDR is listed** is adopted only if the entry, after the operator's
  defaults, equals the pool field for field: \`name\`, \`cidr\`, \`encapsulation\`, \`natOutgoing\`, \`blockSize\`,
  \`nodeSelector\`, \`disableBGPExport\`, \`disableNewAllocations\` (the pool's \`disabled\`), \`allowedUses\`
  (same order) and \`assignmentMode\`. Otherwise the pool is left untouched, the entry is skipped, and
  \`tigerastatus ippools\` is degraded with "Cannot update an IP pool not owned by the operator".
- **Unlabelled pools whose CIDR is not listed** are left alone: neither adopted nor deleted. This is where
  pools the Installation cannot express (a \`namespaceSelector\`, more than 25 pools) can live.
- If \`ipPools\` is unset, the operator creates \`default-ipv4-ippool\` (192.168.0.0/16, IPIP, NAT; or the
  kubeadm/OpenShift pod network) when no pool exists; when pools exist already it treats them as managed
  out-of-band and creates none. An empty list means "manage none".

## Adopting a pool without recreating it

1. Read it: \`kubectl get ippools.projectcalico.org <name> -o yaml\` (or \`calicoctl get ippool <name> -o yaml\`).
2. List it with every field written out, equal to the pool: same \`name\` (or omit \`name\`: the operator
   takes the name of the existing pool with that CIDR), canonical \`cidr\`, \`encapsulation\` from
   \`ipipMode\`/\`vxlanMode\` (\`Always\` → \`IPIP\`/\`VXLAN\`, \`CrossSubnet\` → \`IPIPCrossSubnet\`/\`VXLANCrossSubnet\`,
   both \`Never\` → \`None\`), \`natOutgoing: Enabled|Disabled\`, and the rest as they are. \`toInstallationIpPools\`
   writes every field, and the operator's defaults differ from Calico's (IPv4 IPIP and NAT on), so never
   rely on them.
3. Apply the Installation (with \`CalicoIpam\`, adopt the existing one first: \`installation: { adopt: true }\`
   imports it as \`apiVersion=operator.tigera.io/v1,kind=Installation,name=default\`; it stays protected
   from \`terraform destroy\` unless \`installation: { protect: false }\`, see the README's "Objects that
   already exist in the cluster") and check \`kubectl get tigerastatus ippools\` and the operator log ("Assuming
   ownership of IP pool"); the pool carries the managed-by label after the operator's next write.
4. If it stays "not owned": compare field by field. The operator converts a pool with both modes \`Never\`
   to an empty encapsulation while the defaulted entry says \`None\`, so an unencapsulated pool may never
   match. Once the entry equals the pool, labelling the pool \`app.kubernetes.io/managed-by=tigera-operator\`
   through the projectcalico.org/v3 API hands it over (the operator then writes the entry to it).

\`cidr\` and \`blockSize\` never change in place, and a non-Calico CNI (host-local with flannel, GKE) needs
\`nodeSelector: all()\`; with kubeadm or OpenShift every pool must lie inside the platform's pod network.

## When a pool cannot be adopted

To change its range or block size, or leave a pool the Installation cannot express, migrate instead:
add the new pool to the Installation, stop allocation from the old one (\`nodeSelector: "!all()"\` or
\`disableNewAllocations: true\`), recreate the pods that use it, then delete the old pool (remove its
entry if the operator owns it, else \`kubectl delete ippools.projectcalico.org <name>\`).

- Multiple pools at install: https://docs.tigera.io/calico/latest/networking/ipam/ippools
- Migrate from one pool to another: https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools
- Installation \`IPPool\` fields: https://docs.tigera.io/calico/latest/reference/installation/api#ippool
`;
