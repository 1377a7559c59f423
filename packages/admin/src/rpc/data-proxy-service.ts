/** `flyteidl.service.DataProxyService` as thin handlers over the data proxy manager. */
import type { DataProxyService } from "@aloft/idl/gen/flyteidl/service/dataproxy_pb";
import type { ServiceImpl } from "@connectrpc/connect";
import type { DataProxyManager } from "../managers/interfaces.js";
import { managerContext as ctx } from "./manager-context.js";

/** The DataProxyService implementation, or nothing (UNIMPLEMENTED) without a manager. */
export function createDataProxyServiceImpl(
  dataProxy: DataProxyManager | undefined,
): Partial<ServiceImpl<typeof DataProxyService>> {
  if (dataProxy === undefined) return {};
  return {
    createUploadLocation: (req, c) => dataProxy.createUploadLocation(req, ctx(c)),
    createDownloadLocation: (req, c) => dataProxy.createDownloadLocation(req, ctx(c)),
    createDownloadLink: (req, c) => dataProxy.createDownloadLink(req, ctx(c)),
    getData: (req, c) => dataProxy.getData(req, ctx(c)),
  };
}
