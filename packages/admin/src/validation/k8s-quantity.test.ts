import { describe, expect, it } from "vitest";
import {
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  QUANTITY_SUFFIX_ERROR,
  quantityMilliValue,
  quantityToString,
  quantityValue,
} from "./k8s-quantity.js";

function parsed(text: string) {
  const result = parseQuantity(text);
  if (!result.ok) throw new Error(result.error);
  return result.quantity;
}

describe("Kubernetes quantities", () => {
  it("prints the canonical form Kubernetes prints", () => {
    const cases: [string, string][] = [
      ["1", "1"],
      ["1000m", "1"],
      ["0.5", "500m"],
      ["1500m", "1500m"],
      ["2000", "2k"],
      ["1024Mi", "1Gi"],
      ["1.5Gi", "1536Mi"],
      ["512", "512"],
      ["100Ki", "100Ki"],
      ["1e3", "1e3"],
      ["200Mi", "200Mi"],
      ["0", "0"],
    ];
    for (const [input, canonical] of cases)
      expect([input, quantityToString(parsed(input))]).toEqual([input, canonical]);
  });

  it("rounds Value() up to whole units and computes MilliValue()", () => {
    expect(quantityValue(parsed("500m"))).toBe(1n);
    expect(quantityValue(parsed("2"))).toBe(2n);
    expect(quantityValue(parsed("1Gi"))).toBe(1073741824n);
    expect(quantityMilliValue(parsed("1.5"))).toBe(1500n);
    expect(quantityMilliValue(parsed("1"))).toBe(1000n);
  });

  it("rejects malformed quantities with Kubernetes' messages", () => {
    expect(parseQuantity("lots")).toEqual({ ok: false, error: QUANTITY_FORMAT_ERROR });
    expect(parseQuantity("1Zi")).toEqual({ ok: false, error: QUANTITY_FORMAT_ERROR });
    expect(parseQuantity("1kk")).toEqual({ ok: false, error: QUANTITY_SUFFIX_ERROR });
  });
});
