/**
 * The worker's queue consumer: long-polls each queue, holds what it receives under a lease
 * (visibility extended a third of the way through), admits each message by its decoded size
 * against the memory budget, runs the messages of one group strictly in order, deletes a message
 * only once it is done, and on `stop` sends no more receives, gives back everything not started
 * (visibility 0, so another task takes it) and waits for what is running until a deadline.
 *
 * A long poll open at the stop is let finish (at most `waitSeconds`) and what it brings is given
 * back too, rather than aborted: SQS does not see a client hang up, so an aborted poll can still
 * take a message — one just given back, say — and hide it for a whole visibility timeout.
 *
 * Written here rather than taken from sqs-consumer (15.0.3, checked): its `stop({ abort })`
 * aborts every SQS call of the consumer, the deletes of in-flight messages included, and without
 * `abort` a long poll already open delivers its messages to the handler after the stop; it polls
 * again only when the whole previous batch is done; and it runs a batch's messages concurrently,
 * whatever their group (it warns that it does not guarantee FIFO order).
 */
import { setMaxListeners } from 'node:events';
import type { QueueMessage } from '../../adapters/work-queue';
import type { Admission } from '../../runtime/admission';

export interface WorkQueue {
  readonly url: string;
  receive(max: number, waitSeconds: number, signal: AbortSignal): Promise<QueueMessage[]>;
  changeVisibility(message: QueueMessage, seconds: number): Promise<void>;
  delete(message: QueueMessage): Promise<void>;
}

/** `done`: delete the message. `retry`: give it back now (visibility 0), to be delivered again or dead-lettered. */
export type MessageVerdict = 'done' | 'retry';

export interface ConsumerLog {
  info(message: string, keys?: Record<string, unknown>): void;
  warn(message: string, keys?: Record<string, unknown>): void;
  error(message: string, keys?: Record<string, unknown>): void;
}

export interface ConsumerOptions {
  readonly queues: readonly WorkQueue[];
  readonly visibilitySeconds: number;
  readonly admission: Admission;
  /** What a message weighs against the admission's capacity (at most the capacity). */
  readonly weigh: (message: QueueMessage) => Promise<number>;
  readonly handle: (message: QueueMessage) => Promise<MessageVerdict>;
  readonly log: ConsumerLog;
  /** Messages held at once per queue (received, not yet finished). @default 10 */
  readonly maxHeld?: number;
  /** Seconds a long poll waits. @default 20 */
  readonly waitSeconds?: number;
  /** Seconds before a message that failed is delivered again. @default 5 */
  readonly retryDelaySeconds?: number;
}

export interface DrainReport {
  /** Messages that were running at the stop and finished before the deadline. */
  readonly finished: number;
  /** Messages held but not started, given back to the queue. */
  readonly released: number;
  /** Messages still running at the deadline: they reappear once their visibility runs out. */
  readonly unfinished: number;
  readonly ms: number;
}

interface Held {
  readonly queue: WorkQueue;
  readonly message: QueueMessage;
  started: boolean;
  settled: Promise<void>;
}

