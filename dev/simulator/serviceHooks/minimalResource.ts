/** Keys a Minimal resource keeps: ids, URLs and names. */
const KEY_FIELD = /^(id|url|name)$|(Id|Name)$/;

/**
 * The resource as a subscription with "Resource details to send: Minimal" delivers it. Microsoft
 * documents only "key fields like URL and ID" and a flat sample `{ id, url, name, … }`
 * (MicrosoftDocs/azure-devops-docs, docs/service-hooks/services/webhooks.md, "Resource details to
 * send"); which fields each event keeps is unverified. The simulator keeps the top-level ids, URLs
 * and names with a plain value (`pushId`, `url`, `repositoryId`, `oldName`, …) and drops every
 * object and array, so a client built against it relies on nothing beyond that minimum: no
 * `repository`, no `refUpdates`, no `commits`.
 */
export function minimalResource(resource: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(resource).filter(
      ([key, value]) => KEY_FIELD.test(key) && (typeof value === 'string' || typeof value === 'number'),
    ),
  );
}
