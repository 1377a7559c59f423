/** Reservations between their protobuf and their rows. */
import { dbTimeToTimestamp } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import {
  type Reservation,
  type ReservationID,
  ReservationSchema,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { ReservationRow } from "../db/catalog-schema.js";
import type { ReservationKey } from "../repositories/reservation-repo.js";
import { datasetKeyOf } from "./dataset-transformer.js";

/** The key of a reservation id (none of its fields are required, as in datacatalog). */
export function reservationKeyOf(id: ReservationID | undefined): ReservationKey {
  return { dataset: datasetKeyOf(id?.datasetId), tagName: id?.tagName ?? "" };
}

/** The reservation a row holds, reporting `heartbeatMs` as its heartbeat interval. */
export function reservationFromRow(
  row: Pick<ReservationRow, "owner_id" | "expires_at">,
  key: ReservationKey,
  heartbeatMs: number,
): Reservation {
  return create(ReservationSchema, {
    reservationId: { datasetId: { ...key.dataset }, tagName: key.tagName },
    ownerId: row.owner_id,
    heartbeatInterval: msToDuration(heartbeatMs),
    expiresAt: dbTimeToTimestamp(row.expires_at),
  });
}

function msToDuration(ms: number): { seconds: bigint; nanos: number } {
  const whole = Math.trunc(ms / 1000);
  return { seconds: BigInt(whole), nanos: Math.round((ms - whole * 1000) * 1_000_000) };
}
