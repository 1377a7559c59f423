import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { SETTINGS } from "../authoring.test-helper.js";
import { nameFromLocation } from "../entities/registry.js";
import { dnsify } from "../workflow/dnsify.js";
import { resolveImage } from "./resolve-image.js";
import { SDK_VERSION } from "./sdk-version.js";

describe("names", () => {
  test("entities are named <module with / → .>.<export>, without the file extension", () => {
    expect(nameFromLocation({ module: "examples/basics/hello", exportName: "sayHello" })).toBe(
      "examples.basics.hello.sayHello",
    );
    expect(nameFromLocation({ module: "src/flows/etl.ts", exportName: "load" })).toBe("src.flows.etl.load");
    expect(nameFromLocation({ module: "main", exportName: "wf" })).toBe("main.wf");
  });

  test("node names are DNS-1123 labels made as flytekit's _dnsify makes them", () => {
    expect(dnsify("node-t1-parent")).toBe("node-t1-parent");
    expect(dnsify("Square_It")).toBe("square-it");
    expect(dnsify("_leading.dots.and_Caps")).toBe("leading-dots-and-caps");
    expect(dnsify("trailing-")).toBe("trailing");
    expect(dnsify("weird!@#chars")).toBe("weirdchars");
    // 63 characters or more: a 10-character sha224 prefix, a dash, and the tail.
    const long = dnsify("a".repeat(70));
    expect(long).toMatch(/^[0-9a-f]{10}-a{52}$/);
  });
});

describe("images", () => {
  const settings = { ...SETTINGS, images: { gpu: "ghcr.io/acme/gpu:2.1", pinned: "ghcr.io/acme/pinned@sha256:abc" } };

  test("the default image when none is given, the image itself when it has no template", () => {
    expect(resolveImage(undefined, settings)).toBe(SETTINGS.image);
    expect(resolveImage("python:3.12", settings)).toBe("python:3.12");
  });

  test("{{.image.<name>.fqn}}, .version and the whole image are replaced from the settings", () => {
    expect(resolveImage("{{.image.gpu.fqn}}:{{.image.gpu.version}}", settings)).toBe("ghcr.io/acme/gpu:2.1");
    expect(resolveImage("{{ .images.gpu }}", settings)).toBe("ghcr.io/acme/gpu:2.1");
    expect(resolveImage("{{.image.default.fqn}}:custom", settings)).toBe("ghcr.io/aloft/sdk:custom");
    // A digest version takes `@`, as flytekit writes it.
    expect(resolveImage("{{.image.pinned.fqn}}:{{.image.pinned.version}}", settings)).toBe(
      "ghcr.io/acme/pinned@sha256:abc",
    );
  });
});

test("the runtime version written into tasks is the package's version", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  expect(SDK_VERSION).toBe(pkg.version);
});
