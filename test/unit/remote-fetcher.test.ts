/**
 * Remote fetches under the configuration's rules, against the IIIF test server on 127.0.0.1: no host
 * unless allowed, no private address unless opened (checked after DNS, and at every redirect), size,
 * time and content-type limits, and an error a person can act on for each refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPublicAddress } from "../../src/remote/address.js";
import { RemoteFetcher, type RemoteRules } from "../../src/remote/fetcher.js";
import { type IiifTestServer, startIiifServer } from "../support/iiif-server.js";

let server: IiifTestServer;
beforeAll(async () => {
  server = await startIiifServer();
});
afterAll(() => server.close());

const RULES: RemoteRules = {
  allowedHosts: ["127.0.0.1"],
  allowPrivateAddresses: true,
  maxBytes: 4 * 1024 * 1024,
  timeoutMs: 5_000,
  maxRedirects: 3,
};

const fetcher = (rules: Partial<RemoteRules> = {}) => new RemoteFetcher({ ...RULES, ...rules });
const IMAGE = { what: "the image", accept: ["image/*"] };

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; retryable: boolean };
  }
  return expect.unreachable("the fetch succeeded");
}

describe("which addresses are public", () => {
  it.each([
    ["8.8.8.8", true],
    ["2606:4700:4700::1111", true],
    ["127.0.0.1", false],
    ["10.1.2.3", false],
    ["172.20.0.1", false],
    ["192.168.1.1", false],
    ["169.254.169.254", false],
    ["100.64.0.1", false],
    ["0.0.0.0", false],
    ["::1", false],
    ["[::1]", false],
    ["fe80::1", false],
    ["fd00::1", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:8.8.8.8", true],
    ["::ffff:7f00:1", false],
    ["not an address", false],
  ])("%s: %s", (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe("a remote fetch", () => {
  it("brings the bytes and their type from an allowed host", async () => {
    const fetched = await fetcher().fetch(`${server.url}/static/kant.png`, IMAGE);
    expect(fetched.contentType).toBe("image/png");
    expect(fetched.bytes.subarray(1, 4).toString()).toBe("PNG");
  });

  it("is refused with no allowed host, saying which setting to set", async () => {
    const error = await refusal(
      fetcher({ allowedHosts: undefined }).fetch(`${server.url}/static/kant.png`, IMAGE),
    );
    expect(error.code).toBe("REMOTE_NOT_ALLOWED");
    expect(error.message).toContain("Set IIIF_ALLOWED_HOSTS");
    const other = await refusal(
      fetcher({ allowedHosts: ["iiif.example.org"] }).fetch(`${server.url}/x`, IMAGE),
    );
    expect(other.message).toContain("not in IIIF_ALLOWED_HOSTS (iiif.example.org)");
  });

  it("refuses private addresses unless opened: a literal one, and a name that resolves to one", async () => {
    const literal = await refusal(
      fetcher({ allowPrivateAddresses: false }).fetch(`${server.url}/static/kant.png`, IMAGE),
    );
    expect(literal.code).toBe("REMOTE_NOT_ALLOWED");
    expect(literal.message).toContain("IIIF_ALLOW_PRIVATE_ADDRESSES");
    const named = await refusal(
      fetcher({ allowedHosts: ["localhost"], allowPrivateAddresses: false }).fetch(
        `${server.url.replace("127.0.0.1", "localhost")}/static/kant.png`,
        IMAGE,
      ),
    );
    expect(named.code).toBe("REMOTE_NOT_ALLOWED");
    expect(named.message).toMatch(/localhost \((127\.0\.0\.1|::1)\)/);
    // Nothing of the refused fetches reached the server.
    expect(server.requests.filter((path) => path === "/static/kant.png")).toHaveLength(1);
  });

  it("refuses other schemes and credentials in the URL", async () => {
    expect((await refusal(fetcher().fetch("file:///etc/passwd", IMAGE))).code).toBe("REMOTE_NOT_ALLOWED");
    const credentials = await refusal(fetcher().fetch(`http://user:secret@127.0.0.1:1/x`, IMAGE));
    expect(credentials.message).not.toContain("secret");
  });

  it("checks every redirect against the same rules, and stops a loop", async () => {
    const away = await refusal(
      fetcher().fetch(`${server.url}/iiif3/redirect-away/full/max/0/default.jpg`, IMAGE),
    );
    expect(away).toMatchObject({
      code: "REMOTE_NOT_ALLOWED",
      message: expect.stringContaining("A redirect of"),
    });
    const loop = await refusal(fetcher().fetch(`${server.url}/iiif3/redirect-loop/x`, IMAGE));
    expect(loop).toMatchObject({
      code: "REMOTE_UNREACHABLE",
      message: expect.stringContaining("IIIF_MAX_REDIRECTS"),
    });
  });

  it("refuses a 10 GB image by its Content-Length, and cuts one without a length at the limit", async () => {
    const started = Date.now();
    const declared = await refusal(fetcher().fetch(`${server.url}/iiif3/huge/full/max/0/default.jpg`, IMAGE));
    expect(declared).toMatchObject({ code: "REMOTE_TOO_LARGE", retryable: false });
    expect(declared.message).toContain(`${10 * 1024 ** 3} bytes`);
    const endless = await refusal(
      fetcher().fetch(`${server.url}/iiif3/endless/full/max/0/default.jpg`, IMAGE),
    );
    expect(endless).toMatchObject({
      code: "REMOTE_TOO_LARGE",
      message: expect.stringContaining("IIIF_MAX_BYTES"),
    });
    // Neither waited for the time limit.
    expect(Date.now() - started).toBeLessThan(RULES.timeoutMs);
  });

  it("gives up on a server that does not answer (REMOTE_TIMEOUT, retryable)", async () => {
    const error = await refusal(
      fetcher({ timeoutMs: 300 }).fetch(`${server.url}/iiif3/hanging/info.json`, {
        what: "x",
        accept: ["application/json"],
      }),
    );
    expect(error).toMatchObject({ code: "REMOTE_TIMEOUT", retryable: true });
    expect(error.message).toContain("IIIF_TIMEOUT_MS");
  });

  it("refuses a content type other than the one asked for, and says what a status means", async () => {
    const html = await refusal(fetcher().fetch(`${server.url}/iiif3/html/full/max/0/default.jpg`, IMAGE));
    expect(html).toMatchObject({ code: "REMOTE_WRONG_TYPE", message: expect.stringContaining("text/html") });
    const missing = await refusal(fetcher().fetch(`${server.url}/nothing-here`, IMAGE));
    expect(missing).toMatchObject({ code: "REMOTE_REFUSED", retryable: false });
    expect(missing.message).toContain("404 (not found)");
    const failing = await refusal(fetcher().fetch(`${server.url}/error`, IMAGE));
    expect(failing).toMatchObject({ code: "REMOTE_UNREACHABLE", retryable: true });
    const closed = await refusal(fetcher().fetch("http://127.0.0.1:1/x", IMAGE));
    expect(closed).toMatchObject({
      code: "REMOTE_UNREACHABLE",
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });
});
