import { AzureDevOpsSimulator } from '../AzureDevOpsSimulator';
import type { SimulatedOrganization } from '../organization';
import { HookReceiver } from './HookReceiver';
import type { ServiceHookOptions } from './ServiceHookOptions';

export interface SimulatorWithReceiverOptions {
  /** Called before each test, so that each simulator starts from organizations of its own. */
  organizations: () => SimulatedOrganization[];
  /** The subscription's options besides its url, which is always the receiver's. */
  serviceHooks?: Omit<ServiceHookOptions, 'url'>;
}

/** What a test reads once the hooks have run: the simulator of this test and the receiver of the suite. */
export interface StartedSimulatorWithReceiver {
  readonly simulator: AzureDevOpsSimulator;
  readonly receiver: HookReceiver;
}

/** Suites that check delivered service hooks share this set-up: a receiver per suite, emptied before each test, and a simulator per test sending to it. */
export function simulatorWithReceiver(options: SimulatorWithReceiverOptions): StartedSimulatorWithReceiver {
  let receiver: HookReceiver;
  let simulator: AzureDevOpsSimulator;

  beforeAll(async () => {
    receiver = await HookReceiver.start();
  });

  afterAll(() => receiver.stop());

  beforeEach(async () => {
    receiver.reset();
    simulator = await AzureDevOpsSimulator.start({
      organizations: options.organizations(),
      serviceHooks: { url: receiver.url, ...options.serviceHooks },
    });
  });

  afterEach(() => simulator.stop());

  return {
    get simulator() {
      return simulator;
    },
    get receiver() {
      return receiver;
    },
  };
}
