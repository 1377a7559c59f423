import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "../config/admin-config.js";

/** Options of {@link createAdminLogger}. */
export interface CreateAdminLoggerOptions {
  /** @default "info" */
  level?: LogLevel;
  /** Where JSON lines go. @default stdout */
  destination?: DestinationStream;
}

/**
 * Admin's root logger: pino JSON lines (ISO timestamps, `name: "aloft-admin"`). Components log through
 * `logger.child({ component: "rpc" })` and the like, so one admin process's lines can be filtered by part.
 */
export function createAdminLogger(options: CreateAdminLoggerOptions = {}): Logger {
  const settings = {
    name: "aloft-admin",
    level: options.level ?? "info",
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination === undefined ? pino(settings) : pino(settings, options.destination);
}
