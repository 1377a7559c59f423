import type { DataCatalog } from "@aloft/idl/gen/flyteidl/datacatalog/datacatalog_pb";
import type { DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";

type Methods = (typeof DataCatalog)["method"];

/**
 * Every RPC of `datacatalog.DataCatalog`: request in (a message or its init shape), response out. Implemented
 * in-process by `createCatalogService` and over gRPC by `createRemoteCatalogClient`; both throw `AloftError`s with
 * datacatalog's codes (InvalidArgument, NotFound, AlreadyExists, Internal).
 */
export type CatalogClient = {
  [M in keyof Methods]: Methods[M] extends DescMethodUnary<infer I, infer O>
    ? (request: MessageInitShape<I>) => Promise<MessageShape<O>>
    : never;
};

/** The method names of {@link CatalogClient}, for code that wraps every method. */
export type CatalogMethodName = keyof CatalogClient;
