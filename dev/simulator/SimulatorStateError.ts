/**
 * A change the simulated organization refuses, with what kind of refusal it is, so that the
 * control routes answer 404, 409 or 400 without reading messages.
 */
export class SimulatorStateError extends Error {
  constructor(
    readonly kind: 'notFound' | 'conflict' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorStateError';
  }
}
