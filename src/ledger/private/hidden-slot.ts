/**
 * State kept on an object without a property anyone sees, and without a WeakMap: a class's private field
 * stamped onto an object the class did not make (its base constructor returns that object, so the
 * subclass's field initialisation lands on it). The object keeps its prototype, keys, descriptors and
 * frozenness as they are: `Object.keys`, `Reflect.ownKeys`, `JSON.stringify`, spreading and
 * `util.inspect` see nothing of it.
 *
 * Why not a WeakMap by object: V8's young-generation collector treats a WeakMap's values as live while
 * their entries exist, and clears the entries of dead keys only after it has copied the values. So
 * whatever a run's result kept in a WeakMap value (a ledger's index, and through it a first run's pools:
 * 1.6 MB for 10,000 pools) survived one more collection than the result itself, and reached the old
 * generation when that was its second: 1–3 MB promoted per scavenge in the benchmark's carving
 * processes, and the page faults of the old-generation pages they took. State in a private field lives
 * exactly as long as its object.
 *
 * Stamp an object before freezing it: the field is added to the object (private fields ignore
 * `Object.freeze` in the engines this runs on, but a later one may not).
 */

/** A base whose constructor returns the object it is given, so that a subclass's fields are put on it. */
const Identity = function (target: object): object {
  return target;
} as unknown as new (target: object) => object;

/** @internal One kind of hidden state: {@link set} puts a value on an object, {@link get} reads it back. */
export interface HiddenSlot<T> {
  /** Puts `value` on `target` (once per object: a second call throws a TypeError). */
  set(target: object, value: T): void;
  /** The value put on `target`, or `undefined` when none was. */
  get(target: object): T | undefined;
}

/** @internal A new kind of hidden state (its own private name). */
export function hiddenSlot<T>(): HiddenSlot<T> {
  class Slot extends Identity {
    #value: T;

    constructor(target: object, value: T) {
      super(target);
      this.#value = value;
    }

    static read(target: object): T | undefined {
      return #value in target ? (target as Slot).#value : undefined;
    }
  }
  return {
    set: (target, value) => void new Slot(target, value),
    get: (target) => Slot.read(target),
  };
}
