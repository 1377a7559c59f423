/**
 * The {@link SignalManager} (flyteadmin `signal_manager.go`): gate-node signals an engine declares and a user
 * (or the console) sets.
 */
import { create } from "@bufbuild/protobuf";
import { AloftError, literalToString, literalTypeToString } from "@aloft/idl";
import { isCastable } from "@aloft/compiler";
import { SignalListSchema, SignalSetResponseSchema } from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import { LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { LiteralTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { Repositories } from "../repositories/create-repositories.js";
import { Entity } from "../repositories/filters/filter-entities.js";
import { identifierFilters } from "../repositories/filters/filter-expression.js";
import type { SignalKey } from "../repositories/keys.js";
import { executionKeyFromId, signalKeyFromId } from "../transformers/identifier-transformer.js";
import { decodeColumn, encodeColumn } from "../transformers/proto-bytes.js";
import { signalFromRow, signalToRow } from "../transformers/signal-transformer.js";
import { listInputFrom, pageTokenAfter } from "../validation/list-input.js";
import { validatedLiteralType } from "../validation/literal-validation.js";
import {
  validateSignalGetOrCreateRequest,
  validateSignalListRequest,
  validateSignalSetRequest,
} from "../validation/signal-validation.js";
import type { SignalManager } from "./interfaces.js";

/** What {@link createSignalManager} reads. */
export interface SignalManagerDeps {
  repos: Pick<Repositories, "signals">;
}

/** Builds the {@link SignalManager}. */
export function createSignalManager(deps: SignalManagerDeps): SignalManager {
  const { repos } = deps;
  return {
    async getOrCreateSignal(request) {
      validateSignalGetOrCreateRequest(request);
      const { row } = await repos.signals.getOrCreate(signalToRow({ id: request.id, type: request.type }));
      return signalFromRow(row);
    },

    async listSignals(request) {
      validateSignalListRequest(request);
      const input = listInputFrom(request, {
        entity: Entity.Signal,
        listName: "ListSignals",
        baseFilters: identifierFilters(Entity.Signal, executionKeyFromId(request.workflowExecutionId)),
      });
      const rows = await repos.signals.list(input);
      return create(SignalListSchema, { signals: rows.map(signalFromRow), token: pageTokenAfter(input, rows.length) });
    },

    async setSignal(request) {
      validateSignalSetRequest(request);
      const key = signalKeyFromId(request.id);
      let stored;
      try {
        stored = await repos.signals.get(key);
      } catch (error) {
        throw AloftError.invalidArgument(
          `failed to validate that signal [${signalKeyText(key)}] exists, err: [${AloftError.from(error).rawMessage}]`,
        );
      }
      const valueType = validatedLiteralType("", request.value);
      const storedType = decodeColumn(LiteralTypeSchema, stored.type, "signal type");
      // [quirk] flyteadmin checks the stored type against the value's, in this (reversed) direction.
      if (!isCastable(storedType, valueType)) {
        throw AloftError.invalidArgument(
          `requested signal value [${literalToString(request.value)}] is not castable to existing signal type [${literalTypeToString(storedType)}]`,
        );
      }
      await repos.signals.setValue(key, encodeColumn(LiteralSchema, request.value));
      return create(SignalSetResponseSchema);
    },
  };
}

/** Go's `%v` of flyteadmin's `SignalKey` model. */
function signalKeyText(key: SignalKey): string {
  const e = key.executionId;
  return `{ExecutionKey:{Project:${e.project} Domain:${e.domain} Name:${e.name}} SignalID:${key.signalId}}`;
}
