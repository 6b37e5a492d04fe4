/**
 * The map model as `plan.html`'s own script reads it: the packed model (`map-pack.ts`) unpacked by the
 * page's functions (`UNPACK_CLIENT`), every pool's hover text and blocks made, as hovering and zooming
 * into each pool would.
 */
import type { MapModel } from "../../src/report/map-model";
import type { PackedModel } from "../../src/report/map-pack";
import { UNPACK_CLIENT } from "../../src/report/private/map-client";

interface PageUnpack {
  unpackModel(packed: PackedModel): MapModel;
  poolTipAt(view: MapModel["views"][number], i: number): string;
  poolBlocksAt(view: MapModel["views"][number], i: number): unknown;
}

/** The page's functions, run as the page runs them (a fresh copy each call: its lazy state is per page). */
export function pageUnpack(): PageUnpack {
  return new Function(`${UNPACK_CLIENT}\nreturn { unpackModel: unpackModel, poolTipAt: poolTipAt, poolBlocksAt: poolBlocksAt };`)() as PageUnpack;
}

/** The whole model the page gets from a packed one (read from its JSON text, as the page reads it). */
export function unpackedModel(packedJson: string): MapModel {
  const page = pageUnpack();
  const model = page.unpackModel(JSON.parse(packedJson) as PackedModel);
  for (const view of model.views) {
    for (let i = 0; i < view.pools.length; i++) {
      page.poolTipAt(view, i);
      page.poolBlocksAt(view, i);
    }
  }
  return model;
}

/** The text of the model a page carries. */
export function embeddedJson(html: string): string {
  const m = /<script id="calico-ipam-map" type="application\/json">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error("no model in the page");
  return m[1];
}

/** The model a page draws. */
export function embeddedModel(html: string): MapModel {
  return unpackedModel(embeddedJson(html));
}
