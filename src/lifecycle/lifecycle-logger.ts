/**
 * The part of pino's logger the lifecycle uses, so it runs with Fastify's logger in the server
 * and with any object of this shape in tests. Log lines name secrets by id, never by value.
 */
export interface LifecycleLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}
