/**
 * Headers that keep a browser from turning the service's own pages against it (@fastify/helmet): a
 * Content-Security-Policy that runs only the service's script files (no inline script, nothing from
 * elsewhere, no plugins), no framing by any page (clickjacking), no MIME sniffing, no Referer sent
 * with the links of a page that shows archive documents. The review page (web/) loads scripts and
 * styles only from files; the Swagger UI at /docs does too, but adds <style> elements as it renders,
 * which its routes alone allow (relaxStyles). Images may be data: URLs, as Swagger UI's icons are.
 */
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

export async function securityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // Served over plain HTTP on a laptop or a LAN: HSTS belongs to the TLS proxy in front, if any.
    strictTransportSecurity: false,
  });
}

/** The policy with inline styles allowed, for /docs: script stays as strict as everywhere else. */
export function relaxStyles(policy: string): string {
  return policy.replace(/(^|;)\s*style-src [^;]*/, "$1style-src 'self' 'unsafe-inline'");
}
