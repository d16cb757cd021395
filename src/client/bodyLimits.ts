/**
 * How many bytes of an answer the client reads before it stops, hangs up and reports the answer
 * as too large: no body is held in memory past its limit. Catalog files have the profile's own
 * limit (`backstageCatalog.maxFileBytes`).
 */

/**
 * Any JSON answer (listings, pages of projects and activity): 256 MiB. The organization-wide
 * repository listing has no paging and takes under 1 KiB per repository (8 MB at 10,000, see the
 * README's Performance), so this is room for over 250,000 repositories, five times the largest
 * organization measured.
 */
export const MAX_LISTING_BYTES = 256 * 1024 * 1024;

/** An answer that is not a success: only its error envelope is read, which is a few hundred bytes. */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;
