/**
 * The three marshalers flyteadmin registers on its grpc-gateway mux (`flyteadmin/pkg/server/service.go`) and how
 * grpc-gateway picks them (`runtime.MarshalerForRequest`):
 *
 * - `application/octet-stream`: binary protobuf both ways (flyteconsole, the admin integration tests);
 * - `application/json`: protojson with proto field names and unpopulated fields emitted; unknown fields in
 *   request bodies are errors;
 * - anything else (`*`): grpc-gateway's default, protojson with lowerCamelCase names and unpopulated fields
 *   emitted; unknown request fields are ignored.
 *
 * The inbound marshaler follows `Content-Type` (media type only, parameters ignored); the outbound one follows an
 * `Accept` header value that equals a registered type exactly, else the inbound one.
 */
import { AloftError, fromAdminJsonString, toAdminJsonString, type AdminJsonNames } from "@aloft/idl";
import { type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";

/** One marshaler. */
export interface RestMarshaler {
  /** What it is registered under: `application/octet-stream`, `application/json` or `*`. */
  readonly mime: string;
  /** The Content-Type of what it writes. */
  readonly contentType: string;
  encode<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): Uint8Array | string;
  /** Decodes a request body; an empty (or, for JSON, blank) body is the empty message. InvalidArgument if malformed. */
  decode<Desc extends DescMessage>(schema: Desc, body: Uint8Array): MessageShape<Desc>;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

const protoMarshaler: RestMarshaler = {
  mime: "application/octet-stream",
  contentType: "application/octet-stream",
  encode: (schema, message) => toBinary(schema, message),
  decode(schema, body) {
    try {
      return fromBinary(schema, body);
    } catch (cause) {
      throw AloftError.invalidArgument(`invalid protobuf for ${schema.typeName}: ${messageOf(cause)}`, { cause });
    }
  },
};

function jsonMarshaler(mime: string, names: AdminJsonNames, ignoreUnknownFields: boolean): RestMarshaler {
  return {
    mime,
    contentType: "application/json",
    encode: (schema, message) => toAdminJsonString(schema, message, { names }),
    decode(schema, body) {
      let text: string;
      try {
        text = utf8.decode(body);
      } catch (cause) {
        throw AloftError.invalidArgument(`invalid JSON for ${schema.typeName}: the body is not UTF-8`, { cause });
      }
      // Go's json.Decoder reports io.EOF for a blank body, which the gateway treats as an empty request.
      if (text.trim() === "") return fromBinary(schema, new Uint8Array());
      return fromAdminJsonString(schema, text, { ignoreUnknownFields });
    },
  };
}

/** The `application/octet-stream` marshaler. */
export const PROTO_MARSHALER = protoMarshaler;
/** flyteadmin's `application/json` marshaler (proto names). */
export const JSON_PROTO_NAMES_MARSHALER = jsonMarshaler("application/json", "proto", false);
/** grpc-gateway's default marshaler (lowerCamelCase), for every other content type. */
export const DEFAULT_MARSHALER = jsonMarshaler("*", "json", true);

const REGISTERED: ReadonlyMap<string, RestMarshaler> = new Map([
  [PROTO_MARSHALER.mime, PROTO_MARSHALER],
  [JSON_PROTO_NAMES_MARSHALER.mime, JSON_PROTO_NAMES_MARSHALER],
]);

/** The marshalers for a request, from its `Accept` and `Content-Type` header values (each header may repeat). */
export function marshalersForRequest(headers: { accept: readonly string[]; contentType: readonly string[] }): {
  inbound: RestMarshaler;
  outbound: RestMarshaler;
} {
  let outbound: RestMarshaler | undefined;
  for (const value of headers.accept) {
    outbound = REGISTERED.get(value);
    if (outbound) break;
  }
  let inbound: RestMarshaler | undefined;
  for (const value of headers.contentType) {
    const mediaType = parseMediaType(value);
    inbound = mediaType === undefined ? undefined : REGISTERED.get(mediaType);
    if (inbound) break;
  }
  inbound ??= DEFAULT_MARSHALER;
  return { inbound, outbound: outbound ?? inbound };
}

/** Go's `mime.ParseMediaType`, reduced to what matters here: the lower-cased type/subtype, or undefined if malformed. */
function parseMediaType(value: string): string | undefined {
  const type = value.split(";", 1)[0]!.trim().toLowerCase();
  return /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/.test(type) ? type : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
