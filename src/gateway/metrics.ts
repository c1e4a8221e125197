/** Latency bucket upper bounds in ms for the Prometheus histogram. */
const BUCKETS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000];

/** Counters the gateway keeps in memory; exported as Prometheus text on /metrics. */
export class GatewayMetrics {
  requests = 0;
  internalErrors = 0;
  brokenStreams = 0;
  readonly byStatus = new Map<number, number>();
  private readonly buckets = new Array<number>(BUCKETS.length + 1).fill(0);
  private latencySum = 0;
  private latencyCount = 0;

  observe(status: number, latencyMs: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    let i = 0;
    while (i < BUCKETS.length && latencyMs > BUCKETS[i]!) i++;
    this.buckets[i]!++;
    this.latencySum += latencyMs;
    this.latencyCount++;
  }

  /** Prometheus text exposition; `extra` adds gauges such as recorder queue depth. */
  render(extra: Record<string, number> = {}): string {
    const lines = [
      "# TYPE distillguard_requests_total counter",
      `distillguard_requests_total ${this.requests}`,
      "# TYPE distillguard_internal_errors_total counter",
      `distillguard_internal_errors_total ${this.internalErrors}`,
      "# TYPE distillguard_broken_streams_total counter",
      `distillguard_broken_streams_total ${this.brokenStreams}`,
      "# TYPE distillguard_responses_total counter",
    ];
    for (const [status, n] of [...this.byStatus].sort((a, b) => a[0] - b[0])) {
      lines.push(`distillguard_responses_total{status="${status}"} ${n}`);
    }
    lines.push("# TYPE distillguard_exchange_duration_ms histogram");
    let cumulative = 0;
    BUCKETS.forEach((le, i) => {
      cumulative += this.buckets[i]!;
      lines.push(`distillguard_exchange_duration_ms_bucket{le="${le}"} ${cumulative}`);
    });
    cumulative += this.buckets[BUCKETS.length]!;
    lines.push(`distillguard_exchange_duration_ms_bucket{le="+Inf"} ${cumulative}`);
    lines.push(`distillguard_exchange_duration_ms_sum ${this.latencySum}`);
    lines.push(`distillguard_exchange_duration_ms_count ${this.latencyCount}`);
    for (const [name, value] of Object.entries(extra)) {
      lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    }
    return `${lines.join("\n")}\n`;
  }
}
