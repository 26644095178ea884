// Timers that all run for the same time, as one queue behind one runtime
// timer. A setTimeout/clearTimeout pair per request costs a tenth of a
// proxied request on Bun; here starting and stopping one is an array push and
// a flag. Since every deadline is "now + the same delay", the queue is in
// deadline order by construction.

/** A started deadline; stopping one that fired or stopped already does nothing. */
export interface Stoppable {
  stop(): void;
}

/** Starts deadlines that all run for the same delay. */
export interface DeadlineQueue {
  start(fire: () => void): Stoppable;
}

/** A started deadline of a {@linkcode Deadlines} queue. */
export class Deadline implements Stoppable {
  readonly owner: Deadlines;
  /** When it fires, in epoch milliseconds. */
  readonly at: number;
  fire: (() => void) | undefined;

  constructor(owner: Deadlines, at: number, fire: () => void) {
    this.owner = owner;
    this.at = at;
    this.fire = fire;
  }

  /** Stops it; stopping one that fired or stopped already does nothing. */
  stop(): void {
    if (this.fire === undefined) return;
    this.fire = undefined;
    this.owner.stopped();
  }
}

/** Deadlines of one fixed delay, sharing a single runtime timer. */
export class Deadlines implements DeadlineQueue {
  readonly #delayMs: number;
  #queue: Deadline[] = [];
  #head = 0;
  #live = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #expiring = false;

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  /** Calls `fire` once the delay has passed, unless stopped first. */
  start(fire: () => void): Deadline {
    const deadline = new Deadline(this, Date.now() + this.#delayMs, fire);
    this.#queue.push(deadline);
    this.#live++;
    if (this.#timer === undefined) this.#arm(this.#delayMs);
    return deadline;
  }

  /** Called by {@linkcode Deadline.stop}. */
  stopped(): void {
    // Nothing left to wait for: no timer may outlive the last request (it
    // would hold a process open, and Deno's test sanitizer counts it).
    if (--this.#live === 0 && !this.#expiring) this.#reset();
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#expire(), ms);
  }

  #expire(): void {
    this.#timer = undefined;
    this.#expiring = true;
    const now = Date.now();
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const deadline = queue[this.#head];
      if (deadline.fire !== undefined && deadline.at > now) break;
      this.#head++;
      const fire = deadline.fire;
      if (fire !== undefined) {
        deadline.fire = undefined;
        this.#live--;
        fire();
      }
    }
    this.#expiring = false;
    if (this.#live === 0) return this.#reset();
    // Drop what has been passed once it is most of the array.
    if (this.#head > 1024 && this.#head * 2 > queue.length) {
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
    if (this.#timer === undefined) this.#arm(Math.max(0, this.#queue[this.#head].at - now));
  }

  #reset(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue = [];
    this.#head = 0;
    this.#live = 0;
  }
}

/**
 * One runtime timer per deadline. For workerd, which cancels a request's
 * timers when that request ends: a timer shared by overlapping requests
 * would die with whichever request armed it, and take every other
 * request's deadline with it.
 */
export class OwnTimers implements DeadlineQueue {
  readonly #delayMs: number;

  constructor(delayMs: number) {
    this.#delayMs = delayMs;
  }

  start(fire: () => void): Stoppable {
    const timer = setTimeout(fire, this.#delayMs);
    return { stop: () => clearTimeout(timer) };
  }
}
