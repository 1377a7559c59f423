import { describe, expect, it } from "vitest";
import { Code } from "@aloft/idl";
import { fileUri, formatBlobUri, joinUri, parseBlobUri } from "./index.js";
import { expectThrowsAloftError } from "./blob-store-suite.test-helper.js";

describe("joinUri", () => {
  it("joins as Flyte's ConstructReference in Flyte's own tests", () => {
    // flytestdlib/storage/url_path_test.go and flyteplugins ioutils/raw_output_path_test.go
    expect(joinUri("hello", "key1", "key2/", "key3")).toBe("/hello/key1/key2/key3");
    expect(joinUri("s3://flyte", "x", "unique")).toBe("s3://flyte/x/unique");
    expect(joinUri("s3://sandbox/", "x", "fpmmhh6q")).toBe("s3://sandbox/x/fpmmhh6q");
    expect(joinUri("s3://bucket", "project", "domain", "exec", "n1", "0", "task1")).toBe(
      "s3://bucket/project/domain/exec/n1/0/task1",
    );
  });

  it("trims slashes around each part but keeps the slashes inside one", () => {
    expect(joinUri("s3://b/a/", "/metadata/propeller/", "//p-d-e")).toBe("s3://b/a/metadata/propeller/p-d-e");
    expect(joinUri("file:///var/lib/aloft", "x")).toBe("file:///var/lib/aloft/x");
  });

  it("leaves a trailing slash when there is nothing to join, as Go's resolver does", () => {
    expect(joinUri("s3://b/a")).toBe("s3://b/a/");
    expect(joinUri("s3://b/a", "")).toBe("s3://b/a/");
    expect(joinUri("s3://b")).toBe("s3://b/");
  });

  it("resolves dot segments, never above the bucket", () => {
    expect(joinUri("s3://b/a/b", "../c")).toBe("s3://b/a/c");
    expect(joinUri("s3://b/a", "./c/.")).toBe("s3://b/a/c/");
    expect(joinUri("s3://b/a", "../../../x")).toBe("s3://b/x");
  });

  it("escapes what Go escapes and keeps paths that are already valid", () => {
    expect(joinUri("s3://b/a", "x y")).toBe("s3://b/a/x%20y");
    expect(joinUri("s3://b/a", "é")).toBe("s3://b/a/%C3%A9");
    expect(joinUri("s3://b/a(1)", "d/z:@$&+,;=")).toBe("s3://b/a(1)/d/z:@$&+,;=");
    expect(joinUri("s3://b/a(1)%41", "x y")).toBe("s3://b/a%281%29A/x%20y");
    expect(joinUri("S3://b", "k")).toBe("s3://b/k");
  });

  it("refuses parts Go would misread and malformed escapes", () => {
    expectThrowsAloftError(
      () => joinUri("s3://b", "a?b"),
      Code.InvalidArgument,
      'cannot join ["a?b"] to "s3://b": a part must not contain "?" or "#"',
    );
    expectThrowsAloftError(() => joinUri("s3://b", "x#y"), Code.InvalidArgument, /must not contain "\?" or "#"/);
    expectThrowsAloftError(
      () => joinUri("s3://b", "gs:x"),
      Code.InvalidArgument,
      'cannot join ["gs:x"] to "s3://b": the first segment must not contain ":"',
    );
    expectThrowsAloftError(() => joinUri("s3://b", "a%zz"), Code.InvalidArgument, /invalid percent escape "%zz"/);
    expectThrowsAloftError(() => joinUri("s3://b", "a\nb"), Code.InvalidArgument, /control characters/);
    expectThrowsAloftError(() => joinUri("s3://b?q=1", "a"), Code.InvalidArgument, /a query or fragment/);
  });
});

describe("parseBlobUri", () => {
  it("splits scheme, bucket and decoded key as Flyte's DataReference.Split", () => {
    expect(parseBlobUri("s3://bucket/a/b/")).toEqual({
      scheme: "s3",
      bucket: "bucket",
      key: "a/b",
      endsWithSlash: true,
    });
    expect(parseBlobUri("S3://bucket/a%20b(1)")).toEqual({
      scheme: "s3",
      bucket: "bucket",
      key: "a b(1)",
      endsWithSlash: false,
    });
    expect(parseBlobUri("file:///tmp/x")).toEqual({ scheme: "file", bucket: "", key: "tmp/x", endsWithSlash: false });
    expect(parseBlobUri("s3://bucket")).toEqual({ scheme: "s3", bucket: "bucket", key: "", endsWithSlash: false });
  });

  it("refuses what is not scheme://bucket/key", () => {
    expectThrowsAloftError(
      () => parseBlobUri("/just/a/path"),
      Code.InvalidArgument,
      'invalid blob URI "/just/a/path": expected scheme://bucket/key',
    );
    expectThrowsAloftError(() => parseBlobUri("s3://b/k?versionId=1"), Code.InvalidArgument, /a query or fragment/);
    expectThrowsAloftError(() => parseBlobUri("s3://b/%ff"), Code.InvalidArgument, /does not decode to UTF-8/);
    expectThrowsAloftError(() => parseBlobUri("s3://b/%4"), Code.InvalidArgument, /invalid percent escape/);
  });

  it("round-trips keys through formatBlobUri", () => {
    const key = "dir/a b#?%é(1)";
    const uri = formatBlobUri({ scheme: "s3", bucket: "b", key });

    expect(uri).toBe("s3://b/dir/a%20b%23%3F%25%C3%A9%281%29");
    expect(parseBlobUri(uri).key).toBe(key);
    expect(fileUri("/tmp/a b")).toBe("file:///tmp/a%20b");
  });
});
