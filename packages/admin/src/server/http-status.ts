import { Code } from "@aloft/idl";

/**
 * The HTTP status a REST client sees for a gRPC code: grpc-gateway v2's `HTTPStatusFromCode`, which flyteadmin's
 * gateway uses. Note FAILED_PRECONDITION is 400 (not 412) and RESOURCE_EXHAUSTED 429, as there.
 */
export function codeToHttpStatus(code: Code | 0): number {
  switch (code) {
    case 0:
      return 200;
    case Code.Canceled:
      return 499;
    case Code.Unknown:
      return 500;
    case Code.InvalidArgument:
      return 400;
    case Code.DeadlineExceeded:
      return 504;
    case Code.NotFound:
      return 404;
    case Code.AlreadyExists:
      return 409;
    case Code.PermissionDenied:
      return 403;
    case Code.Unauthenticated:
      return 401;
    case Code.ResourceExhausted:
      return 429;
    case Code.FailedPrecondition:
      return 400;
    case Code.Aborted:
      return 409;
    case Code.OutOfRange:
      return 400;
    case Code.Unimplemented:
      return 501;
    case Code.Internal:
      return 500;
    case Code.Unavailable:
      return 503;
    case Code.DataLoss:
      return 500;
    default:
      return 500;
  }
}
