import type { HookActor } from './HookOrigin';

/** Who made a repository change, as git.repo.* payloads name them: no URLs, no descriptor. */
export function initiatedByJson(actor: HookActor): Record<string, unknown> {
  return { displayName: actor.displayName, id: actor.id, uniqueName: actor.uniqueName };
}
