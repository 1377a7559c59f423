import { describe, expect, it } from "vitest";
import { computeVersion } from "./compute-version.js";

const settings = {
  project: "flytesnacks",
  domain: "development",
  image: "ghcr.io/me/app:1",
  images: { b: "x/b:2", a: "x/a:1" },
  env: { B: "2", A: "1" },
};
const digest = "0123456789abcdef0123456789abcdef";

describe("computeVersion", () => {
  it("hashes the digest, the settings, the SDK version and the images as flytekit's _version_from_hash", () => {
    // Computed independently with Python's hashlib and base64.urlsafe_b64encode (padding stripped).
    const version = computeVersion({
      digest,
      settings,
      images: ["x/b:2", "ghcr.io/me/app:1", "x/b:2"],
      sdkVersion: "0.1.0",
    });
    expect(version).toBe("da3nqQUitLLuK5scDwpjGQ");
  });

  it("gives the same version for the same content whatever the order of keys and images", () => {
    const a = computeVersion({ digest, settings, images: ["x/b:2", "ghcr.io/me/app:1"] });
    const b = computeVersion({
      digest,
      settings: { ...settings, images: { a: "x/a:1", b: "x/b:2" }, env: { A: "1", B: "2" } },
      images: ["ghcr.io/me/app:1", "x/b:2"],
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("changes with the code, the settings, the images and the SDK version", () => {
    const base = computeVersion({ digest, settings, images: [] });
    const others = [
      computeVersion({ digest: "f".repeat(32), settings, images: [] }),
      computeVersion({ digest, settings: { ...settings, domain: "production" }, images: [] }),
      computeVersion({ digest, settings: { ...settings, code: { kind: "image" } }, images: [] }),
      computeVersion({ digest, settings, images: ["other:1"] }),
      computeVersion({ digest, settings, images: [], sdkVersion: "9.9.9" }),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });
});
