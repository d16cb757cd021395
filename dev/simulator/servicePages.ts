/**
 * The HTML pages Azure DevOps Services answers instead of JSON. A client that parses every body as
 * JSON, or prints every body it cannot parse, meets these; the shapes and their sources are stated
 * in `fidelity/errors.fidelity.test.ts`. Only the parts clients tell them apart by (status, content
 * type, title) are kept: the live pages are several kilobytes of styles and scripts.
 */
import { HTML_CONTENT_TYPE, type Reply } from './reply';

/**
 * 203 with the sign-in page: what Services answers a GET whose credentials it does not know when
 * the client sends `X-TFS-FedAuthRedirect: Suppress` (the module does); clients that only check
 * `res.ok` take it for a success.
 */
export function signInReply(): Reply {
  return {
    status: 203,
    headers: { 'content-type': HTML_CONTENT_TYPE, 'x-content-type-options': 'nosniff' },
    body: [
      '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
      '<html lang="en-US">',
      '<head><title>',
      '            Azure DevOps Services | Sign In',
      '</title></head>',
      '<body></body>',
      '</html>',
      '',
    ].join('\n'),
  };
}

/** 503 with the page the service's front door shows during an outage. */
export function outageReply(): Reply {
  return {
    status: 503,
    headers: { 'content-type': HTML_CONTENT_TYPE },
    body: [
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head><meta charset="utf-8"><title>Azure DevOps Services Unavailable</title>',
      '<style>body { font-family: "Segoe UI", sans-serif; }</style></head>',
      "<body><h2>Sorry! Our services aren't available right now.</h2>",
      '<p>We\'re working to restore all services as soon as possible. Please check back soon.</p></body>',
      '</html>',
      '',
    ].join('\r\n'),
  };
}

/** 404 with an HTML page rather than an error envelope, as a route the service does not know gets it. */
export function pageNotFoundReply(): Reply {
  return {
    status: 404,
    headers: { 'content-type': HTML_CONTENT_TYPE },
    body: [
      '<!DOCTYPE html>',
      '<html lang="en">',
      '<head><meta charset="utf-8"><title>Page not found.</title>',
      '<style>html { height: 100%; }</style></head>',
      '<body><h1>Page not found.</h1><p>The page you are looking for does not exist.</p></body>',
      '</html>',
      '',
    ].join('\r\n'),
  };
}
