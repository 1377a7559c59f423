/**
 * The errors propeller branches on when admin rejects an event (flyteadmin `errors.go`,
 * `validation/shared_execution.go`): FAILED_PRECONDITION with a typed `EventFailureReason` detail.
 */
import { create } from "@bufbuild/protobuf";
import { AloftError } from "@aloft/idl";
import {
  EventErrorAlreadyInTerminalStateSchema,
  EventErrorIncompatibleClusterSchema,
  EventFailureReasonSchema,
} from "@aloft/idl/gen/flyteidl/admin/event_pb";

/** The producer id old propellers hard-code; events carrying it (or none) are never cluster-checked. */
export const DEFAULT_PRODUCER_ID = "propeller";

/** FAILED_PRECONDITION with `EventFailureReason.already_in_terminal_state{current_phase}`. */
export function alreadyInTerminalStateError(message: string, currentPhase: string): AloftError {
  return AloftError.failedPrecondition(message, {
    details: [
      create(EventFailureReasonSchema, {
        reason: {
          case: "alreadyInTerminalState",
          value: create(EventErrorAlreadyInTerminalStateSchema, { currentPhase }),
        },
      }),
    ],
  });
}

/** FAILED_PRECONDITION with `EventFailureReason.incompatible_cluster{cluster}`. */
export function incompatibleClusterError(message: string, cluster: string): AloftError {
  return AloftError.failedPrecondition(message, {
    details: [
      create(EventFailureReasonSchema, {
        reason: { case: "incompatibleCluster", value: create(EventErrorIncompatibleClusterSchema, { cluster }) },
      }),
    ],
  });
}

/** True when an event's producer id is subject to the cluster check (not empty, not the legacy default). */
export function isClusterCheckedProducer(producerId: string): boolean {
  return producerId !== "" && producerId !== DEFAULT_PRODUCER_ID;
}

/**
 * flyteadmin's `ValidateCluster`: an event must come from the cluster recorded for its execution.
 * @throws AloftError FailedPrecondition "Cluster/producer from event [<event>] does not match existing workflow
 *   execution clusterInDB: [<db>]" with an `incompatible_cluster{cluster: <event cluster>}` detail.
 */
export function validateEventCluster(clusterInDb: string, clusterInEvent: string): void {
  if (!isClusterCheckedProducer(clusterInEvent) || clusterInEvent === clusterInDb) return;
  throw incompatibleClusterError(
    `Cluster/producer from event [${clusterInEvent}] does not match existing workflow execution clusterInDB: [${clusterInDb}]`,
    clusterInEvent,
  );
}
