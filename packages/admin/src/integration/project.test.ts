/**
 * flyteadmin's `tests/project_test.go`, against a running admin over gRPC and REST (protobuf bodies). As in the Go
 * suite, projects are never truncated; each test registers its own.
 */
import { ResourceType } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { Code } from "@connectrpc/connect";
import { expect, it } from "vitest";
import { identifier, rejection } from "./flyteadmin-requests.test-helper.js";
import { describeIntegration, TRANSPORTS } from "./integration-harness.test-helper.js";

const DOMAINS = ["development", "domain", "staging", "production"];

/** `utils.AssertEqualWithSanitizedRegex`: compares with all whitespace removed. */
const sanitized = (text: string) => text.replace(/\s+/g, "");

describeIntegration("flyteadmin integration: projects", (admin) => {
  for (const transport of TRANSPORTS) {
    const suffix = transport === "grpc" ? "" : "-rest";

    it(`TestCreateProject [${transport}]: tasks of an unknown project are NOT_FOUND; a registered project lists with the domains`, async () => {
      await admin().truncateAllTables();
      const client = admin().client(transport);
      const projectId = `potato${suffix}`;
      const error = await rejection(() =>
        client.getTask({ id: identifier(ResourceType.TASK, projectId, "development", "task", "1234") }),
      );
      expect(error.code).toBe(Code.NotFound);
      expect(sanitized(error.rawMessage!)).toBe(
        sanitized(
          `missing entity of type TASK with identifier project:"${projectId}"  domain:"development"  name:"task"  version:"1234" `,
        ),
      );

      await client.registerProject({ project: { id: projectId, name: "spud" } });
      const projects = await client.listProjects({});
      expect(projects.projects.length).toBeGreaterThan(0);
      const registered = projects.projects.find((p) => p.id === projectId);
      expect(registered?.name).toBe("spud");
      for (const project of projects.projects) {
        for (const domain of project.domains) {
          expect(DOMAINS).toContain(domain.id);
          expect(DOMAINS).toContain(domain.name);
        }
      }
    });

    it(`TestUpdateProjectDescription [${transport}]: UpdateProject changes name and description and keeps the labels`, async () => {
      await admin().truncateAllTables();
      const client = admin().client(transport);
      const projectId = `potato1${suffix}`;
      await client.registerProject({
        project: { id: projectId, name: "spud", labels: { values: { foo: "bar", bar: "baz" } } },
      });
      expect((await client.listProjects({})).projects.length).toBeGreaterThan(0);

      await client.updateProject({ id: projectId, name: "foobar", description: "a-new-description" });

      const updated = (await client.listProjects({})).projects.find((p) => p.id === projectId);
      expect(updated?.name).toBe("foobar");
      expect(updated?.description).toBe("a-new-description");
      expect(updated?.labels?.values).toEqual({ foo: "bar", bar: "baz" });
    });

    it(`TestUpdateProjectLabels [${transport}]: UpdateProject replaces the name and sets labels`, async () => {
      const client = admin().client(transport);
      const projectId = `potato2${suffix}`;
      await client.registerProject({ project: { id: projectId, name: "spud" } });
      const projects = await client.listProjects({});
      expect(projects.projects.length).toBeGreaterThan(0);

      await client.updateProject({ id: projectId, name: "foobar", labels: { values: { foo: "bar", bar: "baz" } } });

      const updated = (await client.listProjects({})).projects.find((p) => p.id === projectId);
      expect(updated?.name).toBe("foobar");
      expect(updated?.labels?.values).toEqual({ foo: "bar", bar: "baz" });
    });

    it(`TestUpdateProjectLabels_BadLabels [${transport}]: a label value starting with # is INVALID_ARGUMENT with the k8s message`, async () => {
      const client = admin().client(transport);
      const projectId = `potato4${suffix}`;
      await client.registerProject({ project: { id: projectId, name: "spud" } });
      expect((await client.listProjects({})).projects.length).toBeGreaterThan(0);

      const error = await rejection(() =>
        client.updateProject({ id: projectId, name: "foobar", labels: { values: { foo: "#bar", bar: "baz" } } }),
      );
      expect(error.code).toBe(Code.InvalidArgument);
      expect(error.rawMessage).toBe(
        "invalid label value [#bar]: [a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')]",
      );
    });

    it(`TestGetDomains [${transport}]: answers the configured domains`, async () => {
      const domains = await admin().client(transport).getDomains({});
      expect(domains.domains.length).toBeGreaterThan(0);
      for (const domain of domains.domains) {
        expect(DOMAINS).toContain(domain.id);
        expect(DOMAINS).toContain(domain.name);
      }
    });
  }
});
