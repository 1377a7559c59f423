import { Duplex } from "node:stream";
import type { Socket } from "node:net";

/**
 * A JS stream over a socket whose first bytes were already read: it replays `head`, then relays the socket both
 * ways. Node's http2 server reads a real socket's native handle directly, so bytes read while sniffing for the
 * HTTP/2 preface cannot be `unshift`ed back; handing it this Duplex instead makes node wrap it in a JS stream
 * socket that sees every byte.
 */
export class ReplayDuplex extends Duplex {
  readonly #socket: Socket;

  constructor(socket: Socket, head: Uint8Array) {
    super({ allowHalfOpen: false });
    this.#socket = socket;
    if (head.byteLength > 0) this.push(head);
    socket.on("data", (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.once("end", () => this.push(null));
    socket.once("error", (error) => this.destroy(error));
    socket.once("close", () => {
      if (!this.destroyed) this.destroy();
    });
  }

  /** The peer's address, for logs (http2 reads it through the session's socket). */
  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  override _read(): void {
    this.#socket.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#socket.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#socket.end(() => callback());
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#socket.destroyed) this.#socket.destroy(error ?? undefined);
    callback(error);
  }

  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelayMs?: number): this {
    this.#socket.setKeepAlive(enable, initialDelayMs);
    return this;
  }

  setTimeout(timeoutMs: number, callback?: () => void): this {
    this.#socket.setTimeout(timeoutMs, callback);
    return this;
  }
}
