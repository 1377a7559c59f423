/** `@aloft/storage/s3`: the S3 blob store, a separate entry point so the AWS SDK loads only when it is used. */
export { FLYTE_CONTENT_MD5_METADATA, S3BlobStore } from "./s3-blob-store.js";
export type { S3BlobStoreOptions, S3Credentials } from "./s3-blob-store.js";
