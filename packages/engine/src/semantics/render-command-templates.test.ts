import { create } from "@bufbuild/protobuf";
import { TimestampSchema } from "@bufbuild/protobuf/wkt";
import { encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import {
  binaryLiteral,
  blobLiteral,
  collectionLiteral,
  datetimeLiteral,
  floatLiteral,
  integerLiteral,
  literalMap,
  mapLiteral,
  stringLiteral,
} from "@aloft/idl";
import { renderCommandTemplates, type CommandTemplatePaths } from "../index.js";

describe("renderCommandTemplates", () => {
  const paths: CommandTemplatePaths = {
    input: "/meta/inputs.pb",
    inputPrefix: "/meta",
    outputPrefix: "/meta/0",
    rawOutputDataPrefix: "/raw/ab/run-n0-0",
    checkpointOutputPrefix: "/raw/ab/run-n0-0/_flytecheckpoints",
    prevCheckpointPrefix: "",
    generatedName: "1abc-n0-0",
    namespace: "flytesnacks-development",
  };

  it("replaces path templates case-insensitively, with either prefix and inner spaces", () => {
    const rendered = renderCommandTemplates(
      [
        "{{.input}}",
        "{{ .Input }}",
        "{{$inputPrefix}}",
        "{{.OUTPUTPREFIX}}",
        "{{.rawOutputDataPrefix}}",
        "{{.checkpointOutputPrefix}}",
        "{{.prevCheckpointPrefix}}",
        "{{.perRetryUniqueKey}}",
        "{{.namespace}}",
        "--x={{.unknown}}",
      ],
      literalMap({}),
      paths,
    );
    expect(rendered).toEqual([
      "/meta/inputs.pb",
      "/meta/inputs.pb",
      "/meta",
      "/meta/0",
      "/raw/ab/run-n0-0",
      "/raw/ab/run-n0-0/_flytecheckpoints",
      '""',
      "aabc_n0_0",
      "flytesnacks-development",
      "--x={{.unknown}}",
    ]);
  });

  it("renders input values as Go prints them", () => {
    const inputs = literalMap({
      i: integerLiteral(-3),
      small: floatLiteral(0.00001),
      big: floatLiteral(123456789),
      plain: floatLiteral(100000.5),
      when: datetimeLiteral(create(TimestampSchema, { seconds: 1_700_000_000n, nanos: 120_000_000 })),
      xs: collectionLiteral([integerLiteral(1), stringLiteral("a")]),
      blob: blobLiteral({ uri: "s3://bucket/key" }),
      dc: binaryLiteral(encode({ b: ["x", "y"], a: 1.5 }), "msgpack"),
    });
    const names = ["i", "small", "big", "plain", "when", "xs", "blob", "dc"];
    expect(
      renderCommandTemplates(
        names.map((n) => `{{.inputs.${n}}}`),
        inputs,
        paths,
      ),
    ).toEqual([
      "-3",
      "1e-05",
      "1.23456789e+08",
      "100000.5",
      "2023-11-14T22:13:20.12Z",
      "[1,a]",
      "s3://bucket/key",
      "map[a:1.5 b:[x y]]",
    ]);
  });

  it("lists every input it cannot render", () => {
    const inputs = literalMap({ m: mapLiteral({ a: integerLiteral(1) }) });
    expect(() => renderCommandTemplates(["{{.inputs.nope}} {{.inputs.m}}"], inputs, paths)).toThrow(
      "0: input template [{{.inputs.nope}}]: requested input is not found [nope]\r\n" +
        "1: input template [{{.inputs.m}}]: failed to bind a value to inputName [m]: received an unexpected primitive type [*core.Literal_Map]",
    );
  });
});
