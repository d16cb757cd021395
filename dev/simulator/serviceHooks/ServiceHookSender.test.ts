import { createServer } from 'node:net';
import { HookReceiver } from './HookReceiver';
import { hookFixture } from './hookFixture';
import { repositoryCreatedPayload } from './repositoryCreatedPayload';
import { ServiceHookSender } from './ServiceHookSender';

const { origin, notification, project, repository } = hookFixture();
const PAYLOAD = repositoryCreatedPayload(origin, notification, { project, repository, at: new Date('2025-06-01T00:00:00Z') });

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

describe('ServiceHookSender', () => {
  let receiver: HookReceiver;
  let sender: ServiceHookSender;

  beforeAll(async () => {
    receiver = await HookReceiver.start();
  });

  afterAll(() => receiver.stop());

  beforeEach(() => {
    receiver.reset();
    sender = new ServiceHookSender();
  });

  afterEach(() => sender.close());

  const target = (extra: { secret?: string; maxRetries?: number } = {}) => ({
    url: receiver.url,
    maxRetries: 8,
    firstRetryDelayMs: 1,
    ...extra,
  });

  it('posts the payload as JSON with the secret header', async () => {
    const delivery = await sender.send(target({ secret: 's3cret' }), PAYLOAD);

    expect(delivery).toEqual({
      eventType: 'git.repo.created',
      notificationId: 3,
      eventId: PAYLOAD.id,
      url: receiver.url,
      status: 202,
      attempts: 1,
    });
    const [received] = receiver.received;
    expect(received.path).toBe('/api/events/http/azureDevOps');
    expect(received.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(received.headers['x-ado-webhook-secret']).toBe('s3cret');
    expect(received.body).toEqual(PAYLOAD);
  });

  it('sends no secret header without a secret', async () => {
    await sender.send(target(), PAYLOAD);
    expect(receiver.received[0].headers).not.toHaveProperty('x-ado-webhook-secret');
  });

  it('retries 408, 502, 503 and 504 until another answer comes', async () => {
    receiver.answerWith([503, 408, 502, 504]);
    const delivery = await sender.send(target(), PAYLOAD);
    expect(delivery).toMatchObject({ status: 202, attempts: 5 });
    expect(receiver.received).toHaveLength(5);
  });

  it('gives up after the last retry, with the last status', async () => {
    receiver.answerWith([], 503);
    expect(await sender.send(target({ maxRetries: 2 }), PAYLOAD)).toMatchObject({ status: 503, attempts: 3 });
  });

  it('does not retry a refusal such as a wrong secret', async () => {
    receiver.answerWith([403]);
    expect(await sender.send(target(), PAYLOAD)).toMatchObject({ status: 403, attempts: 1 });
  });

  it('records a target that cannot be reached, without rejecting', async () => {
    const delivery = await sender.send({ ...target(), url: `http://127.0.0.1:${await closedPort()}/hooks` }, PAYLOAD);
    expect(delivery.status).toBeUndefined();
    expect(delivery.error).toMatch(/ECONNREFUSED/);
    expect(delivery.attempts).toBe(1);
  });

  it('stops waiting to retry when closed', async () => {
    receiver.answerWith([], 503);
    const pending = sender.send({ ...target(), firstRetryDelayMs: 60_000 }, PAYLOAD);
    while (receiver.received.length === 0) await new Promise(resolve => setTimeout(resolve, 5));
    sender.close();
    expect(await pending).toMatchObject({ status: 503, attempts: 1, error: 'The simulator stopped' });
  });

  it('lists deliveries in the order they were sent, settled or all awaited', async () => {
    const first = sender.send(target(), PAYLOAD);
    const second = sender.send(target(), { ...PAYLOAD, notificationId: 4 });
    expect(sender.startedCount).toBe(2);
    await Promise.all([first, second]);
    expect(sender.settled.map(delivery => delivery.notificationId)).toEqual([3, 4]);
    expect((await sender.settledFrom(1)).map(delivery => delivery.notificationId)).toEqual([4]);
    sender.reset();
    expect(sender.settled).toEqual([]);
  });
});
