/**
 * flyteadmin's `tests/attributes_test.go`, against a running admin over gRPC and REST (protobuf bodies).
 */
import { create, equals } from "@bufbuild/protobuf";
import {
  MatchableAttributesConfigurationSchema,
  MatchableResource,
  type MatchingAttributes,
  MatchingAttributesSchema,
} from "@aloft/idl/gen/flyteidl/admin/matchable_resource_pb";
import { ProjectDomainAttributesGetResponseSchema } from "@aloft/idl/gen/flyteidl/admin/project_domain_attributes_pb";
import { WorkflowAttributesGetResponseSchema } from "@aloft/idl/gen/flyteidl/admin/workflow_attributes_pb";
import { Code } from "@connectrpc/connect";
import { expect, it } from "vitest";
import { rejection } from "./flyteadmin-requests.test-helper.js";
import { describeIntegration, TRANSPORTS } from "./integration-harness.test-helper.js";

const matchingAttributes = create(MatchingAttributesSchema, {
  target: { case: "taskResourceAttributes", value: { defaults: { cpu: "1" } } },
});

function clusterAttributes(value: string): MatchingAttributes {
  return create(MatchingAttributesSchema, {
    target: { case: "clusterResourceAttributes", value: { attributes: { key: value } } },
  });
}

const scope = { project: "admintests", domain: "development" };

describeIntegration("flyteadmin integration: matchable attributes", (admin) => {
  for (const transport of TRANSPORTS) {
    it(`TestUpdateClusterResourceAttributes [${transport}]: project-domain CLUSTER_RESOURCE upserts, lists once, reads back`, async () => {
      await admin().truncateTable("resources");
      const client = admin().client(transport);
      const get = () =>
        client.getProjectDomainAttributes({ ...scope, resourceType: MatchableResource.CLUSTER_RESOURCE });

      for (const attributes of [clusterAttributes("value"), clusterAttributes("value2")]) {
        await client.updateProjectDomainAttributes({ attributes: { ...scope, matchingAttributes: attributes } });
        const list = await client.listMatchableAttributes({ resourceType: MatchableResource.CLUSTER_RESOURCE });
        expect(list.configurations).toHaveLength(1);
        const expected = create(ProjectDomainAttributesGetResponseSchema, {
          attributes: { ...scope, matchingAttributes: attributes },
        });
        expect(equals(ProjectDomainAttributesGetResponseSchema, expected, await get())).toBe(true);
      }
    });

    it(`TestUpdateProjectDomainAttributes [${transport}]: TASK_RESOURCE upsert, workflow fallback, delete then NOT_FOUND`, async () => {
      await admin().truncateTable("resources");
      const client = admin().client(transport);
      const get = () => client.getProjectDomainAttributes({ ...scope, resourceType: MatchableResource.TASK_RESOURCE });

      await client.updateProjectDomainAttributes({ attributes: { ...scope, matchingAttributes } });
      const expected = create(ProjectDomainAttributesGetResponseSchema, {
        attributes: { ...scope, matchingAttributes },
      });
      expect(equals(ProjectDomainAttributesGetResponseSchema, expected, await get())).toBe(true);

      const updatedMatchingAttributes = create(MatchingAttributesSchema, {
        target: { case: "taskResourceAttributes", value: { defaults: { cpu: "1" } } },
      });
      await client.updateProjectDomainAttributes({
        attributes: { ...scope, matchingAttributes: updatedMatchingAttributes },
      });
      const updated = create(ProjectDomainAttributesGetResponseSchema, {
        attributes: { ...scope, matchingAttributes: updatedMatchingAttributes },
      });
      expect(equals(ProjectDomainAttributesGetResponseSchema, updated, await get())).toBe(true);

      // Without workflow-level attributes the project-domain row is returned, with an empty workflow.
      const workflowResponse = await client.getWorkflowAttributes({
        ...scope,
        workflow: "workflow",
        resourceType: MatchableResource.TASK_RESOURCE,
      });
      const fallback = create(WorkflowAttributesGetResponseSchema, {
        attributes: { ...scope, workflow: "", matchingAttributes },
      });
      expect(equals(WorkflowAttributesGetResponseSchema, fallback, workflowResponse)).toBe(true);

      await client.deleteProjectDomainAttributes({ ...scope, resourceType: MatchableResource.TASK_RESOURCE });
      const error = await rejection(get);
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toBe(
        "Resource [{Project:admintests Domain:development Workflow: LaunchPlan: ResourceType:TASK_RESOURCE}] not found",
      );
    });

    it(`TestUpdateWorkflowAttributes [${transport}]: workflow TASK_RESOURCE update, get, delete then NOT_FOUND`, async () => {
      await admin().truncateTable("resources");
      const client = admin().client(transport);
      const request = { ...scope, workflow: "workflow", resourceType: MatchableResource.TASK_RESOURCE };

      await client.updateWorkflowAttributes({ attributes: { ...scope, workflow: "workflow", matchingAttributes } });
      const expected = create(WorkflowAttributesGetResponseSchema, {
        attributes: { ...scope, workflow: "workflow", matchingAttributes },
      });
      expect(equals(WorkflowAttributesGetResponseSchema, expected, await client.getWorkflowAttributes(request))).toBe(
        true,
      );

      await client.deleteWorkflowAttributes(request);
      const error = await rejection(() => client.getWorkflowAttributes(request));
      expect(error.code).toBe(Code.NotFound);
      expect(error.rawMessage).toBe(
        "Resource [{Project:admintests Domain:development Workflow:workflow LaunchPlan: ResourceType:TASK_RESOURCE}] not found",
      );
    });

    it(`TestListAllMatchableAttributes [${transport}]: one project-domain TASK_RESOURCE row lists as exactly that configuration`, async () => {
      await admin().truncateTable("resources");
      const client = admin().client(transport);
      await client.updateProjectDomainAttributes({ attributes: { ...scope, matchingAttributes } });
      const response = await client.listMatchableAttributes({ resourceType: MatchableResource.TASK_RESOURCE });
      expect(response.configurations).toHaveLength(1);
      const expected = create(MatchableAttributesConfigurationSchema, { ...scope, attributes: matchingAttributes });
      expect(equals(MatchableAttributesConfigurationSchema, expected, response.configurations[0]!)).toBe(true);
    });
  }
});
