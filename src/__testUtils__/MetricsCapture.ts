import { metrics, type Attributes } from '@opentelemetry/api';
import {
  DataPointType,
  MeterProvider,
  MetricReader,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';

/** A reader that exports nowhere: the test collects when it wants to look. */
class OnDemandReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** One data point of a counter, or the count and sum of a histogram's. */
export interface CapturedPoint {
  attributes: Attributes;
  value: number | { count: number; sum: number | undefined; boundaries: number[] };
}

/** What one instrument recorded, as the SDK describes it. */
export interface CapturedMetric {
  unit: string;
  kind: 'counter' | 'histogram' | 'gauge' | 'other';
  points: CapturedPoint[];
}

/**
 * Registers an in-memory SDK meter provider as the global one, for tests that read what the
 * module's metrics recorded. Start it before anything makes a `SyncMetrics`: instruments are
 * bound to the provider registered when they are made. `stop()` (in `afterEach`) unregisters it
 * with `metrics.disable()`.
 */
export class MetricsCapture {
  readonly #reader = new OnDemandReader();
  readonly #provider: MeterProvider;

  private constructor() {
    this.#provider = new MeterProvider({ readers: [this.#reader] });
  }

  static start(): MetricsCapture {
    const capture = new MetricsCapture();
    if (!metrics.setGlobalMeterProvider(capture.#provider)) {
      throw new Error('a global meter provider is already registered; stop the last MetricsCapture first');
    }
    return capture;
  }

  /** Every instrument with data, by name. */
  async collect(): Promise<Map<string, CapturedMetric>> {
    const { resourceMetrics, errors } = await this.#reader.collect();
    if (errors.length > 0) throw errors[0];
    const byName = new Map<string, CapturedMetric>();
    for (const { metrics: scoped } of resourceMetrics.scopeMetrics) {
      for (const metric of scoped) byName.set(metric.descriptor.name, captured(metric));
    }
    return byName;
  }

  /** The points of one instrument, with their attributes; empty when it recorded nothing. */
  async points(name: string): Promise<CapturedPoint[]> {
    return (await this.collect()).get(name)?.points ?? [];
  }

  /** The value of the point of `name` with exactly these attributes; undefined when there is none. */
  async value(name: string, attributes: Attributes): Promise<CapturedPoint['value'] | undefined> {
    const points = await this.points(name);
    return points.find(point => sameAttributes(point.attributes, attributes))?.value;
  }

  async stop(): Promise<void> {
    metrics.disable();
    await this.#provider.shutdown();
  }
}

function captured(metric: MetricData): CapturedMetric {
  const { unit } = metric.descriptor;
  if (metric.dataPointType === DataPointType.HISTOGRAM) {
    return {
      unit,
      kind: 'histogram',
      points: metric.dataPoints.map(({ attributes, value }: { attributes: Attributes; value: Histogram }) => ({
        attributes,
        value: { count: value.count, sum: value.sum, boundaries: value.buckets.boundaries },
      })),
    };
  }
  if (metric.dataPointType === DataPointType.SUM) {
    return {
      unit,
      kind: metric.isMonotonic ? 'counter' : 'other',
      points: metric.dataPoints.map(({ attributes, value }) => ({ attributes, value })),
    };
  }
  if (metric.dataPointType === DataPointType.GAUGE) {
    return { unit, kind: 'gauge', points: metric.dataPoints.map(({ attributes, value }) => ({ attributes, value })) };
  }
  return { unit, kind: 'other', points: [] };
}

function sameAttributes(a: Attributes, b: Attributes): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every(key => a[key] === b[key]);
}
