import { create } from "@bufbuild/protobuf";
import { type Signal, SignalSchema } from "@aloft/idl/gen/flyteidl/admin/signal_pb";
import type { SignalIdentifier } from "@aloft/idl/gen/flyteidl/core/identifier_pb";
import { type Literal, LiteralSchema } from "@aloft/idl/gen/flyteidl/core/literals_pb";
import { type LiteralType, LiteralTypeSchema } from "@aloft/idl/gen/flyteidl/core/types_pb";
import type { NewSignalRow, SignalRow } from "../db/schema.js";
import { executionKeyToId } from "./identifier-transformer.js";
import { decodeOptionalColumn, encodeColumn } from "./proto-bytes.js";

/** A signal declared by a gate node → a `signals` row (no value yet unless given). */
export function signalToRow(input: { id: SignalIdentifier; type: LiteralType; value?: Literal }): NewSignalRow {
  return {
    execution_project: input.id.executionId?.project ?? "",
    execution_domain: input.id.executionId?.domain ?? "",
    execution_name: input.id.executionId?.name ?? "",
    signal_id: input.id.signalId,
    type: encodeColumn(LiteralTypeSchema, input.type),
    value: input.value === undefined ? null : encodeColumn(LiteralSchema, input.value),
  };
}

/** A `signals` row → `admin.Signal`. */
export function signalFromRow(row: SignalRow): Signal {
  const type = decodeOptionalColumn(LiteralTypeSchema, row.type, "signal type");
  const value = decodeOptionalColumn(LiteralSchema, row.value, "signal value");
  return create(SignalSchema, {
    id: {
      executionId: executionKeyToId({
        project: row.execution_project,
        domain: row.execution_domain,
        name: row.execution_name,
      }),
      signalId: row.signal_id,
    },
    ...(type === undefined ? {} : { type }),
    ...(value === undefined ? {} : { value }),
  });
}
