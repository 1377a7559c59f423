import { type DbTime, withDbErrors } from "@aloft/db";
import type { ExpressionBuilder } from "kysely";
import type { CatalogTables, ReservationRow } from "../db/catalog-schema.js";
import type { CatalogRepoOptions, DatasetKey } from "./catalog-db.js";

/** Which reservation: a dataset and the tag of the artifact being computed. */
export interface ReservationKey {
  dataset: DatasetKey;
  tagName: string;
}

/** Reservations (`catalog_reservations`); every write is conditional, so concurrent callers cannot both win. */
export interface ReservationRepo {
  find(key: ReservationKey): Promise<ReservationRow | undefined>;
  /** Creates the reservation unless one exists; false when another caller created it first. */
  create(key: ReservationKey, ownerId: string, expiresAt: DbTime): Promise<boolean>;
  /**
   * Hands the reservation to `ownerId` until `expiresAt` if it expired by `now` or `ownerId` already holds it;
   * false when someone else holds it (or it is gone).
   */
  update(key: ReservationKey, ownerId: string, expiresAt: DbTime, now: DbTime): Promise<boolean>;
  /** Deletes `ownerId`'s reservation; false when there is none (or another owner holds it). */
  delete(key: ReservationKey, ownerId: string): Promise<boolean>;
}

/** The Kysely {@link ReservationRepo}. */
export function createReservationRepo({ db, now }: CatalogRepoOptions): ReservationRepo {
  return withDbErrors<ReservationRepo>({
    find(key) {
      return db.selectFrom("catalog_reservations").selectAll().where(matchesKey(key)).executeTakeFirst();
    },

    async create(key, ownerId, expiresAt) {
      const time = now();
      const result = await db
        .insertInto("catalog_reservations")
        .values({
          dataset_project: key.dataset.project,
          dataset_name: key.dataset.name,
          dataset_domain: key.dataset.domain,
          dataset_version: key.dataset.version,
          tag_name: key.tagName,
          owner_id: ownerId,
          expires_at: expiresAt,
          created_at: time,
          updated_at: time,
        })
        .onConflict((conflict) =>
          conflict
            .columns(["dataset_project", "dataset_name", "dataset_domain", "dataset_version", "tag_name"])
            .doNothing(),
        )
        .executeTakeFirst();
      return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
    },

    async update(key, ownerId, expiresAt, nowTime) {
      const result = await db
        .updateTable("catalog_reservations")
        .set({ owner_id: ownerId, expires_at: expiresAt, updated_at: now() })
        .where(matchesKey(key))
        // Re-checked by the database at write time: of two callers taking over an expired reservation, one wins.
        .where((eb) => eb.or([eb("expires_at", "<=", nowTime), eb("owner_id", "=", ownerId)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(key, ownerId) {
      const result = await db
        .deleteFrom("catalog_reservations")
        .where(matchesKey(key))
        .where("owner_id", "=", ownerId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  });
}

function matchesKey(key: ReservationKey) {
  return (eb: ExpressionBuilder<CatalogTables, "catalog_reservations">) =>
    eb.and([
      eb("dataset_project", "=", key.dataset.project),
      eb("dataset_name", "=", key.dataset.name),
      eb("dataset_domain", "=", key.dataset.domain),
      eb("dataset_version", "=", key.dataset.version),
      eb("tag_name", "=", key.tagName),
    ]);
}
