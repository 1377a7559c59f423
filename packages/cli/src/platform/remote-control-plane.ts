/**
 * Admin over the network, for an engine run apart from it (`aloft serve engine --admin <url>`): flyteidl's own
 * AdminService and SignalService over gRPC (HTTP/2), the way propeller talks to flyteadmin. Connect clients of
 * those services satisfy the engine's {@link ControlPlane} as they are; errors arrive as `ConnectError`s with
 * flyteadmin's codes and details.
 */
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import type { ControlPlane } from "@aloft/engine";
import { AdminService } from "@aloft/idl/gen/flyteidl/service/admin_pb";
import { SignalService } from "@aloft/idl/gen/flyteidl/service/signal_pb";

/** A {@link ControlPlane} holding one HTTP/2 connection to admin. */
export interface RemoteControlPlane extends ControlPlane {
  /** Closes the connection (calls in flight fail), so a stopping process is not kept alive by it. */
  close(): void;
}

/** A {@link ControlPlane} talking gRPC to the admin at `baseUrl` (`http://host:30080`). */
export function createRemoteControlPlane(baseUrl: string): RemoteControlPlane {
  const sessionManager = new Http2SessionManager(baseUrl);
  const transport = createGrpcTransport({ baseUrl, sessionManager });
  return {
    admin: createClient(AdminService, transport),
    signals: createClient(SignalService, transport),
    close: () => sessionManager.abort(),
  };
}
