/**
 * A solo orderer: transactions submitted in the same turn of the event loop are cut into one
 * block, in arrival order, so concurrently submitted transactions can meet in a block as on a
 * loaded network. `holdNextBlock(n)` (a test hook) keeps the next block open until it holds
 * n transactions, which makes "two endorsed on the same state, committed in one block" exact.
 */
export class Orderer {
  private pending: Uint8Array[] = [];
  private scheduled = false;
  private hold: number | undefined;

  constructor(private readonly deliver: (envelopes: Uint8Array[]) => void) {}

  broadcast(envelope: Uint8Array): void {
    this.pending.push(envelope);
    this.schedule();
  }

  holdNextBlock(transactions: number): void {
    this.hold = transactions;
  }

  get waiting(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = [];
    this.hold = undefined;
  }

  private schedule(): void {
    if (this.scheduled || (this.hold !== undefined && this.pending.length < this.hold)) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.pending.length === 0 || (this.hold !== undefined && this.pending.length < this.hold)) return;
      this.hold = undefined;
      this.deliver(this.pending.splice(0));
    });
  }
}
