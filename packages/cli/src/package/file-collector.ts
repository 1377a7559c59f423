import { AloftError, Code } from "@aloft/idl";

/** A `.pb` file taken from a package, held in memory. */
export interface RawPackageFile {
  /** The path inside the package, `/`-separated, never absolute and never leaving the package. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** The files of a package: the `.pb` files in memory, the names of the rest. */
export interface CollectedFiles {
  readonly protobufs: RawPackageFile[];
  readonly otherFiles: string[];
  /** Other files the reader was asked to keep (the code bundle, for registration), in memory. */
  readonly keptFiles: RawPackageFile[];
}

/** Size caps applied while reading, so a hostile or broken package cannot exhaust memory. */
export interface PackageLimits {
  /** Largest single `.pb` file, in bytes. */
  readonly maxFileBytes: number;
  /** Largest sum of all `.pb` files, in bytes. */
  readonly maxTotalBytes: number;
  /** Most `.pb` files in one package. */
  readonly maxFiles: number;
  /** Most bytes read from an archive after decompression (bounds the time a gzip bomb can take). */
  readonly maxArchiveBytes: number;
}

/**
 * Whether a file in a package is one of its protobufs. macOS `._name` companions (AppleDouble
 * metadata that archives made on a Mac often carry) are never protobufs, whatever their suffix.
 */
export function isProtobufFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return name.endsWith(".pb") && !name.startsWith("._");
}

/** Collects files while enforcing {@link PackageLimits}; `where` names the package in errors. */
export class FileCollector {
  readonly files: CollectedFiles = { protobufs: [], otherFiles: [], keptFiles: [] };
  private totalBytes = 0;
  private readonly where: string;
  private readonly limits: PackageLimits;

  constructor(options: { where: string; limits: PackageLimits }) {
    this.where = options.where;
    this.limits = options.limits;
  }

  /**
   * Checks that a `.pb` file of `sizeBytes` may still be added.
   * @throws AloftError `ResourceExhausted` naming the file and the limit it breaks.
   */
  checkProtobuf(path: string, sizeBytes: number): void {
    const { maxFileBytes, maxTotalBytes, maxFiles } = this.limits;
    if (sizeBytes > maxFileBytes) {
      throw exhausted(
        `${path} in ${this.where} is ${formatBytes(sizeBytes)}, over the ${formatBytes(maxFileBytes)} limit`,
      );
    }
    if (this.totalBytes + sizeBytes > maxTotalBytes) {
      throw exhausted(`${this.where}: its .pb files add up to more than ${formatBytes(maxTotalBytes)}`);
    }
    if (this.files.protobufs.length >= maxFiles) {
      throw exhausted(`${this.where}: more than ${maxFiles} .pb files`);
    }
  }

  /** Adds a `.pb` file that passed {@link checkProtobuf}. */
  addProtobuf(path: string, bytes: Uint8Array): void {
    this.checkProtobuf(path, bytes.length);
    this.totalBytes += bytes.length;
    this.files.protobufs.push({ path, bytes });
  }

  /** Records a file that is not a protobuf. */
  addOther(path: string): void {
    this.files.otherFiles.push(path);
  }

  /** Records a file that is not a protobuf and keeps its bytes. */
  addKept(path: string, bytes: Uint8Array): void {
    this.files.otherFiles.push(path);
    this.files.keptFiles.push({ path, bytes });
  }
}

function exhausted(message: string): AloftError {
  return new AloftError(Code.ResourceExhausted, message);
}

/** `1.5 MiB`-style sizes for messages. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}
