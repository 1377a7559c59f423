/**
 * gRPC server reflection (`grpc.reflection.v1` and `v1alpha`, one bidi stream per client), as grpc-go's
 * `reflection.Register` that flyteadmin enables by default: list services, a file by name, the file declaring a
 * symbol (message, field, enum, enum value, service, method, extension), the file declaring an extension, and
 * the extension numbers of a message. File answers carry the file and every transitive dependency not yet sent on
 * the stream, each as a serialized `FileDescriptorProto`, so tools such as grpcurl can decode any message.
 */
import { type DescEnum, type DescExtension, type DescFile, type DescMessage, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code as ConnectCode, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  type ReflectionRequest,
  type ReflectionResponseInit,
  ReflectionServiceV1,
  ReflectionServiceV1Alpha,
} from "./grpc-protos.js";

/** What reflection can describe. */
export interface ReflectionIndexOptions {
  /** Fully qualified names of the services `list_services` reports. */
  serviceNames: readonly string[];
  /** Files to describe; their transitive dependencies are included. */
  files: Iterable<DescFile>;
}

/** Lookup tables built once at start-up. */
export class ReflectionIndex {
  readonly serviceNames: readonly string[];
  readonly #files = new Map<string, DescFile>();
  readonly #symbols = new Map<string, DescFile>();
  readonly #extensions = new Map<string, Map<number, DescFile>>();

  constructor(options: ReflectionIndexOptions) {
    this.serviceNames = [...options.serviceNames].sort();
    for (const file of options.files) this.#addFile(file);
  }

  /** The file named `name` (e.g. `flyteidl/admin/task.proto`). */
  fileByName(name: string): DescFile | undefined {
    return this.#files.get(name);
  }

  /** The file declaring the fully qualified `symbol`. */
  fileContainingSymbol(symbol: string): DescFile | undefined {
    return this.#symbols.get(symbol);
  }

  /** The file declaring extension `number` of message `containingType`. */
  fileContainingExtension(containingType: string, number: number): DescFile | undefined {
    return this.#extensions.get(containingType)?.get(number);
  }

  /** The extension numbers known for `containingType`, ascending, or undefined for an unknown message. */
  extensionNumbersOf(containingType: string): number[] | undefined {
    const declared = this.#extensions.get(containingType);
    if (declared === undefined) return this.#symbols.has(containingType) ? [] : undefined;
    return [...declared.keys()].sort((a, b) => a - b);
  }

  #addFile(file: DescFile): void {
    const name = file.proto.name;
    if (this.#files.has(name)) return;
    this.#files.set(name, file);
    for (const dependency of file.dependencies) this.#addFile(dependency);
    for (const message of file.messages) this.#addMessage(file, message);
    for (const desc of file.enums) this.#addEnum(file, desc, file.proto.package);
    for (const extension of file.extensions) this.#addExtension(file, extension);
    for (const service of file.services) {
      this.#symbols.set(service.typeName, file);
      for (const method of service.methods) this.#symbols.set(`${service.typeName}.${method.name}`, file);
    }
  }

  #addMessage(file: DescFile, message: DescMessage): void {
    this.#symbols.set(message.typeName, file);
    if (!this.#extensions.has(message.typeName)) this.#extensions.set(message.typeName, new Map());
    for (const field of message.fields) this.#symbols.set(`${message.typeName}.${field.name}`, file);
    for (const oneof of message.oneofs) this.#symbols.set(`${message.typeName}.${oneof.name}`, file);
    for (const nested of message.nestedMessages) this.#addMessage(file, nested);
    for (const nested of message.nestedEnums) this.#addEnum(file, nested, message.typeName);
    for (const extension of message.nestedExtensions) this.#addExtension(file, extension);
  }

  #addEnum(file: DescFile, desc: DescEnum, scope: string): void {
    this.#symbols.set(desc.typeName, file);
    // Enum values are scoped as siblings of their enum, as in C++.
    for (const value of desc.values) this.#symbols.set(scope ? `${scope}.${value.name}` : value.name, file);
  }

  #addExtension(file: DescFile, extension: DescExtension): void {
    this.#symbols.set(extension.typeName, file);
    let byNumber = this.#extensions.get(extension.extendee.typeName);
    if (byNumber === undefined) {
      byNumber = new Map();
      this.#extensions.set(extension.extendee.typeName, byNumber);
    }
    byNumber.set(extension.number, file);
  }
}

/** A reflection service implementation over `index`; serve it as both {@link reflectionServices}. */
export function createReflectionServiceImpl(
  index: ReflectionIndex,
): ServiceImpl<typeof ReflectionServiceV1> & ServiceImpl<typeof ReflectionServiceV1Alpha> {
  return {
    async *serverReflectionInfo(requests: AsyncIterable<ReflectionRequest>) {
      const sent = new Set<string>();
      for await (const request of requests) yield answer(index, request, sent);
    },
  };
}

/** The two reflection service descriptors, served with the same implementation. */
export const reflectionServices = [ReflectionServiceV1, ReflectionServiceV1Alpha] as const;

function answer(index: ReflectionIndex, request: ReflectionRequest, sent: Set<string>): ReflectionResponseInit {
  const respond = (messageResponse: ReflectionResponseInit["messageResponse"]): ReflectionResponseInit => ({
    validHost: request.host,
    originalRequest: request,
    messageResponse,
  });
  const notFound = (errorMessage: string): ReflectionResponseInit =>
    respond({ case: "errorResponse", value: { errorCode: ConnectCode.NotFound, errorMessage } });
  const files = (file: DescFile): ReflectionResponseInit =>
    respond({ case: "fileDescriptorResponse", value: { fileDescriptorProto: withDependencies(file, sent) } });

  const req = request.messageRequest;
  switch (req.case) {
    case "listServices":
      return respond({
        case: "listServicesResponse",
        value: { service: index.serviceNames.map((name) => ({ name })) },
      });
    case "fileByFilename": {
      const file = index.fileByName(req.value);
      return file ? files(file) : notFound(`file not found: ${req.value}`);
    }
    case "fileContainingSymbol": {
      const file = index.fileContainingSymbol(req.value);
      return file ? files(file) : notFound(`symbol not found: ${req.value}`);
    }
    case "fileContainingExtension": {
      const { containingType, extensionNumber } = req.value;
      const file = index.fileContainingExtension(containingType, extensionNumber);
      return file ? files(file) : notFound(`extension not found: ${containingType} ${extensionNumber}`);
    }
    case "allExtensionNumbersOfType": {
      const numbers = index.extensionNumbersOf(req.value);
      if (numbers === undefined) return notFound(`type not found: ${req.value}`);
      return respond({
        case: "allExtensionNumbersResponse",
        value: { baseTypeName: req.value, extensionNumber: numbers },
      });
    }
    default:
      // grpc-go ends the stream for a request without a known message_request.
      throw new ConnectError("invalid MessageRequest: <nil>", ConnectCode.InvalidArgument);
  }
}

/**
 * `file` then its transitive dependencies breadth-first, skipping files this stream has already received
 * (the requested file always comes back), as grpc-go's `fileDescWithDependencies`.
 */
function withDependencies(file: DescFile, sent: Set<string>): Uint8Array[] {
  const out: Uint8Array[] = [];
  const queue: DescFile[] = [file];
  const visited = new Set<string>();
  for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
    const name = current.proto.name;
    if (visited.has(name)) continue;
    visited.add(name);
    if (out.length === 0 || !sent.has(name)) {
      sent.add(name);
      out.push(toBinary(FileDescriptorProtoSchema, current.proto));
    }
    queue.push(...current.dependencies);
  }
  return out;
}
