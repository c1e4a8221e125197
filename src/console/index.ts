/** The analyst console: API, static app, users, sessions, audit. */
export { ACTIONS_BY_KIND, type ActionName, type ActionRequest, ConsoleActions } from "./actions.js";
export { COOKIE, ConsoleApp, type ConsoleOptions, type ConsoleSources } from "./app.js";
export { type AuditEntry, AuditLog } from "./audit.js";
export { ConsoleUserStore, generatePassword, ROLES, type Role } from "./users.js";