export class QueueConsumer {
  private receiving = true;
  /** Messages given back because of the stop (a poll still open may bring one back again: it counts once). */
  private readonly released = new Set<string>();
  /** Ends a wait between failed receives at the stop; a receive is aborted only at the drain's deadline. */
  private readonly polls = new AbortController();
  private readonly receives = new AbortController();
  private readonly stopping = new AbortController();
  private readonly held = new Set<Held>();
  /** The last message of each group, so the next waits for it. */
  private readonly groupTails = new Map<string, Promise<boolean>>();
  private readonly loops: Promise<void>[] = [];
  private readonly slotFreed: (() => void)[] = [];
  /** Resolves (with "the previous one was not done") once `stop` is called. */
  private readonly stopped = new Promise<boolean>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(false), { once: true }));

  constructor(private readonly options: ConsumerOptions) {
    // Every message waiting for admission listens for the stop.
    setMaxListeners(0, this.stopping.signal);
  }

  start(): void {
    for (const queue of this.options.queues) this.loops.push(this.poll(queue));
  }

  /** Messages held right now (for tests and the drain log). */
  get heldCount(): number {
    return this.held.size;
  }

  /** Stops receiving at once, releases what has not started, and waits for the rest until `deadlineMs` from now. */
  async stop(deadlineMs: number): Promise<DrainReport> {
    const started = Date.now();
    this.receiving = false;
    this.polls.abort();
    this.stopping.abort();
    for (const free of this.slotFreed.splice(0)) free();
    const running = [...this.held].filter((entry) => entry.started);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => (timer = setTimeout(() => resolve('deadline'), deadlineMs)));
    if ((await Promise.race([Promise.all(this.loops), deadline])) === 'deadline') this.receives.abort();
    await Promise.race([Promise.all([...this.held].map((entry) => entry.settled)), deadline]);
    clearTimeout(timer);
    const unfinished = running.filter((entry) => this.held.has(entry)).length;
    return { finished: running.length - unfinished, released: this.released.size, unfinished, ms: Date.now() - started };
  }

  private async poll(queue: WorkQueue): Promise<void> {
    const maxHeld = this.options.maxHeld ?? 10;
    while (this.receiving) {
      const free = maxHeld - [...this.held].filter((entry) => entry.queue === queue).length;
      if (free <= 0) {
        await new Promise<void>((resolve) => this.slotFreed.push(resolve));
        continue;
      }
      let messages: QueueMessage[];
      try {
        messages = await queue.receive(free, this.options.waitSeconds ?? 20, this.receives.signal);
      } catch (error) {
        this.options.log.error('Receiving from the queue failed; trying again in 5 s.', { queue: queue.url, error: describe(error) });
        await delay(5000, this.polls.signal);
        continue;
      }
      for (const message of messages) this.take(queue, message);
    }
  }

  private take(queue: WorkQueue, message: QueueMessage): void {
    const entry: Held = { queue, message, started: false, settled: Promise.resolve() };
    this.held.add(entry);
    const group = `${queue.url} ${message.groupId}`;
    const before = this.groupTails.get(group) ?? Promise.resolve(true);
    // A stop gives back at once what waits for its group's previous message (SQS delivers no later message of a group while one is held).
    const run = Promise.race([before, this.stopped]).then((previousDone) => this.run(entry, previousDone));
    this.groupTails.set(group, run);
    entry.settled = run.then(() => {
      if (this.groupTails.get(group) === run) this.groupTails.delete(group);
    });
  }

  /** Runs one message after its group's previous one; resolves whether it was done (so the next of its group may run). */
  private async run(entry: Held, previousDone: boolean): Promise<boolean> {
    const { queue, message } = entry;
    const lease = setInterval(() => {
      queue.changeVisibility(message, this.options.visibilitySeconds).catch((error: unknown) =>
        this.options.log.warn('Extending a message’s visibility failed.', { messageId: message.messageId, error: describe(error) }),
      );
    }, (this.options.visibilitySeconds * 1000) / 3);
    let release: (() => void) | undefined;
    try {
      // A group stays in order: after a message that was not done, the later ones go back too.
      if (this.stopping.signal.aborted) return await this.release(entry);
      if (!previousDone) return await this.giveBack(entry, 0);
      const weight = Math.min(await this.options.weigh(message), this.options.admission.capacity);
      release = await this.options.admission.admit(weight, this.stopping.signal);
      if (!release) return await this.release(entry);
      entry.started = true;
      let verdict: MessageVerdict;
      try {
        verdict = await this.options.handle(message);
      } catch (error) {
        this.options.log.error('The message failed; it will be delivered again.', { messageId: message.messageId, receiveCount: message.receiveCount, error: describe(error) });
        return await this.giveBack(entry, this.options.retryDelaySeconds ?? 5);
      }
      if (verdict === 'retry') return await this.giveBack(entry, 0);
      await queue.delete(message);
      return true;
    } catch (error) {
      this.options.log.error('Settling a message with its queue failed; it reappears when its visibility runs out.', { messageId: message.messageId, error: describe(error) });
      return false;
    } finally {
      clearInterval(lease);
      release?.();
      this.held.delete(entry);
      this.slotFreed.shift()?.();
    }
  }

  /** Gives back a message the stop kept from starting. */
  private async release(entry: Held): Promise<false> {
    this.released.add(entry.message.messageId);
    return this.giveBack(entry, 0);
  }

  private async giveBack(entry: Held, seconds: number): Promise<false> {
    await entry.queue.changeVisibility(entry.message, seconds);
    return false;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
