import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { parseClientConfig } from "./client-config.js";
import { parseAdminEndpoint } from "./admin-endpoint.js";

describe("parseClientConfig", () => {
  it("reads the keys aloft uses from a flytectl file and ignores the rest", () => {
    const text = `
admin:
  endpoint: dns:///flyte.example.com:443
  insecure: false
  insecureSkipVerify: true
  caCertFilePath: /etc/ssl/ca.pem
  authType: pkce
  clientId: flytectl
  scopes: [all]
  maxMessageSizeBytes: 8388608
console:
  endpoint: https://console.example.com
logger:
  level: 5
storage:
  type: minio
root:
  project: flytesnacks
  domain: development
  output: json
files:
  version: 7
  continueOnError: true
  k8ServiceAccount: legacy-sa
`;
    expect(parseClientConfig(text, "config.yaml")).toEqual({
      admin: {
        endpoint: "dns:///flyte.example.com:443",
        insecure: false,
        insecureSkipVerify: true,
        caCertFilePath: "/etc/ssl/ca.pem",
        authType: "Pkce",
        maxMessageSizeBytes: 8388608,
      },
      console: { endpoint: "https://console.example.com" },
      root: { project: "flytesnacks", domain: "development", output: "json" },
      files: { version: "7", continueOnError: true, k8sServiceAccount: "legacy-sa" },
    });
  });

  it("reads an empty file as nothing configured", () => {
    expect(parseClientConfig("", "c.yaml")).toEqual({ admin: {}, console: {}, root: {}, files: {} });
    expect(parseClientConfig("# only a comment\n", "c.yaml")).toEqual({ admin: {}, console: {}, root: {}, files: {} });
  });

  it.each([
    ["admin:\n  insecure: maybe\n", "config file c.yaml: admin.insecure must be true or false"],
    ["admin:\n  endpoint: [a, b]\n", "config file c.yaml: admin.endpoint must be a string"],
    ["admin: yes\n", "config file c.yaml: admin must be a mapping"],
    ["- a\n- b\n", "config file c.yaml: the file must hold a mapping of keys to values"],
    [
      "admin:\n  authType: Kerberos\n",
      "config file c.yaml: admin.authType must be one of ClientSecret, Pkce, ExternalCommand, DeviceFlow, not Kerberos",
    ],
    [
      "admin:\n  maxMessageSizeBytes: -1\n",
      "config file c.yaml: admin.maxMessageSizeBytes must be a positive whole number",
    ],
  ])("refuses %j naming the key", (text, message) => {
    expect(() => parseClientConfig(text, "c.yaml")).toThrow(message);
  });

  it("refuses YAML that does not parse, as a failure naming the file", () => {
    let error: unknown;
    try {
      parseClientConfig("admin:\n  endpoint: [unclosed\n", "/home/u/.flyte/config.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toMatch(/^cannot parse the config file \/home\/u\/\.flyte\/config\.yaml: /);
  });
});

describe("parseAdminEndpoint", () => {
  it.each([
    ["dns:///localhost:30080", true, "http://localhost:30080", false],
    ["dns:///flyte.example.com", false, "https://flyte.example.com:443", true],
    ["dns://8.8.8.8/flyte.example.com:8443", false, "https://flyte.example.com:8443", true],
    ["localhost:8089", true, "http://localhost:8089", false],
    ["127.0.0.1:8089", false, "https://127.0.0.1:8089", true],
    ["[::1]:8089", true, "http://[::1]:8089", false],
    ["http://localhost:8089", false, "http://localhost:8089", false],
    ["https://flyte.example.com", true, "https://flyte.example.com", true],
    ["http://localhost:8089/", false, "http://localhost:8089", false],
  ])("%s (insecure %s) → %s", (endpoint, insecure, baseUrl, tls) => {
    expect(parseAdminEndpoint(endpoint, { insecure, source: "test" })).toEqual({ baseUrl, tls });
  });

  it.each([
    ["dns://flyte.example.com", "write dns:///host:port, with three slashes"],
    ["grpc://flyte.example.com", "unknown scheme grpc://"],
    ["http://flyte.example.com/api", "gRPC endpoints have no path"],
    ["flyte.example.com:99999", "the port must be from 1 to 65535"],
    ["host:port:extra", "expected host or host:port"],
    ["", "expected host or host:port"],
  ])("refuses %j: %s", (endpoint, why) => {
    expect(() => parseAdminEndpoint(endpoint, { insecure: true, source: "--admin" })).toThrow(
      `--admin: ${JSON.stringify(endpoint)} is not an admin endpoint (${why})`,
    );
  });
});
