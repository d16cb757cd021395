import { badRequest, itemNotFound } from './azureDevOpsErrors';
import { gitBlobSha1, normalizeFilePath } from './organization';
import { jsonReply, type Reply } from './reply';
import { isTrue, requireRepository, type RouteHandler } from './routeContext';
import { readVersionDescriptor, resolveVersion, versionLabel } from './versionDescriptor';

/**
 * One file or folder at a version. What comes back depends on the media type asked for, as the
 * server decides it (decompiled Azure DevOps Server 2022 `GitItemsController.GetItemsFromPath`;
 * MicrosoftDocs/azure-devops-docs, docs/integrate/previous-apis/git/items.md: "`text/plain` or
 * other: return contents of the item"):
 *
 * - `$format=json` or `Accept: application/json`: the item's metadata, with `content` when
 *   `includeContent=true` and `contentMetadata` when `includeContentMetadata=true`;
 * - anything else (`text/plain`, `application/octet-stream`, the wildcard, no Accept at all): the
 *   file's bytes. A folder has none, so it answers its metadata whatever was asked.
 *
 * Errors stay JSON envelopes whatever was asked.
 */
export const items: RouteHandler = context => {
  const located = requireRepository(context, { includeDisabled: false });
  if (!located.ok) return located.reply;
  const { project, repository: found } = located.value;
  const rawPath = context.query.get('path') ?? context.target.itemPath;
  if (!rawPath) return badRequest('The path parameter must be given.');
  const descriptor = readVersionDescriptor(context.query, 'versionDescriptor');
  if (!descriptor.ok) return descriptor.reply;
  const commitId = resolveVersion(found, descriptor.value);
  if (!commitId.ok) return commitId.reply;

  const filePath = normalizeFilePath(rawPath);
  const withMetadata = isTrue(context.query.get('includeContentMetadata'));
  const content = Object.hasOwn(found.files, filePath) ? found.files[filePath] : undefined;
  if (content === undefined && Object.keys(found.files).some(path => path.startsWith(`${filePath}/`))) {
    return jsonReply({
      objectId: gitBlobSha1(filePath),
      gitObjectType: 'tree',
      commitId: commitId.value,
      path: `/${filePath}`,
      isFolder: true,
      ...(withMetadata ? { contentMetadata: { fileName: fileNameOf(filePath) } } : {}),
    });
  }
  if (content === undefined) {
    return itemNotFound(`/${filePath}`, found.name, versionLabel(descriptor.value, found));
  }
  if (!asksForJson(context.query.get('$format'), context.acceptType)) return rawReply(filePath, content);
  const url = `${context.urls.repository(project, found)}/items?path=${encodeURIComponent(`/${filePath}`)}&versionType=${descriptor.value.kind}&version=${encodeURIComponent(descriptor.value.version ?? found.defaultBranch ?? '')}`;
  return jsonReply({
    objectId: gitBlobSha1(content),
    gitObjectType: 'blob',
    commitId: commitId.value,
    path: `/${filePath}`,
    ...(withMetadata ? { contentMetadata: fileContentMetadata(filePath) } : {}),
    ...(isTrue(context.query.get('includeContent')) ? { content } : {}),
    url,
  });
};

/** `$format` overrides Accept (Microsoft docs, Items - Get). */
function asksForJson(format: string | null, acceptType: string): boolean {
  const requested = format?.toLowerCase();
  if (requested === 'json') return true;
  if (requested === 'text' || requested === 'octetstream') return false;
  return acceptType === 'application/json';
}

/**
 * Content types the server's MimeMap gives an extension. The map is an embedded resource of the
 * server, not public: only types that are certain are listed, and every other extension (`.yaml`
 * and `.md` among them: unverified) answers like an unknown one.
 */
const CONTENT_TYPES_BY_EXTENSION: Record<string, string> = {
  txt: 'text/plain',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
};

function extensionOf(filePath: string): string | undefined {
  const fileName = fileNameOf(filePath);
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot + 1) : undefined;
}

function fileNameOf(filePath: string): string {
  return filePath.slice(filePath.lastIndexOf('/') + 1);
}

function contentTypeOf(filePath: string): string {
  const extension = extensionOf(filePath)?.toLowerCase();
  return (extension && CONTENT_TYPES_BY_EXTENSION[extension]) || 'application/octet-stream';
}

/**
 * The file's bytes. The Content-Type comes from the file's extension, never from Accept, narrowed
 * by the server's `GetSafeResponseContentType` to `text/plain`, `image/*`, `audio/*`, `video/*`
 * or `application/octet-stream`; an octet stream comes as an attachment.
 */
function rawReply(filePath: string, content: string): Reply {
  const mapped = contentTypeOf(filePath);
  const safe = /^(image|audio|video)\//.test(mapped) ? mapped : mapped.startsWith('text/') ? 'text/plain' : 'application/octet-stream';
  const headers: Record<string, string> = { 'content-type': safe };
  // The exact header the server's ContentDispositionBuilder writes is unverified.
  if (safe === 'application/octet-stream') headers['content-disposition'] = `attachment; filename="${fileNameOf(filePath)}"`;
  return { status: 200, headers, body: content };
}

/**
 * `FileContentMetadata` of a file: every field is left out at its default (false, 0, null), as the
 * data contract says (`EmitDefaultValue = false`). Shape as in the docs' example (items.md above):
 * `{"encoding":65001,"contentType":"application/xml","fileName":"Web.config","extension":"config"}`;
 * the simulator's files are all UTF-8 text (65001) unless their extension names an image. `vsLink`
 * is in the contract but in no recorded answer, so it is left out.
 */
function fileContentMetadata(filePath: string): Record<string, unknown> {
  const extension = extensionOf(filePath);
  const contentType = contentTypeOf(filePath);
  const isImage = contentType.startsWith('image/');
  return {
    ...(isImage ? {} : { encoding: 65001 }),
    contentType,
    fileName: fileNameOf(filePath),
    ...(extension ? { extension } : {}),
    ...(isImage ? { isBinary: true, isImage: true } : {}),
  };
}
