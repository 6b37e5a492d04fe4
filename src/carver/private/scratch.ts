import { ScratchArena } from "../../ip/scratch-arena";

export { ScratchArena };

/** @internal The arena of `carve()` runs (see {@link ScratchArena.begin} for runs inside runs). */
export const CARVE_SCRATCH = new ScratchArena();
