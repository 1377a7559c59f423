import { create } from "@bufbuild/protobuf";
import { durationFromMs, durationMs, timestampDate } from "@bufbuild/protobuf/wkt";
import { type ReservationID, ReservationIDSchema } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import { describeEachDialect } from "@aloft/test-helpers";
import { sql } from "kysely";
import { expect, it } from "vitest";
import { openCatalogTestContext } from "../catalog-test-context.test-helper.js";

const reservationId = (tagName = "flyte_cached-abc"): ReservationID =>
  create(ReservationIDSchema, {
    datasetId: { project: "p", domain: "d", name: "flyte_task-t", version: "1-a-b" },
    tagName,
  });

describeEachDialect("DataCatalog reservations", openCatalogTestContext, (t) => {
  const reserve = (ownerId: string, heartbeatMs = 10_000, tagName?: string) =>
    t()
      .catalog.getOrExtendReservation({
        reservationId: reservationId(tagName),
        ownerId,
        heartbeatInterval: durationFromMs(heartbeatMs),
      })
      .then((response) => response.reservation);

  it("grants a free reservation for the heartbeat times the grace multiplier, capped at 10 s a heartbeat", async () => {
    const { clock } = t();
    const granted = await reserve("owner-a", 5_000);
    expect(granted?.ownerId).toBe("owner-a");
    expect(granted?.reservationId).toEqual(reservationId());
    expect(granted?.heartbeatInterval && durationMs(granted.heartbeatInterval)).toBe(5_000);
    expect(granted?.expiresAt && timestampDate(granted.expiresAt)).toEqual(new Date(clock.now.getTime() + 15_000));
    const capped = await reserve("owner-a", 60_000);
    expect(capped?.heartbeatInterval && durationMs(capped.heartbeatInterval)).toBe(10_000);
    expect(capped?.expiresAt && timestampDate(capped.expiresAt)).toEqual(new Date(clock.now.getTime() + 30_000));
  });

  it("returns the holder's reservation to others until it expires, then hands it over", async () => {
    const { clock } = t();
    const start = clock.now.getTime();
    await reserve("owner-a");
    clock.now = new Date(start + 5_000);
    const extended = await reserve("owner-a");
    expect(extended?.expiresAt && timestampDate(extended.expiresAt)).toEqual(new Date(start + 35_000));
    clock.now = new Date(start + 34_000);
    const refused = await reserve("owner-b");
    expect(refused?.ownerId).toBe("owner-a");
    expect(refused?.expiresAt && timestampDate(refused.expiresAt)).toEqual(new Date(start + 35_000));
    clock.now = new Date(start + 35_001);
    expect((await reserve("owner-b"))?.ownerId).toBe("owner-b");
    expect((await reserve("owner-a"))?.ownerId).toBe("owner-b");
  });

  it("releases only the owner's reservation, and releasing nothing succeeds", async () => {
    const { catalog } = t();
    await reserve("owner-a");
    await catalog.releaseReservation({ reservationId: reservationId(), ownerId: "owner-b" });
    expect((await reserve("owner-b"))?.ownerId).toBe("owner-a");
    await catalog.releaseReservation({ reservationId: reservationId(), ownerId: "owner-a" });
    expect((await reserve("owner-b"))?.ownerId).toBe("owner-b");
    await catalog.releaseReservation({ reservationId: reservationId("flyte_cached-none"), ownerId: "owner-a" });
    // Each tag has its own reservation.
    expect((await reserve("owner-c", 10_000, "flyte_cached-other"))?.ownerId).toBe("owner-c");
  });

  it("gives a contested reservation to exactly one of many concurrent callers", async () => {
    const { database } = t();
    const replicas = [t().catalog, t().replica(), t().replica()];
    const owners = Array.from({ length: 24 }, (_, i) => `owner-${i}`);
    const responses = await Promise.all(
      owners.map((ownerId, i) =>
        replicas[i % replicas.length]!.getOrExtendReservation({
          reservationId: reservationId(),
          ownerId,
          heartbeatInterval: durationFromMs(10_000),
        }),
      ),
    );
    const holders = new Set(responses.map((response) => response.reservation?.ownerId));
    expect(holders.size).toBe(1);
    const [holder] = holders;
    expect(owners).toContain(holder);
    const rows = await sql<{ owner_id: string }>`SELECT owner_id FROM catalog_reservations`.execute(database.db);
    expect(rows.rows).toEqual([{ owner_id: holder }]);
  });

  it("lets one of several callers take over an expired reservation", async () => {
    const { clock } = t();
    await reserve("crashed");
    clock.now = new Date(clock.now.getTime() + 60_000);
    const replicas = [t().catalog, t().replica()];
    const responses = await Promise.all(
      ["x", "y", "z", "w"].map((ownerId, i) =>
        replicas[i % 2]!.getOrExtendReservation({ reservationId: reservationId(), ownerId }),
      ),
    );
    const holders = new Set(responses.map((response) => response.reservation?.ownerId));
    expect(holders.size).toBe(1);
    expect(holders.has("crashed")).toBe(false);
  });
});
