/**
 * Notification checks for launch plans and executions (flyteadmin `notifications_validator.go`).
 */
import { TERMINAL_WORKFLOW_PHASES } from "@aloft/idl";
import type { Notification } from "@aloft/idl/gen/flyteidl/admin/common_pb";
import { invalidArgumentFor, missingArgument } from "./field-validation.js";

/**
 * Each notification is an email, Slack or PagerDuty notification with at least one non-empty recipient, and
 * fires only on terminal phases.
 *
 * @throws AloftError InvalidArgument "missing recipients", "missing recipient", "invalid value for
 *   notification type" or "invalid value for phase".
 */
export function validateNotifications(notifications: readonly Notification[]): void {
  for (const notification of notifications) {
    const type = notification.type;
    if (type.case === undefined) throw invalidArgumentFor("notification type");
    const recipients = type.value.recipientsEmail;
    if (recipients.length === 0) throw missingArgument("recipients");
    if (recipients.some((recipient) => recipient === "")) throw missingArgument("recipient");
    for (const phase of notification.phases) {
      if (!TERMINAL_WORKFLOW_PHASES.has(phase)) throw invalidArgumentFor("phase");
    }
  }
}
