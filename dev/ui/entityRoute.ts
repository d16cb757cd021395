/** The app's path of an entity page, as the catalog links to it: `/catalog/<namespace>/<kind>/<name>`. */
export function entityRoute(ref: string): string {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) {
    throw new Error(`Not an entity ref: ${ref}`);
  }
  const [, kind, namespace = 'default', name] = match;
  return `/catalog/${namespace.toLowerCase()}/${kind!.toLowerCase()}/${name}`;
}
