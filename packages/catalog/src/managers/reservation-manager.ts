/**
 * GetOrExtendReservation and ReleaseReservation (datacatalog/pkg/manager/impl/reservation_manager.go): one owner
 * at a time computes a cached artifact; the owner extends its reservation every heartbeat, and anyone may take it
 * over once it has gone unextended for a few heartbeats.
 */
import { dateToDbTime } from "@aloft/db";
import { create } from "@bufbuild/protobuf";
import {
  type GetOrExtendReservationRequest,
  type GetOrExtendReservationResponse,
  GetOrExtendReservationResponseSchema,
  type ReleaseReservationRequest,
  type ReleaseReservationResponse,
  ReleaseReservationResponseSchema,
  type Reservation,
} from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { ReservationRepo } from "../repositories/reservation-repo.js";
import { reservationFromRow, reservationKeyOf } from "../transformers/reservation-transformer.js";

/** Settings of the reservation manager (datacatalog's `application` config). */
export interface ReservationSettings {
  /** The longest heartbeat granted; a longer requested one is shortened to it. */
  maxHeartbeatMs: number;
  /** How many heartbeats a reservation survives without being extended. */
  heartbeatGracePeriodMultiplier: number;
  now: () => Date;
}

export interface ReservationManager {
  /**
   * Takes the reservation if nobody holds it or it expired, extends it if the caller holds it, and otherwise returns
   * the current holder's. Of concurrent callers exactly one wins; the others get the winner's reservation.
   */
  getOrExtendReservation(request: GetOrExtendReservationRequest): Promise<GetOrExtendReservationResponse>;
  /** Releases the caller's reservation; succeeds when there is none or someone else holds it. */
  releaseReservation(request: ReleaseReservationRequest): Promise<ReleaseReservationResponse>;
}

export function createReservationManager(repo: ReservationRepo, settings: ReservationSettings): ReservationManager {
  async function getOrExtendReservation(
    request: GetOrExtendReservationRequest,
  ): Promise<GetOrExtendReservationResponse> {
    const requested = request.heartbeatInterval;
    let heartbeatMs = settings.maxHeartbeatMs;
    if (requested !== undefined) {
      const requestedMs = Number(requested.seconds) * 1000 + requested.nanos / 1_000_000;
      if (requestedMs < heartbeatMs) heartbeatMs = requestedMs;
    }
    const key = reservationKeyOf(request.reservationId);
    const ownerId = request.ownerId;
    // Read first: most of the time one owner holds the reservation and no write is needed to learn who.
    const current = await repo.find(key);
    const now = settings.now();
    const nowTime = dateToDbTime(now);
    const expiresAt = dateToDbTime(new Date(now.getTime() + heartbeatMs * settings.heartbeatGracePeriodMultiplier));
    const respond = (reservation: Reservation) => create(GetOrExtendReservationResponseSchema, { reservation });

    const heldByOther = current !== undefined && current.owner_id !== ownerId && current.expires_at >= nowTime;
    if (heldByOther) return respond(reservationFromRow(current, key, heartbeatMs));
    // Both writes are conditional, so of concurrent callers only one succeeds.
    const acquired =
      current === undefined
        ? await repo.create(key, ownerId, expiresAt)
        : await repo.update(key, ownerId, expiresAt, nowTime);
    if (acquired) return respond(reservationFromRow({ owner_id: ownerId, expires_at: expiresAt }, key, heartbeatMs));
    // Another caller won the race; report whoever holds it now.
    const winner = await repo.find(key);
    // It was released in between: try again.
    if (winner === undefined) return getOrExtendReservation(request);
    return respond(reservationFromRow(winner, key, heartbeatMs));
  }

  return {
    getOrExtendReservation,

    async releaseReservation(request) {
      await repo.delete(reservationKeyOf(request.reservationId), request.ownerId);
      return create(ReleaseReservationResponseSchema);
    },
  };
}
