import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminService } from '../../admin/admin-service.js';
import type { Actor } from '../../admin/admin-views.js';

/** What the admin route modules share: the service, who is asking, and the SCIM URL to show. */
export interface AdminRouteContext {
  service: AdminService;
  actor(request: FastifyRequest): Actor;
  /** The SCIM base URL as the caller reached this server. */
  scimUrl(request: FastifyRequest): string;
}

/** 201 with the new resource's address. */
export function created<T>(reply: FastifyReply, location: string, body: T): T {
  reply.code(201).header('location', location);
  return body;
}
