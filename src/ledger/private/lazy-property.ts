/**
 * Own enumerable getters computed once, for objects a run makes (a ledger's `pools`, a carving result's
 * `changes`), with one getter function for every object instead of a closure per object.
 *
 * Why not an object literal's `get pools() { ... }` over the run's state: each evaluation of such a literal
 * makes a new getter closure, and V8 keeps an object whose accessor is a new function under a map of its
 * own, made per object and held from the long-lived literal's map (as a transition). That map, an old
 * object, holds the getter, its closure's state, and so everything the run made that the state reaches
 * (a first run's pools and ranges, 1.6 MB for 10,000 pools; a ledger read from its text, the text). The
 * young-generation collector takes every old object's references as live, so all of it outlived the
 * result that held it until the next full collection, and was copied to the old generation on the way:
 * measured in the benchmark's carving processes, 1–3 MB promoted per scavenge, and the page faults of
 * the old-generation pages it took. A function shared by every object keeps them under one map, and the
 * state sits on the object itself, in a hidden slot (not in a WeakMap: see `hiddenSlot`): no old object
 * holds it, and it lives exactly as long as its object.
 */
import { HiddenSlot, hiddenSlot } from "./hidden-slot";

/** @internal A lazily computed own getter `key`, defined on objects with {@link define}. */
export class LazyOwnProperty<S, V> {
  private readonly states: HiddenSlot<{ readonly state: S; value: V | undefined }> = hiddenSlot();
  private readonly descriptor: PropertyDescriptor;

  /**
   * @param key the property's name
   * @param make computes the value from the state given to {@link define}, at the first read
   */
  constructor(
    readonly key: string,
    private readonly make: (state: S) => V,
  ) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const lazy = this;
    this.descriptor = {
      get(this: object): V {
        return lazy.valueOf(this);
      },
      enumerable: true,
      configurable: true,
    };
  }

  /**
   * Defines the getter on `target` (configurable and enumerable, as an object literal's getter; freeze the
   * object after, if it is to be frozen), its value computed from `state` when first read. Once per object.
   */
  define(target: object, state: S): void {
    this.states.set(target, { state, value: undefined });
    Object.defineProperty(target, this.key, this.descriptor);
  }

  /** The state given to {@link define} for `target`, or `undefined` when the getter was not defined on it. */
  stateOf(target: object): S | undefined {
    return this.states.get(target)?.state;
  }

  /** The value for `receiver`: an object the getter was defined on, or one that inherits from it. */
  private valueOf(receiver: object): V {
    for (let o: object | null = receiver; o !== null; o = Object.getPrototypeOf(o) as object | null) {
      const slot = this.states.get(o);
      if (slot !== undefined) return (slot.value ??= this.make(slot.state));
    }
    throw new TypeError(`the ${this.key} getter was called on an object it is not defined on`);
  }
}
