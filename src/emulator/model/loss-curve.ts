/**
 * The bookkeeping both trainers (fine-tuning in train.ts, continued pre-training in pretrain.ts) keep per batch: the
 * reported training curve, the last epoch's losses, and the turns given to the event loop.
 */
import type { TrainingStep } from './api.js';

/** Training loss reported at a step is the mean batch loss over this many most recent steps. */
export const LOSS_WINDOW = 10;
const YIELD_EVERY_MS = 8;

export class LossCurve {
  readonly points: TrainingStep[] = [];
  /** Steps recorded so far: the step number the next batch gets. */
  step = 0;
  private readonly recent: number[] = [];
  private epochLosses: number[] = [];
  private lastYield = Date.now();

  constructor(private readonly onStep?: (point: TrainingStep) => void) {}

  startEpoch(): void {
    this.epochLosses = [];
  }

  async record(epoch: number, batchLoss: number): Promise<void> {
    this.epochLosses.push(batchLoss);
    this.recent.push(batchLoss);
    if (this.recent.length > LOSS_WINDOW) this.recent.shift();
    const point = { step: this.step, epoch, loss: mean(this.recent) };
    this.points.push(point);
    this.onStep?.(point);
    this.step++;
    if (Date.now() - this.lastYield >= YIELD_EVERY_MS) {
      // The emulator trains in-process while it serves requests: give the event loop a turn.
      await new Promise((r) => setImmediate(r));
      this.lastYield = Date.now();
    }
  }

  /** Mean batch loss over the last epoch; 0 when nothing was trained. */
  finalLoss(): number {
    return this.epochLosses.length > 0 ? mean(this.epochLosses) : 0;
  }
}

function mean(xs: number[]): number {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}
