/**
 * The few non-flyteidl protos admin serves: `google.rpc.Status` (REST error bodies), `grpc.health.v1` and
 * `grpc.reflection.v1`/`v1alpha`. flyteidl's npm package does not ship them and `@aloft/idl` generates only
 * flyteidl, so each file is described here as a `FileDescriptorProto` built in code (the same data `protoc`
 * would produce from the published .proto files) and loaded with protobuf-es's `createFileRegistry`. The
 * descriptors are real, so reflection can serve them like any generated file.
 */
import { create, createFileRegistry, type FileRegistry, type Message, type MessageInitShape } from "@bufbuild/protobuf";
import type { GenMessage, GenService } from "@bufbuild/protobuf/codegenv2";
import {
  type Any,
  type DescriptorProto,
  DescriptorProtoSchema,
  type EnumDescriptorProto,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  file_google_protobuf_any,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  MethodDescriptorProtoSchema,
  ServiceDescriptorProtoSchema,
  EnumDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";

type FieldSpec = [name: string, number: number, type: string, options?: { repeated?: boolean; oneof?: number }];

const SCALARS: Readonly<Record<string, FieldDescriptorProto_Type>> = {
  string: FieldDescriptorProto_Type.STRING,
  int32: FieldDescriptorProto_Type.INT32,
  bytes: FieldDescriptorProto_Type.BYTES,
};

function field(pkg: string, enums: readonly string[], [name, number, type, options = {}]: FieldSpec) {
  const scalar = SCALARS[type];
  const init: MessageInitShape<typeof FieldDescriptorProtoSchema> = {
    name,
    number,
    label: options.repeated ? FieldDescriptorProto_Label.REPEATED : FieldDescriptorProto_Label.OPTIONAL,
    type: scalar ?? (enums.includes(type) ? FieldDescriptorProto_Type.ENUM : FieldDescriptorProto_Type.MESSAGE),
    jsonName: name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
  };
  if (scalar === undefined) init.typeName = type.startsWith(".") ? type : `.${pkg}.${type}`;
  if (options.oneof !== undefined) init.oneofIndex = options.oneof;
  return create(FieldDescriptorProtoSchema, init);
}

function message(
  pkg: string,
  name: string,
  fields: FieldSpec[],
  extra: { oneofs?: string[]; enums?: EnumDescriptorProto[]; enumNames?: string[] } = {},
): DescriptorProto {
  return create(DescriptorProtoSchema, {
    name,
    field: fields.map((f) => field(pkg, extra.enumNames ?? [], f)),
    oneofDecl: (extra.oneofs ?? []).map((o) => ({ name: o })),
    enumType: extra.enums ?? [],
  });
}

function file(init: {
  name: string;
  pkg: string;
  dependency?: string[];
  messages: DescriptorProto[];
  services?: {
    name: string;
    methods: [string, string, string, { clientStreaming?: boolean; serverStreaming?: boolean }?][];
  }[];
}): FileDescriptorProto {
  return create(FileDescriptorProtoSchema, {
    name: init.name,
    package: init.pkg,
    dependency: init.dependency ?? [],
    syntax: "proto3",
    messageType: init.messages,
    service: (init.services ?? []).map((s) =>
      create(ServiceDescriptorProtoSchema, {
        name: s.name,
        method: s.methods.map(([name, input, output, streaming = {}]) =>
          create(MethodDescriptorProtoSchema, {
            name,
            inputType: `.${init.pkg}.${input}`,
            outputType: `.${init.pkg}.${output}`,
            clientStreaming: streaming.clientStreaming ?? false,
            serverStreaming: streaming.serverStreaming ?? false,
          }),
        ),
      }),
    ),
  });
}

const statusFile = file({
  name: "google/rpc/status.proto",
  pkg: "google.rpc",
  dependency: ["google/protobuf/any.proto"],
  messages: [
    message("google.rpc", "Status", [
      ["code", 1, "int32"],
      ["message", 2, "string"],
      ["details", 3, ".google.protobuf.Any", { repeated: true }],
    ]),
  ],
});

const healthPkg = "grpc.health.v1";
const healthFile = file({
  name: "grpc/health/v1/health.proto",
  pkg: healthPkg,
  messages: [
    message(healthPkg, "HealthCheckRequest", [["service", 1, "string"]]),
    message(healthPkg, "HealthCheckResponse", [["status", 1, "HealthCheckResponse.ServingStatus"]], {
      enumNames: ["HealthCheckResponse.ServingStatus"],
      enums: [
        create(EnumDescriptorProtoSchema, {
          name: "ServingStatus",
          value: ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"].map((name, number) => ({ name, number })),
        }),
      ],
    }),
  ],
  services: [
    {
      name: "Health",
      methods: [
        ["Check", "HealthCheckRequest", "HealthCheckResponse"],
        ["Watch", "HealthCheckRequest", "HealthCheckResponse", { serverStreaming: true }],
      ],
    },
  ],
});

function reflectionFile(version: "v1" | "v1alpha"): FileDescriptorProto {
  const pkg = `grpc.reflection.${version}`;
  return file({
    name: `grpc/reflection/${version}/reflection.proto`,
    pkg,
    messages: [
      message(
        pkg,
        "ServerReflectionRequest",
        [
          ["host", 1, "string"],
          ["file_by_filename", 3, "string", { oneof: 0 }],
          ["file_containing_symbol", 4, "string", { oneof: 0 }],
          ["file_containing_extension", 5, "ExtensionRequest", { oneof: 0 }],
          ["all_extension_numbers_of_type", 6, "string", { oneof: 0 }],
          ["list_services", 7, "string", { oneof: 0 }],
        ],
        { oneofs: ["message_request"] },
      ),
      message(pkg, "ExtensionRequest", [
        ["containing_type", 1, "string"],
        ["extension_number", 2, "int32"],
      ]),
      message(
        pkg,
        "ServerReflectionResponse",
        [
          ["valid_host", 1, "string"],
          ["original_request", 2, "ServerReflectionRequest"],
          ["file_descriptor_response", 4, "FileDescriptorResponse", { oneof: 0 }],
          ["all_extension_numbers_response", 5, "ExtensionNumberResponse", { oneof: 0 }],
          ["list_services_response", 6, "ListServiceResponse", { oneof: 0 }],
          ["error_response", 7, "ErrorResponse", { oneof: 0 }],
        ],
        { oneofs: ["message_response"] },
      ),
      message(pkg, "FileDescriptorResponse", [["file_descriptor_proto", 1, "bytes", { repeated: true }]]),
      message(pkg, "ExtensionNumberResponse", [
        ["base_type_name", 1, "string"],
        ["extension_number", 2, "int32", { repeated: true }],
      ]),
      message(pkg, "ListServiceResponse", [["service", 1, "ServiceResponse", { repeated: true }]]),
      message(pkg, "ServiceResponse", [["name", 1, "string"]]),
      message(pkg, "ErrorResponse", [
        ["error_code", 1, "int32"],
        ["error_message", 2, "string"],
      ]),
    ],
    services: [
      {
        name: "ServerReflection",
        methods: [
          [
            "ServerReflectionInfo",
            "ServerReflectionRequest",
            "ServerReflectionResponse",
            { clientStreaming: true, serverStreaming: true },
          ],
        ],
      },
    ],
  });
}

const noImports = (): undefined => undefined;
const statusRegistry = createFileRegistry(statusFile, (name) =>
  name === "google/protobuf/any.proto" ? file_google_protobuf_any : undefined,
);
const healthRegistry = createFileRegistry(healthFile, noImports);
const reflectionRegistries = {
  v1: createFileRegistry(reflectionFile("v1"), noImports),
  v1alpha: createFileRegistry(reflectionFile("v1alpha"), noImports),
};

/** `google.rpc.Status`: the body of every REST error and the `grpc-status-details-bin` trailer. */
export type RpcStatus = Message<"google.rpc.Status"> & { code: number; message: string; details: Any[] };
/** Schema of {@link RpcStatus}. */
export const RpcStatusSchema = statusRegistry.getMessage("google.rpc.Status") as GenMessage<RpcStatus>;

/** `grpc.health.v1.HealthCheckRequest`. */
export type HealthCheckRequest = Message<"grpc.health.v1.HealthCheckRequest"> & { service: string };
/** `grpc.health.v1.HealthCheckResponse`; `status` is a `ServingStatus` number. */
export type HealthCheckResponse = Message<"grpc.health.v1.HealthCheckResponse"> & { status: ServingStatus };
/** `grpc.health.v1.HealthCheckResponse.ServingStatus`. */
export enum ServingStatus {
  UNKNOWN = 0,
  SERVING = 1,
  NOT_SERVING = 2,
  SERVICE_UNKNOWN = 3,
}
/** Schema of {@link HealthCheckRequest}. */
export const HealthCheckRequestSchema = healthRegistry.getMessage(
  `${healthPkg}.HealthCheckRequest`,
) as GenMessage<HealthCheckRequest>;
/** Schema of {@link HealthCheckResponse}. */
export const HealthCheckResponseSchema = healthRegistry.getMessage(
  `${healthPkg}.HealthCheckResponse`,
) as GenMessage<HealthCheckResponse>;

/** `grpc.health.v1.Health`. */
export const HealthService = healthRegistry.getService(`${healthPkg}.Health`) as GenService<{
  check: { methodKind: "unary"; input: typeof HealthCheckRequestSchema; output: typeof HealthCheckResponseSchema };
  watch: {
    methodKind: "server_streaming";
    input: typeof HealthCheckRequestSchema;
    output: typeof HealthCheckResponseSchema;
  };
}>;

/** `ServerReflectionRequest` of either reflection version (they differ only in package). */
export type ReflectionRequest = Message & {
  host: string;
  messageRequest:
    | { case: "fileByFilename"; value: string }
    | { case: "fileContainingSymbol"; value: string }
    | { case: "fileContainingExtension"; value: Message & { containingType: string; extensionNumber: number } }
    | { case: "allExtensionNumbersOfType"; value: string }
    | { case: "listServices"; value: string }
    | { case: undefined; value?: undefined };
};

/** `ServerReflectionResponse` of either reflection version, as an init shape. */
export interface ReflectionResponseInit {
  validHost: string;
  originalRequest: ReflectionRequest;
  messageResponse:
    | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
    | { case: "allExtensionNumbersResponse"; value: { baseTypeName: string; extensionNumber: number[] } }
    | { case: "listServicesResponse"; value: { service: { name: string }[] } }
    | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };
}

/** `ServerReflectionResponse` as read back by a client. */
export type ReflectionResponse = Message & ReflectionResponseInit;

type ReflectionServiceDesc = GenService<{
  serverReflectionInfo: {
    methodKind: "bidi_streaming";
    input: GenMessage<ReflectionRequest>;
    output: GenMessage<ReflectionResponse>;
  };
}>;

/** `grpc.reflection.v1.ServerReflection`. */
export const ReflectionServiceV1 = reflectionRegistries.v1.getService(
  "grpc.reflection.v1.ServerReflection",
) as ReflectionServiceDesc;

/** `grpc.reflection.v1alpha.ServerReflection`, which older clients (grpcurl < 1.8, grpc-js' own tools) use. */
export const ReflectionServiceV1Alpha = reflectionRegistries.v1alpha.getService(
  "grpc.reflection.v1alpha.ServerReflection",
) as ReflectionServiceDesc;

/** The registries of these files, so reflection can describe them too. */
export const grpcProtoRegistries: readonly FileRegistry[] = [
  statusRegistry,
  healthRegistry,
  reflectionRegistries.v1,
  reflectionRegistries.v1alpha,
];
