/**
 * Time-ordered merge of actors' event streams: a heap keyed on each actor's next event time. Memory
 * is bounded by the number of actors, not the number of events.
 */
import { TimeHeap } from "./heap.js";
import type { Actor, Emission } from "./world.js";

/** Merges actors into one stream in time order (ties broken by actor registration order). */
export function* merge(actors: readonly Actor[]): Generator<Emission> {
  const heap = new TimeHeap<{ actor: Actor; seq: number; next: Emission }>();
  actors.forEach((actor, seq) => {
    const r = actor.next();
    if (!r.done) heap.push(r.value.t, seq, { actor, seq, next: r.value });
  });
  while (heap.size > 0) {
    const top = heap.pop()!;
    yield top.next;
    const r = top.actor.next();
    if (!r.done) {
      top.next = r.value;
      heap.push(r.value.t, top.seq, top);
    }
  }
}
